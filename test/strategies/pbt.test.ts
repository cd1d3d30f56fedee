import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ObjectiveSpec, Params, ParamSpec } from "../../src/plan/types.js";
import { rngFor, STREAM } from "../../src/plan/random.js";
import { createStrategy } from "../../src/strategies/index.js";
import { explore, perturbValue } from "../../src/strategies/pbt/explore.js";
import { rebuildRounds, roundEpochs, truncation } from "../../src/strategies/pbt/rounds.js";
import type { Proposal, Strategy, TrialView } from "../../src/strategies/types.js";
import { bin, choice, int, lit, normal, ref, uniform, when } from "../space/helpers.js";

const space: ParamSpec[] = [uniform("lr", 1e-3, 1e-1, { log: true }), int("units", 8, 64)];

function pbt(
  options: Record<string, number> = {},
  extra: { seed?: number; explorable?: string[]; direction?: ObjectiveSpec["direction"] } = {},
): Strategy {
  return createStrategy(
    { name: "pbt", options: { population: 4, interval: 2, max_epochs: 6, quantile: 0.25, ...options } },
    {
      space,
      constraints: [],
      objectives: [{ metric: "loss", direction: extra.direction ?? "minimize" }],
      options: {},
      seed: extra.seed ?? 7,
      explorable: extra.explorable ?? ["lr"],
    },
  );
}

const view = (number: number, p: Proposal, state: TrialView["state"], value?: number): TrialView => ({
  number,
  state,
  params: p.params,
  intermediate: [],
  ...(value === undefined ? {} : { values: [value] }),
  ...(p.fidelity ? { fidelity: p.fidelity } : {}),
});

/** Finishes `proposals` as trials numbered from `history.length` with the given values (undefined: failed). */
function finish(history: TrialView[], proposals: Proposal[], values: (number | undefined)[]): void {
  proposals.forEach((p, i) => {
    const v = values[i];
    history.push(view(history.length, p, v === undefined ? "failed" : "complete", v));
  });
}

test("roundEpochs: interval steps up to max_epochs, the last round shorter when needed", () => {
  assert.equal(roundEpochs(2, 6), [2, 4, 6]);
  assert.equal(roundEpochs(2, 7), [2, 4, 6, 7]);
  assert.equal(roundEpochs(5, 5), [5]);
});

test("truncation: ⌈quantile·n⌉, at least one, at most half the population", () => {
  assert.is(truncation(8, 0.2), 2);
  assert.is(truncation(10, 0.2), 2);
  assert.is(truncation(4, 0.2), 1);
  assert.is(truncation(2, 0.5), 1);
  assert.is(truncation(5, 0.5), 2);
});

test("round 0: one prior sample per member, trained to `interval` epochs from scratch; batches agree", async () => {
  const s = pbt();
  const all = await s.ask({ trials: [], nextNumber: 0 }, 10);
  assert.is(all.length, 4, "no more than the population");
  for (const [m, p] of all.entries()) assert.equal(p.fidelity, { resource: 2, member: m, round: 0 });
  // Asked two at a time (parallel workers), the same configurations: they depend on the member only.
  const first = await s.ask({ trials: [], nextNumber: 0 }, 2);
  const history: TrialView[] = first.map((p, i) => view(i, p, "running"));
  const second = await s.ask({ trials: history, nextNumber: 2 }, 2);
  assert.equal(
    [...first, ...second].map((p) => p.params),
    all.map((p) => p.params),
  );
  assert.not.equal(all[0]!.params, all[1]!.params);
});

test("a round waits for every member of the round before it", async () => {
  const s = pbt();
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 4);
  const history: TrialView[] = [];
  finish(history, round0.slice(0, 3), [3, 1, 2]);
  history.push(view(3, round0[3]!, "running"));
  assert.equal(await s.ask({ trials: history, nextNumber: 4 }, 4), []);
});

test("exploit and explore with a fixed seed: the worst quarter copies the best and perturbs lr only", async () => {
  const s = pbt({ resample_probability: 0 });
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 4);
  const history: TrialView[] = [];
  finish(history, round0, [3, 1, 2, 4]); // member 1 is the best, member 3 the worst
  const round1 = await s.ask({ trials: history, nextNumber: 4 }, 4);
  assert.is(round1.length, 4);
  for (const m of [0, 1, 2]) {
    assert.equal(round1[m]!.fidelity, { resource: 4, resumedFrom: m, member: m, round: 1 });
    assert.equal(round1[m]!.params, round0[m]!.params, `member ${m} keeps its hyperparameters`);
  }
  assert.equal(round1[3]!.fidelity, { resource: 4, resumedFrom: 1, member: 3, round: 1 });
  assert.is(round1[3]!.params.units, round0[1]!.params.units, "structural: inherited with the checkpoint");
  const lr = round1[3]!.params.lr as number;
  const parent = round0[1]!.params.lr as number;
  assert.ok(
    Math.abs(lr - parent * 0.8) < 1e-12 || Math.abs(lr - parent * 1.2) < 1e-12,
    `lr ${lr} is the parent's ${parent} × 0.8 or × 1.2`,
  );
  // The same seed and results give the same decisions (a resumed study continues exactly) …
  assert.equal(await pbt({ resample_probability: 0 }).ask({ trials: history, nextNumber: 4 }, 4), round1);
  // … and so does the same ask split over two workers.
  const a = await s.ask({ trials: history, nextNumber: 4 }, 3);
  const withA = [...history, ...a.map((p, i) => view(4 + i, p, "running"))];
  const b = await s.ask({ trials: withA, nextNumber: 7 }, 3);
  assert.equal([...a, ...b], round1);
});

