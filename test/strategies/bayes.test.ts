import { rngFor } from "../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import type { Expr, ParamSpec } from "../../src/plan/types.js";
import { sampleConfiguration, satisfiesConstraints } from "../../src/space/index.js";
import { createBayes, transformRestarts } from "../../src/strategies/bayes.js";
import type { StrategyFactory, TrialView } from "../../src/strategies/types.js";
import { cudaStatus } from "../../src/native/load.js";
import { HpoError } from "../../src/util/errors.js";
import { minimize } from "./bayes-harness.js";

const SEEDS = [1, 2, 3, 4, 5];

const randomSearch: StrategyFactory = (init) => ({
  name: "random",
  async ask(context, count) {
    return Array.from({ length: count }, (_, i) => ({
      params: sampleConfiguration(
        init.space,
        init.constraints,
        rngFor(init.seed, 0x5eed, context.nextNumber + i),
      ),
    }));
  },
});

async function compare(objective: string, trials: number) {
  const optimum = (BUILTIN_OBJECTIVES[objective].optimum?.({})?.value ?? 0) as number;
  const rows = [];
  for (const seed of SEEDS) {
    const bayes = (await minimize(createBayes, objective, trials, seed)).best - optimum;
    const random = (await minimize(randomSearch, objective, trials, seed)).best - optimum;
    rows.push({ seed, bayes, random });
  }
  return rows;
}

test("bayes reaches within 1e-2 of Branin's optimum in 40 trials for most seeds, and beats random", async () => {
  const rows = await compare("branin", 40);
  const reached = rows.filter((r) => r.bayes <= 1e-2).length;
  const wins = rows.filter((r) => r.bayes < r.random).length;
  const table = rows.map(
    (r) => `seed ${r.seed}: gap ${r.bayes.toExponential(2)} vs random ${r.random.toExponential(2)}`,
  );
  assert.ok(reached >= 4, `within 1e-2 on ${reached}/5 seeds\n${table.join("\n")}`);
  assert.ok(wins >= 4, `beat random on ${wins}/5 seeds\n${table.join("\n")}`);
});

test("bayes beats random on Hartmann-6 in 40 trials for most seeds", async () => {
  const rows = await compare("hartmann6", 40);
  const wins = rows.filter((r) => r.bayes < r.random).length;
  const table = rows.map(
    (r) => `seed ${r.seed}: gap ${r.bayes.toExponential(2)} vs random ${r.random.toExponential(2)}`,
  );
  assert.ok(wins >= 4, `beat random on ${wins}/5 seeds\n${table.join("\n")}`);
});

test("the same seed gives the same trials; another seed gives others", async () => {
  const a = await minimize(createBayes, "branin", 14, 11, { initial: 5, candidates: 256 });
  const b = await minimize(createBayes, "branin", 14, 11, { initial: 5, candidates: 256 });
  const c = await minimize(createBayes, "branin", 14, 12, { initial: 5, candidates: 256 });
  assert.equal(
    a.history.map((t) => t.params),
    b.history.map((t) => t.params),
  );
  assert.not.equal(
    a.history.map((t) => t.params),
    c.history.map((t) => t.params),
  );
});

const param = (name: string): Expr => ({ op: "param", name });
const lit = (value: number | string): Expr => ({ op: "lit", value });

