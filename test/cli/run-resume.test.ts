import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixture } from "../helpers/runtime-deps.js";
import { ends, exited, hpo, start, storedTrials, writePlan } from "../helpers/runtime-cli.js";

// Killing, interrupting and sharing a running study through real `hpo` processes.
test("kill -9 in the middle loses no completed trial, and run again ends with exactly the budget", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 12, parallel: 2 },
  });
  const first = start("run", spec, "--json");
  await first.waitFor((l) => ends(l) >= 3);
  first.child.kill("SIGKILL");
  await exited(first.child);
  const before = (await storedTrials(db)).filter((t) => t.state === "complete");
  assert.ok(before.length >= 3);
  const again = hpo("run", spec, "--quiet");
  assert.is(again.status, 0, again.stderr);
  const after = await storedTrials(db);
  for (const t of before) assert.equal(after[t.number]?.values, t.values);
  const counted = after.filter((t) => t.attributes["abandoned"] !== true);
  assert.is(counted.length, 12);
  assert.ok(counted.every((t) => t.state === "complete"));
  assert.equal(
    after.map((t) => t.number),
    after.map((_, i) => i),
  );
});

test("two processes on one study make no duplicate trial numbers and share the budget", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 16, parallel: 2 },
  });
  const a = start("run", spec, "--json");
  await a.waitFor((l) => l.some((x) => x.includes('"event":"open"')));
  const b = start("worker", spec, "--json");
  const codes = await Promise.all([exited(a.child), exited(b.child)]);
  assert.equal(codes, [0, 0]);
  const trials = await storedTrials(db);
  assert.equal(
    trials.map((t) => t.number),
    Array.from({ length: 16 }, (_, i) => i),
  );
  assert.is(ends(a.lines) + ends(b.lines), 16);
});

test("the first Ctrl-C lets running trials finish, the second interrupts them; exit 130", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 40, parallel: 2 },
  });
  const once = start("run", spec, "--json");
  await once.waitFor((l) => ends(l) >= 1);
  once.child.kill("SIGINT");
  assert.is(await exited(once.child), 130);
  assert.ok(once.lines.some((l) => l.includes('"event":"draining"')));
  assert.ok((await storedTrials(db)).every((t) => t.state === "complete"));

  const { spec: spec2, db: db2 } = writePlan({
    trial: { kind: "evaluate", module: fixture("faulty.mjs") },
    budget: { trials: 40, parallel: 1 },
  });
  const twice = start("run", spec2, "--json");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"trial_start","number":4')));
  twice.child.kill("SIGINT");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"draining"')));
  twice.child.kill("SIGINT");
  assert.is(await exited(twice.child), 130);
  const last = (await storedTrials(db2)).at(-1)!;
  assert.is(last.state, "failed");
  assert.match(last.error ?? "", /interrupted/);
});

test("SIGTERM drains like the first Ctrl-C and exits 143; a second signal interrupts the running trials", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 40, parallel: 2 },
  });
  const once = start("run", spec, "--json");
  await once.waitFor((l) => ends(l) >= 1);
  once.child.kill("SIGTERM");
  assert.is(await exited(once.child), 143);
  assert.ok(once.lines.some((l) => l.includes('"event":"draining"')));
  assert.ok((await storedTrials(db)).every((t) => t.state === "complete"));

  const { spec: spec2, db: db2 } = writePlan({
    trial: { kind: "evaluate", module: fixture("faulty.mjs") },
    budget: { trials: 40, parallel: 1 },
  });
  const twice = start("run", spec2, "--json");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"trial_start","number":4')));
  twice.child.kill("SIGTERM");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"draining"')));
  twice.child.kill("SIGTERM");
  assert.is(await exited(twice.child), 143);
  assert.match((await storedTrials(db2)).at(-1)!.error ?? "", /interrupted/);
});

test.run();
