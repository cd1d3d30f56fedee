import type { Command } from "commander";
import type { Plan } from "../plan/types.js";
import { openStorage } from "../storage/index.js";
import type { Storage, StudyRecord } from "../storage/types.js";
import { type SpecCompiler, loadPlan } from "../study/load-plan.js";
import { planDifferences } from "../study/plan-diff.js";
import type { StudyDeps } from "../study/loop.js";
import { HpoError } from "../util/errors.js";
import { requireSpecFile } from "./spec-path.js";

/** What the study commands need beside the runtime: the strategies and objectives, and the compiler. */
export interface CliDeps {
  study: StudyDeps;
  compileSpec?: SpecCompiler;
}

export type CliDepsLoader = () => Promise<CliDeps>;

/** Loaded lazily so `hpo status` does not pay for strategies and the native addon. */
export const loadDefaultDeps: CliDepsLoader = async () => (await import("./compose.js")).defaultCliDeps;

/** The `--storage URL` option every study command takes. */
export function storageOption(cmd: Command): Command {
  return cmd.option(
    "--storage <url>",
    "where the study is kept: sqlite:PATH, memory: or postgresql://… (default: the spec's)",
  );
}

/**
 * The Plan a SPEC names and the storage its study lives in (`--storage` first, then the Plan's).
 * `readOnly` for the commands that only look: a spec never run leaves no empty database behind.
 */
export async function openSpec(
  spec: string,
  storageUrl: string | undefined,
  deps: CliDeps,
  options: { readOnly?: boolean } = {},
): Promise<{ plan: Plan; storage: Storage }> {
  requireSpecFile(spec);
  const plan = loadPlan(spec, deps.compileSpec);
  const storage = await openStorage(storageUrl ?? plan.storage, process.cwd(), options);
  return { plan: storageUrl ? { ...plan, storage: storageUrl } : plan, storage };
}

/**
 * Warns (stderr) when the spec's Plan is no longer the stored study's: what `status` or `trials` show
 * then belongs to the stored Plan, and `hpo run` would refuse the spec without `--new-study`.
 */
export function warnIfPlanDiffers(
  stored: StudyRecord,
  plan: Plan,
  write = (s: string) => process.stderr.write(s),
): void {
  const diffs = planDifferences(stored.plan, plan);
  if (diffs.length === 0) return;
  const shown = diffs.slice(0, 5).map((d) => `    ${d}`);
  if (diffs.length > 5) shown.push(`    … and ${diffs.length - 5} more`);
  write(
    `hpo: warning: the spec's plan differs from the stored study \`${stored.name}\` (stored → spec):\n${shown.join("\n")}\n`,
  );
}

/** The stored study a SPEC names, or a clear error when it was never run. */
export async function requireStudy(storage: Storage, plan: Plan): Promise<StudyRecord> {
  const study = await storage.getStudy(plan.study);
  if (!study)
    throw new HpoError(`no study \`${plan.study}\` in ${storage.url}`, {
      hint: "run it first with `hpo run SPEC`",
    });
  return study;
}
