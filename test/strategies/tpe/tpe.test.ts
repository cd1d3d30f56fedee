import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Params } from "../../../src/plan/types.js";
import { satisfiesConstraints } from "../../../src/space/index.js";
import type { TrialView } from "../../../src/strategies/types.js";
import { HpoError } from "../../../src/util/errors.js";
import { BUILTIN_OBJECTIVES } from "../../../src/objectives/index.js";
import { candidateCount } from "../../../src/strategies/tpe/index.js";
import { hypervolume } from "../../../src/strategies/tpe/split.js";
import { bin, choice, int, lit, normal, ref, uniform, when } from "../../space/helpers.js";
import { best, make, objectiveFn, objectiveSpace, runStudy } from "../helpers.js";

test("the same seed gives the same sequence; another seed another", async () => {
  const space = [uniform("x", -5, 5), int("k", 1, 10), choice("c", ["a", "b", "c"])];
  const f = (p: Params) => ((p.x as number) - 1) ** 2 + (p.k as number) + (p.c === "b" ? 0 : 3);
  const run = async (seed: number, batch: number) =>
    (await runStudy(make("tpe", space, {}, seed), f, 40, batch)).map((t) => t.params);
  assert.equal(await run(3, 1), await run(3, 1));
  assert.equal(await run(3, 4), await run(3, 4));
  assert.not.equal(await run(3, 1), await run(4, 1));
});

test("the first `startup` trials are the random strategy's", async () => {
  const space = objectiveSpace("branin");
  const tpe = await runStudy(make("tpe", space, { startup: 7 }, 9), objectiveFn("branin"), 7);
  const random = await runStudy(make("random", space, {}, 9), objectiveFn("branin"), 7);
  assert.equal(
    tpe.map((t) => t.params),
    random.map((t) => t.params),
  );
});

test("by default, as Optuna's n_startup_trials = 10: ten random trials, then the model's", async () => {
  const space = objectiveSpace("branin");
  const tpe = await runStudy(make("tpe", space, {}, 4), objectiveFn("branin"), 11);
  const random = await runStudy(make("random", space, {}, 4), objectiveFn("branin"), 11);
  assert.equal(
    tpe.slice(0, 10).map((t) => t.params),
    random.slice(0, 10).map((t) => t.params),
  );
  assert.not.equal(tpe[10]!.params, random[10]!.params);
});

test("beats random search on branin at 200 trials for most seeds", async () => {
  const space = objectiveSpace("branin");
  const f = objectiveFn("branin");
  let wins = 0;
  const seeds = 8;
  for (let seed = 1; seed <= seeds; seed++) {
    const tpe = best(await runStudy(make("tpe", space, {}, seed), f, 200));
    const random = best(await runStudy(make("random", space, {}, seed), f, 200));
    if (tpe < random) wins++;
    assert.ok(tpe < 0.6, `seed ${seed}: tpe best ${tpe}`); // the optimum is 0.397887
  }
  assert.ok(wins >= seeds - 1, `tpe won ${wins} of ${seeds}`);
});

test("univariate mode and consider_endpoints also converge on branin", async () => {
  const space = objectiveSpace("branin");
  const variants: Record<string, boolean | number>[] = [
    { multivariate: false },
    { consider_endpoints: true },
    { constant_liar: false, prior_weight: 2 },
  ];
  for (const options of variants) {
    const h = await runStudy(make("tpe", space, options, 5), objectiveFn("branin"), 150);
    assert.ok(best(h) < 1, `${JSON.stringify(options)}: ${best(h)}`);
  }
});

test("magic_clip: shared (the default) and Optuna's own-count clip differ, and both converge on branin", async () => {
  const space = objectiveSpace("branin");
  const f = objectiveFn("branin");
  const shared = await runStudy(make("tpe", space, {}, 6), f, 100);
  const explicit = await runStudy(make("tpe", space, { magic_clip: "shared" }, 6), f, 100);
  const optuna = await runStudy(make("tpe", space, { magic_clip: "optuna" }, 6), f, 100);
  assert.equal(
    shared.map((t) => t.params),
    explicit.map((t) => t.params),
  );
  // the start-up trials are the same random ones; the model's proposals are not
  assert.equal(shared[9]!.params, optuna[9]!.params);
  assert.not.equal(
    shared.slice(10).map((t) => t.params),
    optuna.slice(10).map((t) => t.params),
  );
  for (const h of [shared, optuna]) assert.ok(best(h) < 1, `best ${best(h)}`);
});

test("candidates = 0 draws max(24, 5 per jointly modelled parameter); a positive count is kept", () => {
  assert.is(candidateCount(0, 1), 24);
  assert.is(candidateCount(0, 4), 24);
  assert.is(candidateCount(0, 6), 30);
  assert.is(candidateCount(0, 10), 50);
  assert.is(candidateCount(24, 10), 24);
  assert.is(candidateCount(7, 1), 7);
});

