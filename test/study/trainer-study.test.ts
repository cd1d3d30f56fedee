import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryStorage } from "../../src/storage/memory.js";
import {
  checkpointFolder,
  compileSpec,
  defaultStudyDeps,
  objectiveSource,
  removeSpentCheckpoints,
} from "../../src/cli/compose.js";
import { runStudy } from "../../src/study/loop.js";

// A trainer study end to end through the real compiler, strategy (sha), study loop and trainer:
// promoted trials continue their parent's checkpoint to more epochs.
const dir = mkdtempSync(join(tmpdir(), "hpo-trainer-study-"));
copyFileSync(
  fileURLToPath(new URL("../../../examples/data/houses.csv", import.meta.url)),
  join(dir, "houses.csv"),
);
const spec = join(dir, "tiny.hpo");
writeFileSync(
  spec,
  `study tiny
seed 3
data csv(path = "houses.csv", target = "price", categorical = ["neighbourhood"], normalize = true, limit = 120)
space { lr = loguniform(1e-3, 1e-1)  units = int(4, 16) }
model mlp(units = units, layers = 1, activation = "relu")
train { optimizer = adam(lr = lr)  loss = "mse"  batch_size = 32 }
objective minimize val_loss
strategy sha(min_epochs = 1, max_epochs = 2, eta = 2)
budget { trials = 3 }
`,
);

test("a trainer plan's objective is the trainer factory, with the study's checkpoint folder", () => {
  const plan = compileSpec(spec);
  const source = objectiveSource(plan);
  assert.is(source.kind, "factory");
  if (source.kind !== "factory") return;
  assert.is(source.name, "trainerObjective");
  assert.match(source.from, /train\/objective\.js$/);
  assert.is((source.arg as { checkpoints: string }).checkpoints, join(dir, ".hpo", "checkpoints", "tiny"));
});

test("successive halving trains, promotes the better trial and continues its checkpoint", async () => {
  const plan = { ...compileSpec(spec), storage: "memory:" };
  // While the study runs, each finished trial's checkpoint is on disk (a later rung may continue it).
  const seen: boolean[] = [];
  const r = await runStudy({
    plan,
    storage: new MemoryStorage(),
    deps: defaultStudyDeps,
    onEvent: (e) => {
      if (e.type === "trial-end")
        seen.push(existsSync(join(checkpointFolder(plan), `trial-${e.trial.number}`)));
    },
  });
  assert.is(r.reason, "trials");
  assert.equal(seen, [true, true, true]);
  assert.is(r.trials.length, 3);
  for (const t of r.trials) assert.is(t.state, "complete", `trial ${t.number}: ${t.error ?? ""}`);
  const [a, b, promoted] = r.trials;
  assert.equal(a!.fidelity, { resource: 1 });
  assert.equal(b!.fidelity, { resource: 1 });
  const better = a!.values![0]! <= b!.values![0]! ? a! : b!;
  assert.equal(promoted!.fidelity, { resource: 2, resumedFrom: better.number });
  assert.equal(promoted!.params, better.params);
  // It trained one more epoch on top of its parent's: its reports continue at step 2.
  assert.equal(
    promoted!.intermediate.map((i) => i.step),
    [2],
  );
  // The budget is spent: nothing can be promoted any more, so the study's checkpoints are gone.
  assert.not.ok(existsSync(checkpointFolder(plan)));
});

test("an interrupted study keeps its checkpoints, so a resumed run can still promote", async () => {
  const plan = { ...compileSpec(spec), storage: "memory:" };
  const drain = new AbortController();
  const r = await runStudy({
    plan,
    storage: new MemoryStorage(),
    deps: defaultStudyDeps,
    drain: drain.signal,
    onEvent: (e) => {
      if (e.type === "trial-end") drain.abort();
    },
  });
  assert.is(r.reason, "interrupted");
  assert.ok(r.trials.length < 3);
  assert.ok(existsSync(join(checkpointFolder(plan), `trial-${r.trials[0]!.number}`)));
  assert.not.ok(removeSpentCheckpoints(plan, r));
  // The same folder is removed once a run ends with its budget spent.
  assert.ok(removeSpentCheckpoints(plan, { ...r, reason: "trials" }));
  assert.not.ok(existsSync(checkpointFolder(plan)));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