test("the known answer of seed 7: which lr the copier gets", async () => {
  const s = pbt({ resample_probability: 0 });
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 4);
  const history: TrialView[] = [];
  finish(history, round0, [3, 1, 2, 4]);
  const round1 = await s.ask({ trials: history, nextNumber: 4 }, 4);
  // Member 3's stream of round 1: its pick among one candidate, lr's resample draw, then the direction.
  const r = rngFor(7, STREAM.pbtRound, 1, 3);
  r.int(1);
  r.uniform();
  const up = r.uniform() < 0.5;
  assert.ok(
    Math.abs((round1[3]!.params.lr as number) - (round0[1]!.params.lr as number) * (up ? 1.2 : 0.8)) < 1e-12,
  );
});

test("maximize ranks the other way", async () => {
  const s = pbt({ resample_probability: 0 }, { direction: "maximize" });
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 4);
  const history: TrialView[] = [];
  finish(history, round0, [3, 1, 2, 4]); // member 3 the best, member 1 the worst
  const round1 = await s.ask({ trials: history, nextNumber: 4 }, 4);
  assert.equal(round1[1]!.fidelity, { resource: 4, resumedFrom: 3, member: 1, round: 1 });
  assert.is(round1[3]!.fidelity!.resumedFrom, 3);
});

test("a failed member copies a better one even outside the worst quantile; nobody copies a failed one", async () => {
  const s = pbt({ population: 6, quantile: 0.2 }); // truncation 2
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 6);
  const history: TrialView[] = [];
  finish(history, round0, [undefined, 1, undefined, 2, undefined, 3]);
  const round1 = await s.ask({ trials: history, nextNumber: 6 }, 6);
  for (const m of [0, 2, 4]) {
    const from = round1[m]!.fidelity!.resumedFrom!;
    assert.ok([1, 3].includes(from), `member ${m} copies one of the best two, not ${from}`);
  }
  assert.is(round1[1]!.fidelity!.resumedFrom, 1);
  assert.is(round1[3]!.fidelity!.resumedFrom, 3);
  assert.is(round1[5]!.fidelity!.resumedFrom, 5, "the third best is not in the bottom two: it continues");
});

test("when no member completed, every member starts over from a new prior sample", async () => {
  const s = pbt();
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 4);
  const history: TrialView[] = [];
  finish(history, round0, [undefined, undefined, undefined, undefined]);
  const round1 = await s.ask({ trials: history, nextNumber: 4 }, 4);
  for (const [m, p] of round1.entries()) assert.equal(p.fidelity, { resource: 4, member: m, round: 1 });
  assert.not.equal(round1[0]!.params, round0[0]!.params);
});

test("a retried trial stands for its member's round; after the last round nothing is left", async () => {
  const s = pbt({ population: 2, interval: 1, max_epochs: 2, quantile: 0.5 });
  const round0 = await s.ask({ trials: [], nextNumber: 0 }, 2);
  const history: TrialView[] = [];
  finish(history, round0, [undefined, 5]);
  // Member 0's trial crashed and the study retried it (same fidelity, a new number): it completed.
  finish(history, [round0[0]!], [1]);
  assert.is(rebuildRounds(history, 2, 2)[0]![0]!.number, 2);
  const round1 = await s.ask({ trials: history, nextNumber: 3 }, 2);
  assert.equal(
    round1.map((p) => p.fidelity),
    [
      { resource: 2, resumedFrom: 2, member: 0, round: 1 },
      { resource: 2, resumedFrom: 2, member: 1, round: 1 },
    ],
  );
  finish(history, round1, [1, 1]);
  assert.equal(await s.ask({ trials: history, nextNumber: 5 }, 2), []);
});

