import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointFolder, defaultStudyDeps } from "../../src/cli/compose.js";
import { compileSource } from "../../src/lang/index.js";
import type { Plan } from "../../src/plan/types.js";
import { studyDataFrom } from "../../src/report/convert.js";
import { populationLineage } from "../../src/report/lineage.js";
import { MemoryStorage } from "../../src/storage/memory.js";
import type { TrialRecord } from "../../src/storage/types.js";
import { runStudy } from "../../src/study/loop.js";
import { assertCompleteAndFinite, examplePath, shrunkSource } from "../helpers/examples.js";

// Population-based training end to end through the real compiler, strategy, study loop and trainer:
// 4 members, 3 rounds of 1 epoch on 200 rows of houses.csv, two members training at a time.
const SHRINK = {
  trials: 12,
  limit: 200,
  replace: [
    [
      "pbt(population = 8, interval = 3, max_epochs = 30, quantile = 0.25)",
      "pbt(population = 4, interval = 1, max_epochs = 3, quantile = 0.25)",
    ],
    ["budget {", "budget {\n  parallel = 2"],
  ] as [string, string][],
};

function plan(): Plan {
  const source = shrunkSource("houses-pbt.hpo", SHRINK);
  const file = examplePath("houses-pbt.hpo");
  const { plan, diagnostics } = compileSource(source, file);
  assert.equal(
    diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  // Checkpoints live beside the spec: a scratch folder instead of the repository.
  const scratch = mkdtempSync(join(tmpdir(), "hpo-pbt-"));
  return { ...plan!, storage: "memory:", source: { ...plan!.source, file: join(scratch, "houses-pbt.hpo") } };
}

const decisions = (trials: readonly TrialRecord[]) =>
  trials.map((t) => ({ params: t.params, fidelity: t.fidelity }));

test("houses-pbt.hpo: members train in rounds, the worst copies the best's checkpoint and explores", async () => {
  const p = plan();
  const result = await runStudy({ plan: p, storage: new MemoryStorage(), deps: defaultStudyDeps });
  assertCompleteAndFinite(result, 12);
  assert.is(result.reason, "exhausted", "every round of every member ran: pbt has nothing more to propose");
  const byNumber = new Map(result.trials.map((t) => [t.number, t]));
  for (const t of result.trials) {
    const { member, round, resumedFrom, resource } = t.fidelity!;
    assert.is(resource, round! + 1);
    if (round === 0) {
      assert.is(resumedFrom, undefined);
      continue;
    }
    const parent = byNumber.get(resumedFrom!)!;
    assert.is(parent.fidelity!.round, round! - 1, `trial ${t.number} continues the round before`);
    // It continued the checkpoint: it trained one epoch on top of its parent's, reporting step round + 1.
    assert.equal(
      t.intermediate.map((i) => i.step),
      [round! + 1],
    );
    if (parent.fidelity!.member !== member) {
      // Exploit: the structural parameters come with the checkpoint; explore may change the others.
      assert.is(t.params.units, parent.params.units);
      assert.is(t.params.layers, parent.params.layers);
    } else assert.equal(t.params, parent.params);
  }
  const lineage = populationLineage(studyDataFrom(result.study, result.trials))!;
  assert.is(lineage.members.length, 4);
  assert.is(lineage.rounds, 3);
  // ⌈0.25 · 4⌉ = 1 member copies another after each of rounds 0 and 1.
  assert.is(lineage.members.flat().filter((mr) => mr?.copied).length, 2);
  assert.not.ok(existsSync(checkpointFolder(p)), "the finished study's checkpoints are removed");
});

test("an interrupted pbt study resumes with the same decisions as an uninterrupted one", async () => {
  const whole = await runStudy({ plan: plan(), storage: new MemoryStorage(), deps: defaultStudyDeps });
  const p = plan();
  const storage = new MemoryStorage();
  const drain = new AbortController();
  let ended = 0;
  const first = await runStudy({
    plan: p,
    storage,
    deps: defaultStudyDeps,
    drain: drain.signal,
    onEvent: (e) => {
      if (e.type === "trial-end" && ++ended === 5) drain.abort();
    },
  });
  assert.is(first.reason, "interrupted");
  assert.ok(first.trials.length < 12);
  const resumed = await runStudy({ plan: p, storage, deps: defaultStudyDeps });
  assertCompleteAndFinite(resumed, 12);
  assert.equal(decisions(resumed.trials), decisions(whole.trials));
});

test.run();
