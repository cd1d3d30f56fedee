/**
 * Parameter importance: fANOVA on a random forest fitted to the completed trials, as Optuna's
 * FanovaImportanceEvaluator does (64 trees, depth 64, seeded), re-implemented here.
 *
 * Encoding (one or more feature columns per parameter, integrated as one group):
 * - float/int: one column in the scale the parameter is sampled in (log10 for log parameters), over
 *   the space's bounds (the observed range when the space is unknown).
 * - categorical: one 0/1 column per choice (one-hot), as Optuna does.
 * - conditional (absent in some trials): a categorical's inactive trials have every column 0; a
 *   numeric one gets an extra 0/1 "active" column and its value column holds the midpoint when
 *   inactive, so the forest can tell "absent" from any value. Its importance therefore includes the
 *   effect of being present at all, which it shares with the parameter its condition reads.
 * Importances are each tree's explained-variance fractions, averaged over trees and normalised to sum
 * to 1; `std` is their spread over trees (before normalisation, scaled the same way).
 */
import type { ParamSpec, Scalar } from "../plan/types.js";
import { type StudyData, parameterNames, scoredTrials } from "./data.js";
import { type FeatureDomain, treeImportances } from "./fanova.js";
import { DEFAULT_FOREST, fitForest } from "./forest.js";

export interface ParamImportance {
  name: string;
  /** Share of the objective's variance the parameter explains on its own; all shares sum to 1. */
  importance: number;
  /** Standard deviation over the forest's trees, on the same scale. */
  std: number;
}

export interface ImportanceOptions {
  /** Which objective (index into `objectives`). */
  objective?: number;
  seed?: number;
  nTrees?: number;
  maxDepth?: number;
}

/** Importances, most important first, or why none could be computed. */
export type ImportanceResult = { importances: ParamImportance[] } | { reason: string };

interface Encoder {
  name: string;
  /** Feature columns this parameter contributes. */
  width: number;
  domains: FeatureDomain[];
  encode(value: Scalar | undefined, out: Float64Array, at: number): void;
}

const key = (v: Scalar) => JSON.stringify(v);

function numericEncoder(
  name: string,
  values: (Scalar | undefined)[],
  spec: ParamSpec | undefined,
  conditional: boolean,
): Encoder | undefined {
  const log = spec !== undefined && (spec.kind === "float" || spec.kind === "int") && spec.log;
  const scale = (v: number) => (log ? Math.log10(v) : v);
  let low: number;
  let high: number;
  if (spec && (spec.kind === "float" || spec.kind === "int")) {
    low = scale(spec.low);
    high = scale(spec.high);
  } else {
    const seen = values.filter((v): v is number => typeof v === "number").map(scale);
    low = Math.min(...seen);
    high = Math.max(...seen);
  }
  const present = values.filter((v) => v !== undefined).map((v) => scale(Number(v)));
  if (!conditional && present.every((v) => v === present[0])) return undefined;
  // Values outside declared bounds (a trainer's own parameter, a changed spec) widen the domain.
  for (const v of present) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!(high > low)) high = low + 1;
  const mid = (low + high) / 2;
  const domains: FeatureDomain[] = [{ low, high }];
  if (conditional) domains.push({ low: 0, high: 1 });
  return {
    name,
    width: domains.length,
    domains,
    encode(value, out, at) {
      out[at] = value === undefined ? mid : scale(Number(value));
      if (conditional) out[at + 1] = value === undefined ? 0 : 1;
    },
  };
}

function categoricalEncoder(
  name: string,
  values: (Scalar | undefined)[],
  spec: ParamSpec | undefined,
  conditional: boolean,
): Encoder | undefined {
  const choices = new Map<string, number>();
  const declared = spec?.kind === "categorical" ? spec.choices : [];
  for (const v of [...declared, ...values])
    if (v !== undefined && !choices.has(key(v))) choices.set(key(v), choices.size);
  // One value seen and always present: nothing varies.
  if (!conditional && new Set(values.map((v) => key(v!))).size < 2) return undefined;
  return {
    name,
    width: choices.size,
    domains: Array.from({ length: choices.size }, () => ({ low: 0, high: 1 })),
    encode(value, out, at) {
      for (let i = 0; i < choices.size; i++) out[at + i] = 0;
      if (value !== undefined) out[at + choices.get(key(value))!] = 1;
    },
  };
}

/** fANOVA importance of each parameter for one objective of the study's completed trials. */
export function parameterImportance(data: StudyData, options: ImportanceOptions = {}): ImportanceResult {
  const objective = options.objective ?? 0;
  const trials = scoredTrials(data);
  if (trials.length < 2) return { reason: `needs at least 2 completed trials (has ${trials.length})` };
  const y = trials.map((t) => t.values[objective]);
  if (y.every((v) => v === y[0])) return { reason: "every completed trial has the same value" };

  const specs = new Map((data.space ?? []).map((p) => [p.name, p]));
  const encoders: Encoder[] = [];
  for (const name of parameterNames(data)) {
    const values = trials.map((t) => (Object.hasOwn(t.params, name) ? t.params[name] : undefined));
    if (values.every((v) => v === undefined)) continue;
    const spec = specs.get(name);
    const conditional = values.some((v) => v === undefined);
    const numeric =
      spec !== undefined
        ? spec.kind === "float" || spec.kind === "int" || spec.kind === "normal"
        : values.every((v) => v === undefined || typeof v === "number");
    const encoder = numeric
      ? numericEncoder(name, values, spec, conditional)
      : categoricalEncoder(name, values, spec, conditional);
    if (encoder) encoders.push(encoder);
  }
  if (encoders.length === 0) return { reason: "no parameter varies across the completed trials" };

  const groups: number[][] = [];
  const domains: FeatureDomain[] = [];
  for (const e of encoders) {
    groups.push(Array.from({ length: e.width }, (_, i) => domains.length + i));
    domains.push(...e.domains);
  }
  const X = trials.map((t) => {
    const row = new Float64Array(domains.length);
    encoders.forEach((e, i) => {
      e.encode(t.params[e.name], row, groups[i][0]);
    });
    return row;
  });

  const forest = fitForest(X, y, {
    nTrees: options.nTrees ?? DEFAULT_FOREST.nTrees,
    maxDepth: options.maxDepth ?? DEFAULT_FOREST.maxDepth,
    seed: options.seed ?? 0,
  });
  const perTree = forest
    .map((tree) => treeImportances(tree, domains, groups))
    .filter((r): r is number[] => r !== undefined);
  if (perTree.length === 0) return { reason: "the fitted forest is constant" };

  // Mean and spread over the trees where a group's share is finite (see treeImportances).
  const finite = encoders.map((_, g) => perTree.map((r) => r[g]).filter(Number.isFinite));
  const means = finite.map((v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0));
  const stds = finite.map((v, g) =>
    v.length ? Math.sqrt(v.reduce((s, x) => s + (x - means[g]) ** 2, 0) / v.length) : 0,
  );
  const sum = means.reduce((a, b) => a + b, 0);
  const norm = sum > 0 ? sum : 1;
  const importances = encoders
    .map((e, g) => ({ name: e.name, importance: means[g] / norm, std: stds[g] / norm }))
    .sort((a, b) => b.importance - a.importance);
  return { importances };
}