test("candidates = 0 and candidates = 50 propose alike in 10-D; 24 does not", async () => {
  const space = objectiveSpace("levy", { dim: 10 });
  const f = objectiveFn("levy", { dim: 10 });
  const run = async (options: Record<string, number>) =>
    (await runStudy(make("tpe", space, options, 2), f, 14)).map((t) => t.params);
  const auto = await run({});
  assert.equal(auto, await run({ candidates: 50 }));
  assert.not.equal(auto, await run({ candidates: 24 }));
});

test("log, int, stepped and categorical parameters: valid values, and the good choice is learnt", async () => {
  const space = [
    uniform("lr", 1e-5, 1, { log: true }),
    int("units", 16, 512, { step: 16 }),
    int("batch", 8, 1024, { log: true }),
    uniform("drop", 0, 0.5, { step: 0.05 }),
    choice("act", ["relu", "tanh", "gelu", "elu"]),
    choice("width", [64, 128, 256, 512], true),
    normal("z", 0, 1),
  ];
  const f = (p: Params) =>
    (Math.log10(p.lr as number) + 3) ** 2 +
    (((p.units as number) - 256) / 256) ** 2 +
    (Math.log2(p.batch as number) - 5) ** 2 / 10 +
    (p.act === "gelu" ? 0 : 1) +
    ((p.width as number) === 128 ? 0 : 0.5) +
    (p.z as number) ** 2 / 4;
  const h = await runStudy(make("tpe", space, {}, 1), f, 120);
  for (const { params: p } of h) {
    assert.ok((p.lr as number) >= 1e-5 && (p.lr as number) <= 1);
    assert.ok(
      Number.isInteger(p.units) &&
        (p.units as number) % 16 === 0 &&
        (p.units as number) >= 16 &&
        (p.units as number) <= 512,
    );
    assert.ok(Number.isInteger(p.batch) && (p.batch as number) >= 8 && (p.batch as number) <= 1024);
    assert.ok(
      Math.abs((p.drop as number) * 20 - Math.round((p.drop as number) * 20)) < 1e-9,
      `drop ${p.drop}`,
    );
    assert.ok([64, 128, 256, 512].includes(p.width as number));
    assert.ok(Number.isFinite(p.z));
  }
  const late = h.slice(-40);
  assert.ok(late.filter((t) => t.params.act === "gelu").length > 20, "mostly gelu late on");
  assert.ok(best(h) < 0.6, `best ${best(h)}`);
});

test("conditional parameters: present only where active, and learnt from the trials that had them", async () => {
  const space = [
    choice("opt", ["adam", "sgd"]),
    when(uniform("momentum", 0, 1), bin("==", ref("opt"), lit("sgd"))),
    uniform("x", 0, 1),
  ];
  // sgd with momentum near 0.9 is best
  const f = (p: Params) =>
    (p.opt === "sgd" ? ((p.momentum as number) - 0.9) ** 2 * 10 : 0.5) + ((p.x as number) - 0.5) ** 2;
  const h = await runStudy(make("tpe", space, {}, 4), f, 100);
  for (const t of h) assert.is(Object.hasOwn(t.params, "momentum"), t.params.opt === "sgd");
  const late = h.slice(-30).filter((t) => t.params.opt === "sgd");
  assert.ok(late.length > 15, `sgd ${late.length} of 30`);
  const near = late.filter((t) => Math.abs((t.params.momentum as number) - 0.9) < 0.15).length;
  assert.ok(near > late.length / 2, `momentum near 0.9 in ${near} of ${late.length}`);
});

test("never proposes a configuration that breaks a constraint, even where the optimum lies beyond it", async () => {
  const space = [int("heads", 1, 32), int("hidden", 16, 1024, { step: 16 }), uniform("x", 0, 1)];
  const constraints = [
    bin("==", bin("%", ref("hidden"), ref("heads")), lit(0)),
    bin("<", ref("x"), lit(0.3)),
  ];
  // the unconstrained optimum x = 1 is forbidden: TPE must keep proposing x < 0.3
  const f = (p: Params) => -(p.x as number) + Math.abs((p.heads as number) - 12) / 32;
  const h = await runStudy(make("tpe", space, {}, 1, { constraints }), f, 80, 3);
  assert.is(h.length, 80);
  for (const t of h) assert.ok(satisfiesConstraints(constraints, t.params), JSON.stringify(t.params));
});