test("proposals honour constraints, conditions, categorical and integer parameters", async () => {
  const space: ParamSpec[] = [
    { name: "x1", kind: "float", low: 0, high: 1, log: false },
    { name: "x2", kind: "float", low: 0, high: 1, log: false },
    { name: "lr", kind: "float", low: 1e-4, high: 1, log: true },
    { name: "units", kind: "int", low: 1, high: 9, log: false, step: 2 },
    { name: "kind", kind: "categorical", choices: ["a", "b", "c"], ordered: false },
    {
      name: "depth",
      kind: "int",
      low: 1,
      high: 4,
      log: false,
      step: 1,
      condition: { op: "==", args: [param("kind"), lit("a")] },
    },
  ];
  const constraints: Expr[] = [{ op: "<=", args: [{ op: "+", args: [param("x1"), param("x2")] }, lit(1)] }];
  const strategy = createBayes({
    space,
    constraints,
    objectives: [{ metric: "loss", direction: "minimize" }],
    options: { initial: 6, candidates: 256 },
    seed: 3,
  });
  const history: TrialView[] = [];
  const loss = (p: Record<string, unknown>) =>
    ((p.x1 as number) - 0.3) ** 2 +
    ((p.x2 as number) - 0.6) ** 2 +
    Math.abs(Math.log10(p.lr as number) + 2) +
    (p.kind === "a" ? 0.1 * (p.depth as number) : 0.5);
  for (let t = 0; t < 20; t++) {
    const [{ params }] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    assert.ok(satisfiesConstraints(constraints, params), `constraint holds for ${JSON.stringify(params)}`);
    assert.is("depth" in params, params.kind === "a", "depth exists exactly when kind is a");
    assert.ok([1, 3, 5, 7, 9].includes(params.units as number), `units on its grid: ${params.units}`);
    assert.ok((params.lr as number) >= 1e-4 && (params.lr as number) <= 1);
    // Some trials fail or are pruned: the strategy must go on.
    const state = t % 7 === 6 ? "failed" : t % 7 === 5 ? "pruned" : "complete";
    history.push({
      number: t,
      state,
      params,
      values: state === "complete" ? [loss(params)] : undefined,
      intermediate: [],
    });
  }
  const keys = new Set(history.map((t) => JSON.stringify(t.params)));
  assert.is(keys.size, history.length, "no configuration is proposed twice");
});

test("a batch ask with running trials proposes distinct configurations", async () => {
  const f = BUILTIN_OBJECTIVES.branin;
  const space: ParamSpec[] = f
    .domain({})
    .map(([low, high], i) => ({ name: `x${i + 1}`, kind: "float", low, high, log: false }));
  const strategy = createBayes({
    space,
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" }],
    options: { initial: 4, candidates: 512 },
    seed: 9,
  });
  const history: TrialView[] = [];
  for (let t = 0; t < 8; t++) {
    const [{ params }] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    const value = f.evaluate([params.x1 as number, params.x2 as number], {}).value;
    history.push({
      number: t,
      state: t === 7 ? "running" : "complete",
      params,
      values: [value],
      intermediate: [],
    });
  }
  const batch = await strategy.ask({ trials: history, nextNumber: 8 }, 4);
  assert.is(batch.length, 4);
  const all = new Set([...history, ...batch].map((p) => JSON.stringify(p.params)));
  assert.is(all.size, 12, "batch members differ from each other and from the history");
  // The kriging believer spreads the batch out instead of stacking it on one point.
  const d = (a: TrialView["params"], b: TrialView["params"]) =>
    Math.hypot(((a.x1 as number) - (b.x1 as number)) / 15, ((a.x2 as number) - (b.x2 as number)) / 15);
  let closest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4; i++)
    for (let j = i + 1; j < 4; j++) closest = Math.min(closest, d(batch[i].params, batch[j].params));
  assert.ok(closest > 1e-4, `closest pair in the batch at ${closest}`);
});

test("several objectives are scalarized and still give valid proposals", async () => {
  const f = BUILTIN_OBJECTIVES.zdt1;
  const space: ParamSpec[] = f
    .domain({ dim: 4 })
    .map(([low, high], i) => ({ name: `x${i + 1}`, kind: "float", low, high, log: false }));
  const strategy = createBayes({
    space,
    constraints: [],
    objectives: [
      { metric: "f1", direction: "minimize" },
      { metric: "f2", direction: "minimize" },
    ],
    options: { initial: 5, candidates: 256 },
    seed: 4,
  });
  const history: TrialView[] = [];
  for (let t = 0; t < 12; t++) {
    const [{ params }] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    const r = f.evaluate(
      space.map((p) => params[p.name] as number),
      { dim: 4 },
    );
    history.push({ number: t, state: "complete", params, values: [r.f1, r.f2], intermediate: [] });
  }
  assert.is(new Set(history.map((t) => JSON.stringify(t.params))).size, 12);
});

