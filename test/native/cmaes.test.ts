/**
 * The native CMA-ES engine (native/cmaes) against the published algorithm: one generation's update
 * recomputed here from Hansen's tutorial (arXiv:1604.00772, eq. 38-58) on a 2-D problem, the
 * eigendecomposition on a matrix with known eigenvalues, convergence on a sphere with a fixed seed,
 * IPOP and BIPOP restarts, candidates confined to the unit cube, and argument errors.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CmaEs } from "../../src/native/cmaes.js";
import { loadCpu } from "../../src/native/load.js";
import { throwsHpo } from "../helpers/throws.js";

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** The tutorial's update of a first generation (C = I, paths at 0), computed independently. */
function tutorialFirstUpdate(
  n: number,
  mean: number[],
  sigma: number,
  xs: number[][],
  f: number[],
  separable: boolean,
): { mean: number[]; sigma: number; C: number[][] } {
  const lambda = xs.length;
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const pos = raw.filter((w) => w >= 0);
  const neg = raw.filter((w) => w < 0);
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  const mueff = sum(pos) ** 2 / sum(pos.map((w) => w * w));
  const mueffMinus = neg.length ? sum(neg) ** 2 / sum(neg.map((w) => w * w)) : 0;
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  let c1 = 2 / ((n + 1.3) ** 2 + mueff);
  let cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
  if (separable) {
    c1 = Math.min(1, (c1 * (n + 2)) / 3);
    cmu = Math.min(1 - c1, (cmu * (n + 2)) / 3);
  }
  const ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const minAlpha = Math.min(1 + c1 / cmu, 1 + (2 * mueffMinus) / (mueff + 2), (1 - c1 - cmu) / (n * cmu));
  const w = raw.map((v) => (v >= 0 ? v / sum(pos) : separable ? 0 : (minAlpha * v) / -sum(neg)));
  const order = f.map((_, i) => i).sort((a, b) => f[a]! - f[b]! || a - b);
  const ys = order.map((k) => xs[k]!.map((x, i) => (x - mean[i]!) / sigma));
  const yw = mean.map((_, i) => sum(ys.slice(0, mu).map((y, r) => w[r]! * y[i]!)));
  const newMean = mean.map((m, i) => m + sigma * yw[i]!);
  const ps = yw.map((v) => Math.sqrt(cs * (2 - cs) * mueff) * v); // C^-1/2 = I
  const psNorm = Math.hypot(...ps);
  const newSigma = sigma * Math.exp((cs / ds) * (psNorm / chiN - 1));
  const h = psNorm / Math.sqrt(1 - (1 - cs) ** 2) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
  const pc = yw.map((v) => h * Math.sqrt(cc * (2 - cc) * mueff) * v);
  const wo = w.map((v, r) => (v >= 0 ? v : (v * n) / sum(ys[r]!.map((y) => y * y))));
  const decay = 1 + c1 * (1 - h) * cc * (2 - cc) - c1 - cmu * sum(w);
  const C = mean.map((_, i) =>
    mean.map((_, j) => {
      if (separable && i !== j) return 0;
      const rankMu = sum(ys.map((y, r) => wo[r]! * y[i]! * y[j]!));
      return (i === j ? decay : 0) + c1 * pc[i]! * pc[j]! + cmu * rankMu;
    }),
  );
  return { mean: newMean, sigma: newSigma, C };
}

for (const diagonal of [false, true]) {
  test(`one generation's update equals the tutorial's (${diagonal ? "separable" : "full"} covariance)`, () => {
    const mean = [0.4, 0.6];
    const engine = new CmaEs({ dim: 2, seed: 7, sigma0: 0.2, popsize: 6, diagonal, mean });
    const numbers = [10, 11, 12, 13, 14, 15];
    const xs = numbers.map((t) => Array.from(engine.sample(t)));
    const f = xs.map(([a, b]) => (a! - 0.3) ** 2 + 10 * (b! - 0.7) ** 2);
    // Told out of order: the ranking, not the order, decides.
    const perm = [3, 0, 5, 1, 4, 2];
    engine.tell(
      perm.map((k) => numbers[k]!),
      perm.map(() => 0),
      perm.map((k) => f[k]!),
    );
    const want = tutorialFirstUpdate(2, mean, 0.2, xs, f, diagonal);
    const got = {
      mean: Array.from(engine.mean()),
      sigma: engine.info().sigma,
      C: Array.from(engine.covariance()),
    };
    want.mean.forEach((m, i) => {
      assert.ok(close(got.mean[i]!, m), `mean[${i}] ${got.mean[i]} vs ${m}`);
    });
    assert.ok(close(got.sigma, want.sigma), `sigma ${got.sigma} vs ${want.sigma}`);
    want.C.flat().forEach((c, i) => {
      assert.ok(close(got.C[i]!, c), `C[${i}] ${got.C[i]} vs ${c}`);
    });
    assert.is(engine.info().generation, 1);
    engine.dispose();
  });
}

