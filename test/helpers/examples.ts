/**
 * Runs a shipped example the way `hpo run` does, only smaller: its real source with the trial budget,
 * the data `limit` and (where given) the epochs overridden in the text, compiled, and run through the
 * study loop with hpo's real strategies and trainer. Checkpoints go to a temporary folder.
 */
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource, formatDiagnostics } from "../../src/lang/index.js";
import type { Plan } from "../../src/plan/types.js";
import { MemoryStorage } from "../../src/storage/memory.js";
import { defaultStudyDeps } from "../../src/cli/compose.js";
import { runStudy, type StudyRunResult } from "../../src/study/loop.js";
import { useFixtureDatasets } from "./datasets.js";

// The MNIST and Fashion-MNIST examples read the 300-image fixtures, not the user's downloads.
useFixtureDatasets();

export const examplePath = (name: string) =>
  fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

export interface Shrink {
  trials: number;
  /** Injected as the data reader's `limit` (samples kept). */
  limit?: number;
  /** Replaces `epochs = …` in the train block. */
  epochs?: number;
  /** Further exact text replacements (each must match), e.g. a smaller `max_epochs`. */
  replace?: [string, string][];
}

function replaceOnce(text: string, from: string | RegExp, to: string, what: string): string {
  const out = text.replace(from, to);
  assert.ok(out !== text, `the example has no ${what} to shrink`);
  return out;
}

/** The example's source with the overrides applied. */
export function shrunkSource(name: string, s: Shrink): string {
  let text = readFileSync(examplePath(name), "utf8");
  text = replaceOnce(text, /^(\s*)trials = \d+/m, `$1trials = ${s.trials}`, "trial budget");
  if (s.limit !== undefined)
    text = replaceOnce(text, /^data (\w+)\(/m, `data $1(limit = ${s.limit}, `, "data declaration");
  if (s.epochs !== undefined)
    text = replaceOnce(text, /^(\s*)epochs = \d+/m, `$1epochs = ${s.epochs}`, "epochs setting");
  for (const [from, to] of s.replace ?? []) text = replaceOnce(text, from, to, `\`${from}\``);
  return text;
}

/** Compiles the shrunk example (paths still relative to examples/) and runs it in memory. */
export async function runExample(name: string, s: Shrink): Promise<{ plan: Plan; result: StudyRunResult }> {
  const file = examplePath(name);
  const source = shrunkSource(name, s);
  const { plan, diagnostics } = compileSource(source, file);
  const errors = diagnostics.filter((d) => d.severity === "error");
  assert.ok(plan && errors.length === 0, formatDiagnostics(errors, source));
  // Checkpoints live beside the spec: point that at a scratch folder, not the repository.
  const scratch = mkdtempSync(join(tmpdir(), "hpo-example-"));
  const run: Plan = { ...plan!, storage: "memory:", source: { ...plan!.source, file: join(scratch, name) } };
  const result = await runStudy({ plan: run, storage: new MemoryStorage(), deps: defaultStudyDeps });
  return { plan: run, result };
}

/** Every trial completed and reported finite values for every objective. */
export function assertCompleteAndFinite(result: StudyRunResult, trials: number): void {
  assert.is(result.trials.length, trials);
  for (const t of result.trials) {
    assert.is(t.state, "complete", `trial ${t.number}: ${t.error ?? ""}`);
    assert.ok(t.values && t.values.length > 0, `trial ${t.number} has no values`);
    for (const v of t.values!) assert.ok(Number.isFinite(v), `trial ${t.number}: ${v} is not finite`);
  }
}
