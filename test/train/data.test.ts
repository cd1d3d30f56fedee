import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
import { resolve } from "../../src/plan/resolve.js";
import type { Plan, ResolvedTrainer } from "../../src/plan/types.js";
import { dataFor, provideData, shareTrainerData } from "../../src/train/data.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-train-data-"));
writeFileSync(join(dir, "rows.csv"), "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n");

function plan(dataArgs: string): Plan {
  const source = `study s
data csv(${dataArgs})
space { lr = loguniform(1e-3, 1e-1)  lim = choice(2, 3) }
model mlp(units = 4)
train { optimizer = adam(lr = lr) }
objective minimize val_loss
budget { trials = 2 }
`;
  const { plan, diagnostics } = compileSource(source, join(dir, "s.hpo"));
  assert.ok(plan, JSON.stringify(diagnostics));
  return plan as Plan;
}

test("the study process reads data without hyperparameters once, into shared memory the trials use as they are", () => {
  const p = plan('path = "rows.csv", target = "label"');
  const shared = shareTrainerData({ plan: p }, { threads: true });
  assert.ok(shared);
  assert.ok(shared.data.train.x.buffer instanceof SharedArrayBuffer);
  assert.is(shared.data.train.n, 4);
  provideData(structuredClone(shared)); // as a worker thread receives it
  const trial = resolve(p, { lr: 0.01, lim: 2 }) as ResolvedTrainer;
  const data = dataFor(trial);
  assert.ok(data.train.x.buffer instanceof SharedArrayBuffer);
  data.train.x[0] = 42; // (only here: the trainer copies before changing anything)
  assert.is(shared.data.train.x[0], 42, "the same memory, not a copy");
});

test("for worker processes, or data that depend on a hyperparameter or cannot be read, nothing is shared", () => {
  assert.is(
    shareTrainerData({ plan: plan('path = "rows.csv", target = "label"') }, { threads: false }),
    undefined,
  );
  assert.is(
    shareTrainerData({ plan: plan('path = "rows.csv", target = "label", limit = lim') }, { threads: true }),
    undefined,
  );
  assert.is(
    shareTrainerData({ plan: plan('path = "rows.csv", target = "no_such_column"') }, { threads: true }),
    undefined,
  );
});

test.run();