test("candidates are pure functions of (generation, number, attempt)", () => {
  const a = new CmaEs({ dim: 3, seed: 1 });
  const b = new CmaEs({ dim: 3, seed: 1 });
  assert.equal(Array.from(a.sample(5)), Array.from(b.sample(5)));
  assert.not.equal(Array.from(a.sample(5)), Array.from(a.sample(6)));
  assert.not.equal(Array.from(a.sample(5)), Array.from(a.sample(5, 1)));
  const c = new CmaEs({ dim: 3, seed: 2 });
  assert.not.equal(Array.from(a.sample(5)), Array.from(c.sample(5)));
  for (const e of [a, b, c]) e.dispose();
});

test("the eigendecomposition recovers known eigenvalues and reconstructs the matrix", () => {
  // [[2,1,0],[1,2,0],[0,0,3]]: eigenvalues 1, 3, 3
  const a = [2, 1, 0, 1, 2, 0, 0, 0, 3];
  const { values, vectors } = loadCpu()._cmaesEigen(new Float64Array(a), 3);
  assert.equal(
    Array.from(values as Float64Array)
      .sort()
      .map((v) => Number(v.toFixed(12))),
    [1, 3, 3],
  );
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += vectors[i * 3 + k] * values[k] * vectors[j * 3 + k];
      assert.ok(close(s, a[i * 3 + j]!, 1e-12), `(${i}, ${j})`);
    }
});

/** Runs generations on f until `until` holds or `max` generations pass. */
function drive(
  engine: CmaEs,
  f: (x: Float64Array) => number,
  max: number,
  until: () => boolean = () => false,
) {
  let best = Number.POSITIVE_INFINITY;
  let number = 0;
  for (let g = 0; g < max && !until(); g++) {
    const { lambda } = engine.info();
    const numbers = Array.from({ length: lambda }, () => number++);
    const values = numbers.map((t) => f(engine.sample(t)));
    best = Math.min(best, ...values);
    engine.tell(
      numbers,
      numbers.map(() => 0),
      values,
    );
  }
  return best;
}

const sphere = (x: Float64Array) => x.reduce((s, v) => s + (v - 0.3) ** 2, 0);

for (const diagonal of [false, true]) {
  test(`converges on a 5-D sphere with a fixed seed (${diagonal ? "separable" : "full"})`, () => {
    const engine = new CmaEs({ dim: 5, seed: 3, diagonal });
    const best = drive(engine, sphere, 150);
    assert.ok(best < 1e-8, `best ${best}`);
    if (diagonal) {
      const C = engine.covariance();
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) assert.is(C[i * 5 + j], 0);
    }
    engine.dispose();
  });
}

test("IPOP restarts a converged run with twice the population", () => {
  const engine = new CmaEs({ dim: 2, seed: 4, restart: "ipop" });
  const lambda0 = engine.info().lambda;
  drive(engine, sphere, 2000, () => engine.info().restarts >= 2);
  const info = engine.info();
  assert.is(info.restarts, 2);
  assert.is(info.lambda, lambda0 * 4);
  assert.is(info.runGeneration, 0);
  assert.ok(
    ["tolfun", "tolx", "noeffectaxis", "noeffectcoord", "conditioncov"].includes(info.stop),
    info.stop,
  );
  engine.dispose();
});

test("BIPOP alternates a large and a small regime; without restarts a run stays put", () => {
  const engine = new CmaEs({ dim: 2, seed: 5, restart: "bipop" });
  const regimes = new Set<boolean>();
  drive(engine, sphere, 5000, () => {
    regimes.add(engine.info().smallRegime);
    return engine.info().restarts >= 4;
  });
  assert.is(engine.info().restarts, 4);
  assert.equal([...regimes].sort(), [false, true]);
  engine.dispose();
  const still = new CmaEs({ dim: 2, seed: 5 });
  drive(still, sphere, 400);
  assert.is(still.info().restarts, 0);
  still.dispose();
});

test("candidates stay in the unit cube even with a huge step size", () => {
  const engine = new CmaEs({ dim: 4, seed: 6, sigma0: 1, sigma: 50, maxResample: 3 });
  for (let t = 0; t < 200; t++) for (const x of engine.sample(t)) assert.ok(x >= 0 && x <= 1, `${x}`);
  engine.dispose();
});

test("bad arguments are HpoErrors or coded native errors", () => {
  throwsHpo(() => new CmaEs({ dim: 0, seed: 1 }), /dim/);
  throwsHpo(() => new CmaEs({ dim: 2, seed: 1, sigma0: 0 }), /sigma0/);
  throwsHpo(() => new CmaEs({ dim: 2, seed: 1, popsize: 1 }), /popsize/);
  throwsHpo(() => new CmaEs({ dim: 2, seed: 1, restart: "sometimes" as "ipop" }), /restart/);
  throwsHpo(() => new CmaEs({ dim: 2, seed: 1, mean: [0.5, 1.5] }), /mean\[1\]/);
  const engine = new CmaEs({ dim: 2, seed: 1, popsize: 4 });
  assert.throws(() => engine.tell([0, 1], [0, 0], [1, 2]), /4 values each/);
  assert.throws(() => engine.tell([0, 1, 2, 3], [0, 0, 0, 0], [1, 2, Number.NaN, 3]), /fitness\[2\]/);
  engine.dispose();
  assert.throws(
    () => engine.sample(0),
    (e: unknown) => (e as { code?: string }).code === "HPO_INVALID_STATE",
  );
});

test.run();