test("a whole run: every member trains every round, continuing a checkpoint of the round before", async () => {
  const s = pbt({ population: 5, interval: 1, max_epochs: 4, quantile: 0.2 }, { seed: 3 });
  const history: TrialView[] = [];
  const loss = (p: Params, epochs: number) => Math.abs(Math.log10(p.lr as number) + 2) + 1 / epochs;
  for (;;) {
    const next = await s.ask({ trials: history, nextNumber: history.length }, 2);
    if (next.length === 0) break;
    finish(
      history,
      next,
      next.map((p) => loss(p.params, p.fidelity!.resource)),
    );
  }
  assert.is(history.length, 20);
  for (const t of history) {
    const { member, round, resumedFrom } = t.fidelity!;
    if (round === 0) assert.is(resumedFrom, undefined);
    else assert.is(history[resumedFrom!]!.fidelity!.round, round! - 1, `trial ${t.number}`);
    assert.ok(member! >= 0 && member! < 5);
  }
  const copies = history.filter(
    (t) =>
      t.fidelity!.round! > 0 && history[t.fidelity!.resumedFrom!]!.fidelity!.member !== t.fidelity!.member,
  );
  assert.is(copies.length, 3, "one copy per round after the first");
});

test("perturbValue: ×(1 ± perturb) on positive ranges, a step for small ints, neighbours for choices", () => {
  const rng = rngFor(1, STREAM.pbtRound, 0, 0);
  for (let i = 0; i < 20; i++) {
    const v = perturbValue(uniform("lr", 1e-4, 1, { log: true }), 0.01, 0.2, rng) as number;
    assert.ok(Math.abs(v - 0.008) < 1e-12 || Math.abs(v - 0.012) < 1e-12, `${v}`);
    const n = perturbValue(int("layers", 1, 4), 2, 0.2, rng);
    assert.ok(n === 1 || n === 3, `int 2 moves a step: ${n}`);
    const edge = perturbValue(int("layers", 1, 4), 4, 0.2, rng);
    assert.ok(edge === 3 || edge === 4, `at the upper bound: down a step or stays: ${edge}`);
    const c = perturbValue(choice("act", ["relu", "tanh", "gelu"]), "tanh", 0.2, rng);
    assert.ok(c === "relu" || c === "gelu");
    assert.is(perturbValue(choice("act", ["relu", "tanh", "gelu"]), "relu", 0.2, rng), "tanh");
    assert.is(perturbValue(choice("act", ["relu", "tanh", "gelu"]), "gelu", 0.2, rng), "tanh");
    const z = perturbValue(uniform("x", -1, 1), 0, 0.2, rng) as number;
    assert.ok(
      Math.abs(Math.abs(z) - 0.2) < 1e-12,
      `a range through zero shifts by perturb × half-width: ${z}`,
    );
    const g = perturbValue(normal("g", 0, 2), 1, 0.25, rng) as number;
    assert.ok(Math.abs(g - 1.5) < 1e-12 || Math.abs(g - 0.5) < 1e-12, `${g}`);
    const top = perturbValue(uniform("p", 0.1, 0.5), 0.5, 0.2, rng) as number;
    assert.ok(top === 0.5 || Math.abs(top - 0.4) < 1e-12, `clipped to the bounds: ${top}`);
  }
});

test("explore keeps the parameters that may not change, re-applies conditions and honours constraints", () => {
  const s: ParamSpec[] = [
    choice("opt", ["adam", "sgd"]),
    when(uniform("momentum", 0.5, 0.9), bin("==", ref("opt"), lit("sgd"))),
    uniform("lr", 0.01, 0.1),
    int("units", 8, 64),
  ];
  const parent = { opt: "adam", lr: 0.05, units: 32 };
  const o = { perturb: 0.2, resample_probability: 0 };
  for (let k = 0; k < 20; k++) {
    const rng = rngFor(2, STREAM.pbtRound, 1, k);
    const only = explore(s, [], parent, new Set(["lr"]), o, rng);
    assert.is(only.opt, "adam");
    assert.is(only.units, 32);
    assert.not.ok(Object.hasOwn(only, "momentum"));
    // Everything free: `opt` moves to its neighbour "sgd", which switches `momentum` on (a prior draw).
    const all = explore(s, [], parent, undefined, o, rngFor(2, STREAM.pbtRound, 2, k));
    assert.is(all.opt, "sgd");
    assert.ok((all.momentum as number) >= 0.5 && (all.momentum as number) <= 0.9);
  }
  // No explored configuration can hold: the parent's is kept.
  const never = bin("<", ref("lr"), lit(0.05));
  assert.equal(explore(s, [never], parent, new Set(["units"]), o, rngFor(2, STREAM.pbtRound, 3, 0)), parent);
  // resample_probability 1 draws from the prior (within bounds), whatever the parent had.
  const fresh = explore(
    s,
    [],
    parent,
    new Set(["lr"]),
    { perturb: 0.2, resample_probability: 1 },
    rngFor(4, STREAM.pbtRound, 1, 0),
  );
  assert.ok((fresh.lr as number) >= 0.01 && (fresh.lr as number) <= 0.1);
});

test.run();
