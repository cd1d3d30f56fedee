/**
 * The study report: ONE self-contained HTML file that opens offline. ECharts (bundled from npm) is
 * inlined, the study travels as escaped JSON, the page script draws the plots with the SVG renderer,
 * and a Content-Security-Policy allows only these exact scripts (by hash) and no network at all, so
 * even a missed escape could not run injected script.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Scalar } from "../plan/types.js";
import {
  type StudyData,
  type TrialRecord,
  bestTrial,
  durationSeconds,
  paretoFront,
  parameterNames,
  scoredTrials,
  stateCounts,
} from "./data.js";
import { escapeHtml, inlineScript, jsonForScript } from "./escape.js";
import { formatNumber } from "../util/format.js";
import { type ExportFormat, exportTrials, fileStem } from "./export.js";
import { type ImportanceResult, parameterImportance } from "./importance.js";
import { type Lineage, populationLineage } from "./lineage.js";
import { PAGE_SCRIPT } from "./page-script.js";

export interface RenderOptions {
  /** Precomputed importances, one per objective (default: computed here with `seed`). */
  importance?: ImportanceResult[];
  /** Seed of the importance forest (default the study's seed, else 0). */
  seed?: number;
  /** When set, the page reloads itself every so many seconds (`hpo report --watch`). */
  refreshSeconds?: number;
  /** Shown in the footer (default now). */
  generatedAt?: Date;
}

/** How the page script sees a parameter. */
interface PageParam {
  name: string;
  kind: "numeric" | "categorical";
  log: boolean;
  choices?: string[];
}

