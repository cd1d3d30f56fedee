import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Params, ParamSpec, StrategyName } from "../../src/plan/types.js";
import { satisfiesConstraints } from "../../src/space/index.js";
import { STRATEGIES } from "../../src/strategies/index.js";
import { bin, choice, fixed, int, lit, normal, ref, uniform, when } from "../space/helpers.js";
import { make, runStudy } from "./helpers.js";

/**
 * What every strategy of this build must do, whatever its method: valid values in every parameter's
 * domain, conditions and constraints honoured, batch asks answered, the same sequence for the same
 * seed. Options make grid finite over the continuous parameters.
 */
const space: ParamSpec[] = [
  uniform("lr", 1e-4, 1e-1, { log: true }),
  int("layers", 1, 4),
  uniform("drop", 0, 0.5, { step: 0.1 }),
  choice("opt", ["adam", "sgd"]),
  when(uniform("momentum", 0.5, 0.99), bin("==", ref("opt"), lit("sgd"))),
  choice("width", [32, 64, 128], true),
  normal("z", 0, 1),
  fixed("tag", "v1"),
];
const constraints = [bin("<=", bin("*", ref("layers"), ref("width")), lit(256))];
const options: Partial<Record<StrategyName, Record<string, number>>> = { grid: { points: 2 } };
const f = (p: Params) =>
  (Math.log10(p.lr as number) + 2) ** 2 +
  (p.layers as number) / 4 +
  (p.opt === "sgd" ? (p.momentum as number) : 1);

function valid(p: Params): string | undefined {
  const lr = p.lr as number;
  if (!(lr >= 1e-4 && lr <= 1e-1)) return `lr ${lr}`;
  if (![1, 2, 3, 4].includes(p.layers as number)) return `layers ${p.layers}`;
  if (![0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(p.drop as number)) return `drop ${p.drop}`;
  if (!["adam", "sgd"].includes(p.opt as string)) return `opt ${p.opt}`;
  if (Object.hasOwn(p, "momentum") !== (p.opt === "sgd")) return "momentum presence";
  if (p.opt === "sgd" && !((p.momentum as number) >= 0.5 && (p.momentum as number) <= 0.99))
    return `momentum ${p.momentum}`;
  if (![32, 64, 128].includes(p.width as number)) return `width ${p.width}`;
  if (typeof p.z !== "number" || !Number.isFinite(p.z)) return `z ${p.z}`;
  if (p.tag !== "v1") return `tag ${p.tag}`;
  if (!satisfiesConstraints(constraints, p)) return "constraint";
  return undefined;
}

/** Multi-objective strategies get a second goal (fewer layers), single-objective ones the first only. */
const MULTI_OBJECTIVE: readonly StrategyName[] = ["nsga2"];
const twoObjectives = [
  { metric: "value", direction: "minimize" as const },
  { metric: "layers", direction: "minimize" as const },
];

for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
  const multi = MULTI_OBJECTIVE.includes(name);
  const goal = multi ? (p: Params) => [f(p), p.layers as number] : f;
  const extra = multi ? { constraints, objectives: twoObjectives } : { constraints };
  test(`${name}: valid, conditional and constrained proposals, batch asks, same seed same sequence`, async () => {
    const run = (seed: number) => runStudy(make(name, space, options[name] ?? {}, seed, extra), goal, 30, 3);
    const h = await run(11);
    assert.ok(h.length > 0);
    for (const t of h) {
      const problem = valid(t.params);
      assert.is(problem, undefined, `${name}: ${JSON.stringify(t.params)}`);
    }
    assert.equal(
      (await run(11)).map((t) => t.params),
      h.map((t) => t.params),
    );
    const batch = await make(name, space, options[name] ?? {}, 5, extra).ask(
      { trials: h, nextNumber: h.length },
      4,
    );
    assert.ok(batch.length <= 4 && batch.length > 0);
  });
}

/**
 * A parameter family as the compiler expands `units[n] = choice(8, 16, 32)` with `n = int(1, 4)`:
 * members `units[0]` … `units[3]`, `units[j]` present exactly when n > j (`units[0]` always, as n ≥ 1).
 * Every strategy must propose each member exactly when it exists, through the shared encoding.
 */
const familySpace: ParamSpec[] = [
  int("n", 1, 4),
  { ...choice("units[0]", [8, 16, 32]), family: { name: "units", index: 0 } },
  ...[1, 2, 3].map(
    (j): ParamSpec => ({
      ...when(choice(`units[${j}]`, [8, 16, 32]), bin(">", ref("n"), lit(j))),
      family: { name: "units", index: j },
    }),
  ),
  uniform("lr", 1e-3, 1e-1, { log: true }),
];
const familyGoal = (p: Params) =>
  Math.log10(p.lr as number) ** 2 +
  [0, 1, 2, 3].reduce(
    (s, j) => s + (Object.hasOwn(p, `units[${j}]`) ? (p[`units[${j}]`] as number) / 32 : 0),
    0,
  );

for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
  const multi = MULTI_OBJECTIVE.includes(name);
  const goal = multi ? (p: Params) => [familyGoal(p), p.n as number] : familyGoal;
  const extra = multi
    ? { objectives: [twoObjectives[0]!, { metric: "n", direction: "minimize" as const }] }
    : {};
  test(`${name}: a parameter family's members are proposed exactly when the count includes them`, async () => {
    const h = await runStudy(make(name, familySpace, options[name] ?? {}, 7, extra), goal, 24, 2);
    assert.ok(h.length > 0);
    const counts = new Set<number>();
    for (const t of h) {
      const n = t.params.n as number;
      counts.add(n);
      assert.ok([1, 2, 3, 4].includes(n), `${name}: n ${n}`);
      for (let j = 0; j < 4; j++) {
        const key = `units[${j}]`;
        assert.is(Object.hasOwn(t.params, key), j < n, `${name}: ${JSON.stringify(t.params)}`);
        if (j < n) assert.ok([8, 16, 32].includes(t.params[key] as number), `${name}: ${key}`);
      }
    }
    assert.ok(counts.size > 1, `${name} tried one layer count only: ${[...counts]}`);
  });
}

test.run();
