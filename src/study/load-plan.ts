import { readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import { defaultStorageUrl } from "../plan/storage-url.js";
import type { Plan } from "../plan/types.js";
import { HpoError, describeError } from "../util/errors.js";

/** Compiles a `.hpo` file to its Plan, throwing HpoError with the formatted diagnostics on errors. */
export type SpecCompiler = (path: string) => Plan;

/**
 * Loads the Plan a SPEC names: a `.hpo` file through `compile`, or a Plan JSON file (`*.json`, as
 * `hpo plan` prints it). A Plan without a storage gets `sqlite:.hpo/<study>.db` beside the spec.
 */
export function loadPlan(spec: string, compile?: SpecCompiler): Plan {
  const path = resolve(spec);
  let plan: Plan;
  if (extname(path) === ".json") {
    plan = readPlanJson(path);
    // A hand-written Plan may name its objective module relative to itself, like a .hpo spec.
    if (plan.trial.kind === "evaluate" && plan.trial.module && !isAbsolute(plan.trial.module))
      plan = { ...plan, trial: { ...plan.trial, module: resolve(dirname(path), plan.trial.module) } };
  } else {
    if (!compile) throw new HpoError(`cannot compile \`${spec}\`: this build of hpo has no .hpo compiler`);
    plan = compile(path);
  }
  if (!plan.storage) plan = { ...plan, storage: defaultStorageUrl(dirname(path), plan.study) };
  return plan;
}

function readPlanJson(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new HpoError(`cannot read \`${path}\`: ${describeError(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HpoError(`\`${path}\` is not valid JSON: ${describeError(err)}`);
  }
  const problem = planProblem(value);
  if (problem)
    throw new HpoError(`\`${path}\` is not an hpo Plan: ${problem}`, { hint: "`hpo plan SPEC` prints one" });
  return value as Plan;
}

/** The first thing that keeps a JSON value from being a Plan the runtime can run, if any. */
function planProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "expected an object";
  const p = v as Record<string, unknown>;
  if (p["version"] !== 1) return "`version` must be 1";
  if (typeof p["study"] !== "string" || p["study"] === "") return "`study` must be a non-empty string";
  if (typeof p["seed"] !== "number") return "`seed` must be a number";
  if (!Array.isArray(p["space"])) return "`space` must be a list";
  if (!Array.isArray(p["constraints"])) return "`constraints` must be a list";
  if (!Array.isArray(p["objectives"]) || p["objectives"].length === 0)
    return "`objectives` must be a non-empty list";
  const trial = p["trial"] as Record<string, unknown> | undefined;
  if (!trial || (trial["kind"] !== "evaluate" && trial["kind"] !== "trainer"))
    return "`trial.kind` must be evaluate or trainer";
  const strategy = p["strategy"] as Record<string, unknown> | undefined;
  if (!strategy || typeof strategy["name"] !== "string") return "`strategy.name` must be a string";
  const budget = p["budget"] as Record<string, unknown> | undefined;
  if (!budget || typeof budget !== "object") return "`budget` must be an object";
  if (budget["trials"] === undefined && budget["timeSeconds"] === undefined)
    return "`budget` needs `trials` or `timeSeconds`";
  if (p["source"] === undefined) p["source"] = { file: "", sha256: "" };
  if (p["validation"] === undefined) p["validation"] = { kind: "holdout", options: {} };
  if (typeof budget["parallel"] !== "number") budget["parallel"] = 1;
  return undefined;
}