let echartsSource: string | undefined;
/** The bundled ECharts build, read once from the installed package. */
function echartsScript(): string {
  echartsSource ??= inlineScript(
    readFileSync(createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"), "utf8"),
  );
  return echartsSource;
}

function pageParams(data: StudyData): PageParam[] {
  const specs = new Map((data.space ?? []).map((p) => [p.name, p]));
  return parameterNames(data).map((name) => {
    const spec = specs.get(name);
    const seen = data.trials.filter((t) => Object.hasOwn(t.params, name)).map((t) => t.params[name]);
    const numeric = spec
      ? spec.kind === "float" || spec.kind === "int" || spec.kind === "normal"
      : seen.every((v) => typeof v === "number");
    if (numeric) {
      const log = spec !== undefined && (spec.kind === "float" || spec.kind === "int") && spec.log;
      return { name, kind: "numeric", log };
    }
    const choices = [
      ...new Set([...(spec?.kind === "categorical" ? spec.choices : []), ...seen].map(String)),
    ];
    return { name, kind: "categorical", log: false, choices };
  });
}

const fmt = formatNumber;
const show = (v: Scalar | undefined) => (v === undefined ? "" : typeof v === "number" ? fmt(v) : String(v));

function cell(text: string, sortValue: string | number = text, cls = ""): string {
  return `<td${cls ? ` class="${cls}"` : ""} data-v="${escapeHtml(String(sortValue))}">${escapeHtml(text)}</td>`;
}

function trialTable(data: StudyData, params: string[]): string {
  const head = [
    '<th data-type="num">#</th>',
    '<th data-type="text">state</th>',
    ...data.objectives.map((o) => `<th data-type="num">${escapeHtml(o.metric)}</th>`),
    '<th data-type="num">duration (s)</th>',
    ...params.map((p) => `<th data-type="${typeOfColumn(data, p)}">${escapeHtml(p)}</th>`),
    '<th data-type="text">error</th>',
  ].join("");
  const rows = [...data.trials]
    .sort((a, b) => a.number - b.number)
    .map((t: TrialRecord) => {
      const d = durationSeconds(t);
      const cells = [
        cell(String(t.number), t.number),
        cell(t.state, t.state, `state-${t.state}`),
        ...data.objectives.map((_, i) => {
          const v = t.values?.[i];
          return v === undefined || !Number.isFinite(v) ? cell("", "") : cell(fmt(v), v);
        }),
        d === undefined ? cell("", "") : cell(fmt(+d.toFixed(2)), d),
        ...params.map((p) => {
          const v = Object.hasOwn(t.params, p) ? t.params[p] : undefined;
          return cell(show(v), v === undefined ? "" : typeof v === "number" ? v : String(v));
        }),
        cell(t.error ?? "", t.error ?? "", "error"),
      ];
      return `<tr>${cells.join("")}</tr>`;
    });
  return `<table id="trials"><thead><tr>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table>`;
}

function typeOfColumn(data: StudyData, name: string): "num" | "text" {
  return data.trials.every((t) => !Object.hasOwn(t.params, name) || typeof t.params[name] === "number")
    ? "num"
    : "text";
}

function summary(data: StudyData): string {
  const counts = stateCounts(data);
  const items = [
    `<li><b>objectives</b>: ${data.objectives.map((o) => `${escapeHtml(o.metric)} (${o.direction})`).join(", ")}</li>`,
    data.strategy ? `<li><b>strategy</b>: ${escapeHtml(data.strategy)}</li>` : "",
    data.seed !== undefined ? `<li><b>seed</b>: ${data.seed}</li>` : "",
    `<li><b>trials</b>: ${data.trials.length} (${(Object.keys(counts) as (keyof typeof counts)[])
      .filter((k) => counts[k] > 0)
      .map((k) => `<span class="state-${k}">${counts[k]} ${k}</span>`)
      .join(", ")})</li>`,
  ];
  if (data.objectives.length <= 1) {
    const best = bestTrial(data);
    if (best?.values) {
      const params = escapeHtml(paramsText(best.params));
      items.push(
        `<li><b>best</b>: trial ${best.number}, ${escapeHtml(fmt(best.values[0]))} — ${params}</li>`,
      );
    }
  } else {
    items.push(`<li><b>Pareto front</b>: ${paretoFront(data).length} trials</li>`);
  }
  return `<ul class="summary">${items.join("")}</ul>`;
}

/** Links that save the trial table as CSV or JSON (data: URLs: the page stays one file, offline). */
function downloads(data: StudyData): string {
  const base = fileStem(data.name);
  const link = (format: ExportFormat, mime: string) =>
    `<a download="${escapeHtml(`${base}-trials.${format}`)}" href="data:${mime};charset=utf-8,${encodeURIComponent(
      exportTrials(data, format),
    )}">${format.toUpperCase()}</a>`;
  return `<p class="downloads">Download the trials: ${link("csv", "text/csv")} · ${link("json", "application/json")}</p>`;
}

/**
 * The pbt population as a member × round table: each cell is one trial (its first objective's value,
 * or its state), with the member whose checkpoint it copied and the hyperparameters explore changed.
 */
function lineageTable(data: StudyData, lineage: Lineage): string {
  const head = [
    "<th>member</th>",
    ...Array.from({ length: lineage.rounds }, (_, r) => `<th>round ${r}</th>`),
  ].join("");
  const rows = lineage.members.map((rounds, m) => {
    const cells = rounds.map((mr) => {
      if (!mr) return "<td></td>";
      const t = mr.trial;
      const v = t.values?.[0];
      const value =
        t.state === "complete" && v !== undefined && Number.isFinite(v)
          ? escapeHtml(fmt(v))
          : `<span class="state-${t.state}">${t.state}</span>`;
      const n = t.fidelity?.resource;
      const epochs =
        n === undefined ? "" : ` <small>(trial ${t.number}, ${n} epoch${n === 1 ? "" : "s"})</small>`;
      const copied = mr.copied
        ? `<div class="copy">← member ${mr.copied.member} (trial ${mr.copied.trial})</div>`
        : "";
      const changed = mr.changed
        .map((c) => `<div class="explore">${escapeHtml(`${c.name}: ${show(c.from)} → ${show(c.to)}`)}</div>`)
        .join("");
      return `<td${mr.copied ? ' class="exploit"' : ""}>${value}${epochs}${copied}${changed}</td>`;
    });
    return `<tr><th>${m}</th>${cells.join("")}</tr>`;
  });
  const first = lineage.members.flat().find((mr) => mr !== undefined);
  const params = first ? Object.entries(first.trial.params) : [];
  const start = lineage.members
    .map((rounds, m) => {
      const t = rounds[0]?.trial;
      return t ? `<li>member ${m}: ${escapeHtml(paramsText(t.params))}</li>` : "";
    })
    .join("");
  return (
    note(
      `${data.objectives[0]?.metric ?? "value"} of each member's round. ← member k: the round continued member k's checkpoint (exploit), with the hyperparameters listed below it changed (explore); otherwise the member continued its own.`,
    ) +
    `<div class="table-wrap"><table id="lineage-table"><thead><tr>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table></div>` +
    (params.length > 0 ? `<h3>Starting hyperparameters</h3><ul class="summary">${start}</ul>` : "")
  );
}

const paramsText = (params: Record<string, Scalar>) =>
  Object.entries(params)
    .map(([k, v]) => `${k} = ${show(v)}`)
    .join(", ");

const section = (id: string, title: string, body: string) =>
  `<section id="${id}"><h2>${title}</h2>${body}</section>`;
const note = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#212529}
h1{font-size:22px;margin:8px 0}h3{font-size:14px;margin:12px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
.chart{width:100%;height:360px}.slices{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:8px}
.slices .chart{height:240px}.note{color:#868e96;font-style:italic}.summary{padding-left:18px}
table{border-collapse:collapse;font-size:12.5px;width:100%}th,td{border-bottom:1px solid #e9ecef;padding:3px 8px;text-align:left;white-space:nowrap}
th{cursor:pointer;background:#f8f9fa;position:sticky;top:0}th[data-order=asc]::after{content:" ▲"}th[data-order=desc]::after{content:" ▼"}
td.error{white-space:pre-wrap;color:#c92a2a;max-width:420px}.table-wrap{max-height:520px;overflow:auto}
.state-complete{color:#1c7ed6}.state-pruned{color:#e8590c}.state-failed{color:#c92a2a}.state-running{color:#868e96}
.toggle{font-size:13px;color:#495057;user-select:none}.toggle input{vertical-align:middle}
td.exploit{background:#fff9db}.copy{color:#e8590c}.explore{color:#495057;font-size:11.5px}
pre{background:#f8f9fa;padding:12px;overflow:auto;font-size:12.5px}footer{color:#868e96;margin-top:32px;font-size:12px}`;

const scriptHash = (code: string) => `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`;

/** The report page for a study, as one HTML string. */
export function renderReport(data: StudyData, options: RenderOptions = {}): string {
  const params = pageParams(data);
  const names = params.map((p) => p.name);
  const seed = options.seed ?? data.seed ?? 0;
  const importance =
    options.importance ??
    Array.from({ length: Math.max(1, data.objectives.length) }, (_, objective) =>
      parameterImportance(data, { seed, objective }),
    );
  const scored = scoredTrials(data);
  const payload = {
    name: data.name,
    objectives: data.objectives.length > 0 ? data.objectives : [{ metric: "value", direction: "minimize" }],
    params,
    trials: [...data.trials]
      .sort((a, b) => a.number - b.number)
      .map((t) => ({
        number: t.number,
        state: t.state,
        params: t.params,
        values: t.values?.map((v) => (Number.isFinite(v) ? v : null)),
        intermediate: t.intermediate.filter((s) => Number.isFinite(s.value)),
      })),
    importance: importance.map((r) => ("importances" in r ? r.importances : [])),
    pareto: data.objectives.length >= 2 ? paretoFront(data).map((t) => t.number) : [],
  };

  const objectives = payload.objectives;
  const parts: string[] = [];
  parts.push(
    section(
      "history",
      "Optimization history",
      scored.length === 0
        ? note("No trial has completed yet.")
        : // Early outliers squash the axis: the page script enables the toggle when every value is positive.
          '<label class="toggle"><input type="checkbox" id="history-log" disabled> log scale</label>' +
            objectives.map((_, k) => `<div class="chart" id="chart-history-${k}"></div>`).join(""),
    ),
  );
  if (objectives.length >= 2)
    parts.push(
      section(
        "pareto",
        "Pareto front",
        scored.length === 0
          ? note("No trial has completed yet.")
          : (objectives.length > 2 ? note("Showing the first two objectives.") : "") +
              '<div class="chart" id="chart-pareto"></div>',
      ),
    );
  parts.push(
    section(
      "importance",
      "Parameter importance (fANOVA)",
      importance
        .map((r, k) => {
          const title = importance.length > 1 ? `<h3>${escapeHtml(objectives[k].metric)}</h3>` : "";
          return "importances" in r
            ? `${title}<div class="chart" id="chart-importance-${k}"></div>`
            : `${title}${note(`Not available: ${r.reason}.`)}`;
        })
        .join(""),
    ),
  );
  parts.push(
    section(
      "parallel",
      "Parallel coordinates",
      scored.length === 0 || names.length === 0
        ? note("Needs completed trials with parameters.")
        : '<div class="chart" id="chart-parallel"></div>',
    ),
  );
  parts.push(
    section(
      "slices",
      "Slice plots",
      names.length === 0
        ? note("The study has no parameters.")
        : scored.length === 0
          ? note("No trial has completed yet.")
          : `<div class="slices">${names.map((_, i) => `<div class="chart" id="chart-slice-${i}"></div>`).join("")}</div>`,
    ),
  );
  parts.push(
    section(
      "intermediate",
      "Intermediate values",
      data.trials.some((t) => t.intermediate.length > 0)
        ? '<div class="chart" id="chart-intermediate"></div>'
        : note("No trial reported intermediate values."),
    ),
  );
  const lineage = populationLineage(data);
  if (lineage) parts.push(section("lineage", "Population lineage (pbt)", lineageTable(data, lineage)));
  parts.push(
    section("table", "Trials", `${downloads(data)}<div class="table-wrap">${trialTable(data, names)}</div>`),
  );
  if (data.specText !== undefined)
    parts.push(
      section(
        "spec",
        `Spec${data.specFile ? ` <small>${escapeHtml(data.specFile)}</small>` : ""}`,
        `<pre>${escapeHtml(data.specText)}</pre>`,
      ),
    );

  const library = echartsScript();
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHash(library)} ${scriptHash(PAGE_SCRIPT)}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
  ].join("; ");
  const generated = (options.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshSeconds ? `<meta http-equiv="refresh" content="${Math.max(1, Math.round(options.refreshSeconds))}">\n` : ""}<title>hpo report: ${escapeHtml(data.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Study <span id="study-name">${escapeHtml(data.name)}</span></h1>
${summary(data)}
${parts.join("\n")}
<footer>Generated by hpo at ${generated}. Importance: fANOVA on a random forest of 64 trees (seed ${seed}).</footer>
<script type="application/json" id="hpo-data">${jsonForScript(payload)}</script>
<script>${library}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
