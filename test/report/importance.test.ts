import { test } from "uvu";
import * as assert from "uvu/assert";
import type { StudyData, TrialRecord } from "../../src/report/data.js";
import { rngFor } from "../../src/plan/random.js";
import { type ParamImportance, parameterImportance } from "../../src/report/importance.js";
import type { Params, ParamSpec } from "../../src/plan/types.js";

const float = (name: string, low = 0, high = 1, log = false): ParamSpec => ({
  name,
  kind: "float",
  low,
  high,
  log,
});

/** A study whose trials sample `draw` and score `f`, from a fixed seed. */
function study(n: number, space: ParamSpec[], draw: (u: () => number) => Params, f: (p: Params) => number) {
  const rng = rngFor(12345);
  const u = () => rng.uniform();
  const trials: TrialRecord[] = Array.from({ length: n }, (_, i) => {
    const params = draw(u);
    return { number: i, state: "complete", params, values: [f(params)], intermediate: [] };
  });
  const data: StudyData = {
    name: "s",
    objectives: [{ metric: "value", direction: "minimize" }],
    space,
    trials,
  };
  return data;
}

function importances(data: StudyData, seed = 0): Record<string, number> {
  const r = parameterImportance(data, { seed });
  if (!("importances" in r)) throw new Error(r.reason);
  return Object.fromEntries(r.importances.map((i: ParamImportance) => [i.name, i.importance]));
}

test("an additive function's importances match its variance shares (0.8, 0.2, 0)", () => {
  // f = 4 x1 + 2 x2 on the unit square: Var(4 x1) = 16/12, Var(2 x2) = 4/12, x3 unused.
  const data = study(
    300,
    [float("x1"), float("x2"), float("x3")],
    (u) => ({ x1: u(), x2: u(), x3: u() }),
    (p) => 4 * Number(p.x1) + 2 * Number(p.x2),
  );
  const imp = importances(data);
  assert.ok(Math.abs(imp.x1 - 0.8) < 0.05, `x1 ${imp.x1}`);
  assert.ok(Math.abs(imp.x2 - 0.2) < 0.05, `x2 ${imp.x2}`);
  assert.ok(imp.x3 < 0.02, `x3 ${imp.x3}`);
  const sum = Object.values(imp).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9);
});

test("a log-scale parameter is measured in the scale it is sampled in", () => {
  // f = log10(lr) over [1e-4, 1]: all of the variance; `noise` has none.
  const data = study(
    200,
    [float("lr", 1e-4, 1, true), float("noise")],
    (u) => ({ lr: 10 ** (-4 + 4 * u()), noise: u() }),
    (p) => Math.log10(Number(p.lr)),
  );
  const imp = importances(data);
  assert.ok(imp.lr > 0.95, `lr ${imp.lr}`);
});

test("a categorical parameter is one-hot encoded and ranked above a weak numeric one", () => {
  // effect of `act` {0, 1, 2}: variance 2/3; `x` in [0, 1]: variance 1/12.
  const effect: Record<string, number> = { relu: 0, tanh: 1, gelu: 2 };
  const acts = Object.keys(effect);
  const space: ParamSpec[] = [
    { name: "act", kind: "categorical", choices: acts, ordered: false },
    float("x"),
  ];
  const data = study(
    300,
    space,
    (u) => ({ act: acts[Math.floor(u() * 3)], x: u() }),
    (p) => effect[String(p.act)] + Number(p.x),
  );
  const imp = importances(data);
  assert.ok(imp.act > 0.75 && imp.act < 0.97, `act ${imp.act}`);
  assert.ok(imp.x > 0.03 && imp.x < 0.25, `x ${imp.x}`);
});

test("a conditional parameter absent from some trials is still ranked", () => {
  // `momentum` exists only with sgd and matters there; `unused` never matters.
  const space: ParamSpec[] = [
    { name: "opt", kind: "categorical", choices: ["sgd", "adam"], ordered: false },
    { ...float("momentum"), condition: { op: "lit", value: true } },
    float("unused"),
  ];
  const data = study(
    300,
    space,
    (u) => {
      const p: Params = { opt: u() < 0.5 ? "sgd" : "adam", unused: u() };
      if (p.opt === "sgd") p.momentum = u();
      return p;
    },
    (p) => (p.opt === "sgd" ? 3 * Number(p.momentum) : 1),
  );
  const imp = importances(data);
  assert.ok(imp.momentum > imp.unused + 0.2, `momentum ${imp.momentum} unused ${imp.unused}`);
  assert.ok(imp.unused < 0.05, `unused ${imp.unused}`);
});

test("the same seed gives the same importances; the forest depends on the seed", () => {
  const data = study(
    80,
    [float("a"), float("b")],
    (u) => ({ a: u(), b: u() }),
    (p) => Number(p.a) ** 2 + 0.5 * Number(p.b),
  );
  assert.equal(parameterImportance(data, { seed: 7 }), parameterImportance(data, { seed: 7 }));
  assert.not.equal(parameterImportance(data, { seed: 7 }), parameterImportance(data, { seed: 8 }));
});

test("too few trials, constant values or no varying parameter give a reason, not numbers", () => {
  const one = study(
    1,
    [float("a")],
    (u) => ({ a: u() }),
    () => 1,
  );
  assert.match(String((parameterImportance(one) as { reason: string }).reason), /at least 2/);
  const flat = study(
    10,
    [float("a")],
    (u) => ({ a: u() }),
    () => 1,
  );
  assert.match(String((parameterImportance(flat) as { reason: string }).reason), /same value/);
  const fixed = study(
    10,
    [float("a")],
    () => ({ a: 0.5 }),
    (p) => Number(p.a),
  );
  fixed.trials[0].values = [2];
  assert.match(String((parameterImportance(fixed) as { reason: string }).reason), /no parameter varies/);
});

test.run();
