/**
 * Tabular data from CSV (parsed by csv-parse, header row required). Categorical columns are one-hot
 * encoded (categories sorted); the target is a class when it is categorical or not numeric, else a
 * regression value. Normalization is fitted later, on the training split only (normalize.ts).
 */
import { parse } from "csv-parse/sync";
import { HpoError } from "../util/errors.js";
import { readText } from "./files.js";
import type { Dataset } from "./types.js";

export interface CsvOptions {
  target: string;
  features?: string[];
  categorical?: string[];
  /** Forces the task; by default numeric targets are regression and any other classification. */
  task?: "classification" | "regression";
}

export function readCsv(path: string, opts: CsvOptions): Dataset {
  let rows: Record<string, string>[];
  try {
    rows = parse(readText(path), { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    if (err instanceof HpoError) throw err;
    throw new HpoError(`${path}: invalid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) throw new HpoError(`${path}: the CSV has no data rows`);
  const columns = Object.keys(rows[0]);
  const missing = [opts.target, ...(opts.features ?? []), ...(opts.categorical ?? [])].filter(
    (c) => !columns.includes(c),
  );
  if (missing.length > 0)
    throw new HpoError(`${path}: no column ${missing.map((c) => `\`${c}\``).join(", ")}`, {
      hint: `the columns are ${columns.join(", ")}`,
    });
  const categorical = new Set(opts.categorical ?? []);
  const features = opts.features ?? columns.filter((c) => c !== opts.target);
  const isNumber = (s: string) => s !== "" && Number.isFinite(Number(s));

  // Target: classes (sorted labels) or numbers.
  const targets = rows.map((r, i) => {
    const v = r[opts.target];
    if (v === undefined || v === "")
      throw new HpoError(`${path}: row ${i + 2} has no value for target \`${opts.target}\``);
    return v;
  });
  const classify =
    opts.task === undefined
      ? categorical.has(opts.target) || !targets.every(isNumber)
      : opts.task === "classification";
  if (!classify && !targets.every(isNumber))
    throw new HpoError(`${path}: task = "regression" needs numbers in target \`${opts.target}\``);
  const labels = classify ? [...new Set(targets)].sort(compareLabels) : undefined;
  const y = Float32Array.from(targets, (t) => (labels ? labels.indexOf(t) : Number(t)));

  // Features: numeric columns as they are, categorical ones one-hot.
  const encoders = features.map((c) => {
    if (!categorical.has(c)) {
      rows.forEach((r, i) => {
        if (!isNumber(r[c]))
          throw new HpoError(
            `${path}: row ${i + 2}, column \`${c}\`: ${JSON.stringify(r[c])} is not a number`,
            {
              hint: "list the column in `categorical` if it holds categories",
            },
          );
      });
      return { column: c, names: [c], categories: undefined };
    }
    const cats = [...new Set(rows.map((r) => r[c]))].sort(compareLabels);
    return { column: c, names: cats.map((k) => `${c}=${k}`), categories: cats };
  });
  const width = encoders.reduce((s, e) => s + e.names.length, 0);
  const x = new Float32Array(rows.length * width);
  const numericColumns: number[] = [];
  let col = 0;
  for (const e of encoders) {
    if (!e.categories) numericColumns.push(col);
    rows.forEach((r, i) => {
      if (e.categories) x[i * width + col + e.categories.indexOf(r[e.column])] = 1;
      else x[i * width + col] = Number(r[e.column]);
    });
    col += e.names.length;
  }
  return {
    task: classify ? "classification" : "regression",
    n: rows.length,
    inputShape: [width],
    x,
    y,
    numClasses: labels ? labels.length : 1,
    labels,
    features: encoders.flatMap((e) => e.names),
    numericColumns,
  };
}

function compareLabels(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