test("device cuda falls back to the CPU with a warning when no GPU is usable", async () => {
  const warnings: string[] = [];
  const listen = (w: Error) => warnings.push(w.message);
  process.on("warning", listen);
  try {
    const r = await minimize(createBayes, "branin", 6, 2, { initial: 3, candidates: 64, device: "cuda" });
    assert.is(r.history.length, 6);
    await new Promise((resolve) => setImmediate(resolve));
    if (cudaStatus().available) assert.equal(warnings, [], "a usable GPU is used without a warning");
    else {
      assert.is(warnings.length, 1, `one warning, got ${JSON.stringify(warnings)}`);
      assert.match(warnings[0], /bayes: CUDA is not available: .*; using the CPU instead/);
    }
  } finally {
    process.off("warning", listen);
  }
});

test("a full fit gives each target transform half the restarts, at least one", () => {
  assert.equal([1, 2, 3, 4, 5, 64].map(transformRestarts), [1, 1, 2, 2, 3, 32]);
});

test("bad options are clear errors", () => {
  const init = {
    space: [{ name: "x", kind: "float", low: 0, high: 1, log: false }] as ParamSpec[],
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" as const }],
    seed: 1,
  };
  assert.throws(
    () => createBayes({ ...init, options: { acquisition: "poi" } }),
    (e: unknown) =>
      e instanceof HpoError &&
      /option `acquisition` of `bayes` must be one of "logei", "ei", "pi", "ucb", got "poi"/.test(e.message),
  );
  assert.throws(
    () => createBayes({ ...init, options: { candidates: 0 } }),
    (e: unknown) =>
      e instanceof HpoError &&
      /option `candidates` of `bayes` must be in \[1, 100000\], got 0/.test(e.message),
  );
  assert.throws(
    () => createBayes({ ...init, options: { restarts: 0 } }),
    (e: unknown) =>
      e instanceof HpoError && /option `restarts` of `bayes` must be in \[1, 64\], got 0/.test(e.message),
  );
  assert.throws(
    () => createBayes({ ...init, options: { restart: 2 } }),
    (e: unknown) => e instanceof HpoError && /`bayes` has no option `restart`/.test(e.message),
  );
  assert.throws(
    () => createBayes({ ...init, options: { device: "tpu" } }),
    (e: unknown) =>
      e instanceof HpoError &&
      /option `device` of `bayes` must be one of "auto", "cpu", "cuda"/.test(e.message),
  );
});

test("the acquisition search finds a second basin away from the incumbent (fixed seed)", async () => {
  // 4-D: 24 trials crowd basin A around the incumbent (the GP is sure of it there), three poor ones
  // sit in corners, and one trial in basin B is almost as good as the incumbent with nothing near
  // it. Expected improvement is then largest around B: the search must look beyond the incumbent.
  const A = [0.25, 0.25, 0.25, 0.25];
  const B = [0.75, 0.7, 0.75, 0.8];
  const space: ParamSpec[] = A.map((_, i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low: 0,
    high: 1,
    log: false,
  }));
  const rng = rngFor(5, 0x7e57);
  const history: TrialView[] = [];
  const add = (x: number[], value: number) =>
    history.push({
      number: history.length,
      state: "complete",
      params: Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v])),
      values: [value],
      intermediate: [],
    });
  const dist2 = (x: number[], c: number[]) => x.reduce((s, v, i) => s + (v - c[i]) ** 2, 0);
  for (let k = 0; k < 24; k++) {
    const x = A.map((a) => a + 0.1 * (rng.uniform() - 0.5));
    add(x, 10 * dist2(x, A));
  }
  for (const corner of [
    [0, 0, 1, 1],
    [1, 0, 0, 1],
    [0, 1, 1, 0],
  ])
    add(corner, 5);
  add(B, 0.02);
  const strategy = createBayes({
    space,
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" }],
    options: {},
    seed: 3,
  });
  const [proposal] = await strategy.ask({ trials: history, nextNumber: history.length }, 1);
  const x = space.map((p) => proposal.params[p.name] as number);
  strategy.dispose?.();
  assert.ok(dist2(x, B) < dist2(x, A), `proposal ${x.map((v) => v.toFixed(3))} is not in basin B`);
  assert.ok(dist2(x, B) < 0.3 ** 2, `proposal ${x.map((v) => v.toFixed(3))} is not near B`);
});

test.run();