test("batch asks with the constant liar spread out, and running trials shape the proposals", async () => {
  const space = [uniform("x", 0, 1), uniform("y", 0, 1)];
  const f = (p: Params) => ((p.x as number) - 0.2) ** 2 + ((p.y as number) - 0.7) ** 2;
  const h = await runStudy(make("tpe", space, {}, 3), f, 30);
  const s = make("tpe", space, {}, 3);
  const batch = await s.ask({ trials: h, nextNumber: 30 }, 6);
  assert.is(batch.length, 6);
  assert.is(new Set(batch.map((p) => JSON.stringify(p.params))).size, 6);
  const noLiar = make("tpe", space, { constant_liar: false }, 3);
  const alone = (await noLiar.ask({ trials: h, nextNumber: 60 }, 1))[0]!;
  // many trials running right where TPE would go next: the liar counts them as bad there
  const running: TrialView[] = Array.from({ length: 30 }, (_, i) => ({
    number: 30 + i,
    state: "running",
    params: alone.params,
    intermediate: [],
  }));
  const ignored = (await noLiar.ask({ trials: [...h, ...running], nextNumber: 60 }, 1))[0]!;
  const withRunning = (await s.ask({ trials: [...h, ...running], nextNumber: 60 }, 1))[0]!;
  assert.equal(ignored, alone); // without the liar, running trials are not seen
  assert.not.equal(withRunning, alone);
});

test("learns from pruned trials and ignores failed ones", async () => {
  const space = [uniform("x", 0, 1)];
  const trials: TrialView[] = [];
  for (let i = 0; i < 20; i++) {
    const x = (i + 0.5) / 20;
    if (i % 3 === 0) trials.push({ number: i, state: "failed", params: { x }, intermediate: [] });
    else if (i % 3 === 1)
      trials.push({ number: i, state: "pruned", params: { x }, intermediate: [{ step: 1, value: x }] });
    else trials.push({ number: i, state: "complete", params: { x }, values: [x], intermediate: [] });
  }
  const ps = await make("tpe", space, {}, 1).ask({ trials, nextNumber: 20 }, 5);
  assert.is(ps.length, 5);
  assert.ok(ps.every((p) => (p.params.x as number) >= 0 && (p.params.x as number) <= 1));
  assert.ok(ps.filter((p) => (p.params.x as number) < 0.5).length >= 3, JSON.stringify(ps));
});

test("several objectives: MOTPE beats random on zdt1's hypervolume for most seeds", async () => {
  const z = BUILTIN_OBJECTIVES.zdt1!;
  const args = { dim: 4 };
  const space = z.domain(args).map(([l, h], i) => uniform(`x${i + 1}`, l, h));
  const f = (p: Params) => {
    const r = z.evaluate(
      [1, 2, 3, 4].map((i) => p[`x${i}`] as number),
      args,
    );
    return [r.f1!, r.f2!];
  };
  const objectives = [
    { metric: "f1", direction: "minimize" as const },
    { metric: "f2", direction: "minimize" as const },
  ];
  let wins = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const hv = async (name: "tpe" | "random") =>
      hypervolume(
        (await runStudy(make(name, space, {}, seed, { objectives }), f, 120)).map((t) => t.values!),
        [1.1, 11],
      );
    if ((await hv("tpe")) > (await hv("random"))) wins++;
  }
  assert.ok(wins >= 4, `tpe won ${wins} of 5`);
});

test("degenerate parameters: single values, log ints with large steps, an empty space", async () => {
  const space = [
    int("one", 3, 3),
    choice("only", ["x"]),
    int("wide", 2, 64, { step: 4, log: true }),
    uniform("x", 0, 1),
  ];
  const h = await runStudy(
    make("tpe", space, { startup: 3 }, 1),
    (p) => (p.x as number) + (p.wide as number) / 64,
    15,
  );
  for (const { params: p } of h) {
    assert.is(p.one, 3);
    assert.is(p.only, "x");
    assert.ok(Number.isInteger(p.wide) && ((p.wide as number) - 2) % 4 === 0, `wide ${p.wide}`);
  }
  const empty = await runStudy(make("tpe", [], { startup: 1 }, 1), () => 0, 3);
  assert.equal(
    empty.map((t) => t.params),
    [{}, {}, {}],
  );
});

test("rejects unknown or ill-typed options", () => {
  const space = [uniform("x", 0, 1)];
  assert.throws(
    () => make("tpe", space, { n_startup: 3 }),
    (e: unknown) => e instanceof HpoError && /no option `n_startup`/.test(e.message),
  );
  assert.throws(
    () => make("tpe", space, { candidates: -1 }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => make("tpe", space, { prior_weight: 0 }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => make("tpe", space, { magic_clip: "own" }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => make("tpe", space, { multivariate: "yes" }),
    (e: unknown) => e instanceof HpoError,
  );
});

test.run();
