import type { Command } from "commander";
import type { Plan } from "../plan/types.js";
import { openStorage } from "../storage/index.js";
import type { Storage, StudyRecord } from "../storage/types.js";
import { type SpecCompiler, loadPlan } from "../study/load-plan.js";
import type { StudyDeps } from "../study/loop.js";
import { HpoError } from "../util/errors.js";

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
  const plan = loadPlan(spec, deps.compileSpec);
  const storage = await openStorage(storageUrl ?? plan.storage, process.cwd(), options);
  return { plan: storageUrl ? { ...plan, storage: storageUrl } : plan, storage };
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
