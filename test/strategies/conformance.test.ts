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

for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
  test(`${name}: valid, conditional and constrained proposals, batch asks, same seed same sequence`, async () => {
    const run = (seed: number) =>
      runStudy(make(name, space, options[name] ?? {}, seed, { constraints }), f, 30, 3);
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
    const batch = await make(name, space, options[name] ?? {}, 5, { constraints }).ask(
      { trials: h, nextNumber: h.length },
      4,
    );
    assert.ok(batch.length <= 4 && batch.length > 0);
  });
}

test.run();
