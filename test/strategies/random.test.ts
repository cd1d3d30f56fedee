import { test } from "uvu";
import * as assert from "uvu/assert";
import { satisfiesConstraints } from "../../src/space/index.js";
import { bin, choice, int, lit, ref, uniform, when } from "../space/helpers.js";
import { best, make, objectiveFn, objectiveSpace, runStudy } from "./helpers.js";

const space = [
  uniform("lr", 1e-4, 1, { log: true }),
  choice("opt", ["adam", "sgd"]),
  when(uniform("momentum", 0, 1), bin("==", ref("opt"), lit("sgd"))),
  int("a", 1, 8),
  int("b", 1, 8),
];
const constraints = [bin("<=", ref("a"), ref("b"))];

test("the same seed gives the same sequence, whatever the batch size", async () => {
  const one = await runStudy(make("random", space, {}, 7), () => 0, 30);
  const again = await runStudy(make("random", space, {}, 7), () => 0, 30);
  const batched = await runStudy(make("random", space, {}, 7), () => 0, 30, 4);
  assert.equal(
    again.map((t) => t.params),
    one.map((t) => t.params),
  );
  assert.equal(
    batched.map((t) => t.params),
    one.map((t) => t.params),
  );
  const other = await runStudy(make("random", space, {}, 8), () => 0, 30);
  assert.not.equal(
    other.map((t) => t.params),
    one.map((t) => t.params),
  );
});

test("proposals respect conditions and constraints", async () => {
  const h = await runStudy(make("random", space, {}, 3, { constraints }), () => 0, 300);
  for (const t of h) {
    assert.ok(satisfiesConstraints(constraints, t.params));
    assert.is(Object.hasOwn(t.params, "momentum"), t.params.opt === "sgd");
  }
});

test("a batch ask returns as many distinct proposals as asked", async () => {
  const s = make("random", space);
  const ps = await s.ask({ trials: [], nextNumber: 0 }, 8);
  assert.is(ps.length, 8);
  assert.is(new Set(ps.map((p) => JSON.stringify(p.params))).size, 8);
});

test("finds a value near branin's optimum (0.398) in 200 trials", async () => {
  const h = await runStudy(make("random", objectiveSpace("branin"), {}, 1), objectiveFn("branin"), 200);
  assert.ok(best(h) < 2, `best ${best(h)}`);
});

test.run();
