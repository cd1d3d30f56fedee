import { rngFor } from "../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BUILTIN_OBJECTIVES, builtinObjective, evaluateBuiltin } from "../../src/objectives/index.js";
import { HpoError } from "../../src/util/errors.js";

const B = BUILTIN_OBJECTIVES;
const value = (name: string, x: number[], args = {}) =>
  builtinObjective(name).evaluate(x, args).value as number;
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

test("branin: 0.397887 at its three published minimizers, on [-5, 10] × [0, 15]", () => {
  for (const x of [
    [-Math.PI, 12.275],
    [Math.PI, 2.275],
    [9.42478, 2.475],
  ])
    assert.ok(near(value("branin", x), 0.397887, 1e-6), `branin(${x})`);
  assert.equal(B.branin!.domain({}), [
    [-5, 10],
    [0, 15],
  ]);
  assert.ok(near(value("branin", [0, 0]), 55.60211, 1e-4));
});

test("hartmann6: -3.32237 at its published minimizer, on [0, 1]^6", () => {
  const h = B.hartmann6!;
  const opt = h.optimum!({});
  assert.ok(near(opt.value, -3.32237, 1e-5));
  assert.ok(
    near(value("hartmann6", [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]), -3.32237, 1e-5),
  );
  assert.equal(h.dims({}), 6);
  assert.ok(h.domain({}).every(([l, u]) => l === 0 && u === 1));
});

test("rosenbrock, ackley, levy, rastrigin: 0 at their minimizers, positive elsewhere", () => {
  assert.is(value("rosenbrock", [1, 1, 1, 1], { dim: 4 }), 0);
  assert.is(value("rosenbrock", [0, 0]), 1);
  assert.ok(near(value("ackley", [0, 0, 0], { dim: 3 }), 0, 1e-12));
  assert.ok(near(value("ackley", [1, 1]), 3.6253849384403627, 1e-12));
  assert.ok(near(value("levy", [1, 1, 1, 1, 1], { dim: 5 }), 0, 1e-12));
  assert.ok(near(value("rastrigin", [0, 0, 0, 0], { dim: 4 }), 0, 1e-12));
  assert.ok(near(value("rastrigin", [1, 1]), 2, 1e-12));
  const rng = rngFor(1);
  for (const name of ["rosenbrock", "ackley", "levy", "rastrigin"]) {
    const f = B[name]!;
    const args = { dim: 3 };
    const dom = f.domain(args);
    for (let i = 0; i < 200; i++) {
      const x = dom.map(([l, u]) => l + rng.uniform() * (u - l));
      assert.ok(f.evaluate(x, args).value! >= f.optimum!(args).value);
    }
  }
});

test("standard domains", () => {
  assert.equal(B.rosenbrock!.domain({ dim: 2 }), [
    [-5, 10],
    [-5, 10],
  ]);
  assert.equal(B.ackley!.domain({})[0], [-32.768, 32.768]);
  assert.equal(B.levy!.domain({})[0], [-10, 10]);
  assert.equal(B.rastrigin!.domain({})[0], [-5.12, 5.12]);
  assert.equal(B.styblinski_tang!.domain({})[0], [-5, 5]);
  assert.is(B.zdt1!.dims({}), 30);
});

test("styblinski_tang: -39.16599 per dimension at x_i = -2.903534", () => {
  for (const dim of [1, 2, 5]) {
    const opt = B.styblinski_tang!.optimum!({ dim });
    assert.ok(near(opt.value / dim, -39.16599, 2e-4));
    assert.ok(near(value("styblinski_tang", new Array(dim).fill(-2.903534), { dim }), opt.value, 1e-9));
  }
  // the minimizer is a stationary point
  const h = 1e-6;
  const d =
    (value("styblinski_tang", [-2.903534027771177 + h], { dim: 1 }) -
      value("styblinski_tang", [-2.903534027771177 - h], { dim: 1 })) /
    (2 * h);
  assert.ok(Math.abs(d) < 1e-6);
});

test("zdt1: two objectives whose Pareto front is f2 = 1 - sqrt(f1)", () => {
  const z = B.zdt1!;
  assert.equal(z.metrics, ["f1", "f2"]);
  const args = { dim: 5 };
  for (const f1 of [0, 0.25, 0.5, 1]) {
    const r = z.evaluate([f1, 0, 0, 0, 0], args);
    assert.is(r.f1, f1);
    assert.ok(near(r.f2!, 1 - Math.sqrt(f1), 1e-12));
  }
  // off the front: g > 1 lifts f2
  const r = z.evaluate([0.25, 1, 1, 1, 1], args);
  assert.ok(near(r.f2!, 10 * (1 - Math.sqrt(0.025)), 1e-12));
  assert.is(z.optimum, undefined);
});

test("bad arguments and inputs are clear errors", () => {
  const isHpo = (e: unknown) => e instanceof HpoError;
  assert.throws(() => builtinObjective("braninn"), isHpo);
  assert.throws(() => value("branin", [1]), isHpo);
  assert.throws(() => value("branin", [1, Number.NaN]), isHpo);
  assert.throws(() => value("branin", [1, 2], { dim: 2 }), isHpo);
  assert.throws(() => B.ackley!.dims({ dim: 0 }), isHpo);
  assert.throws(() => B.ackley!.dims({ dim: 2.5 }), isHpo);
  assert.throws(() => B.rosenbrock!.dims({ dim: 1 }), isHpo);
  assert.throws(() => B.levy!.dims({ size: 3 }), isHpo);
  assert.is(B.levy!.dims({ "0": 4 }), 4);
});

test("evaluateBuiltin reads x1…xN from a trial's parameters", () => {
  assert.ok(
    near(evaluateBuiltin("branin", {}, { x1: Math.PI, x2: 2.275, extra: "ignored" }).value!, 0.397887, 1e-6),
  );
  assert.equal(Object.keys(evaluateBuiltin("zdt1", { dim: 2 }, { x1: 0.5, x2: 0 })), ["f1", "f2"]);
  assert.throws(
    () => evaluateBuiltin("hartmann6", {}, { x1: 0.1 }),
    (e: unknown) => e instanceof HpoError && /x2/.test(e.message),
  );
});

test.run();
