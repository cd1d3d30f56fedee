import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCpu } from "../../src/native/load.js";
import {
  type AcquisitionKind,
  GaussianProcess,
  type GpKernel,
  checkGpMemory,
  gpMemoryBytes,
} from "../../src/native/gp.js";
import { HpoNativeError } from "../../src/native/errors.js";
import { HpoError } from "../../src/util/errors.js";
import {
  hByIntegration,
  kernelCorrelation,
  logHAsymptotic,
  logMarginalLikelihood,
  posterior,
  type RefHyper,
  seeded,
} from "./gp-reference.js";

const KERNELS: GpKernel[] = ["matern52", "matern32", "rbf"];
const native = loadCpu();

function close(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  assert.ok(
    err <= tol,
    `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)} > ${tol})`,
  );
}

function dataset(n: number, d: number, seed: number): { X: Float64Array; y: Float64Array } {
  const rand = seeded(seed);
  const X = Float64Array.from({ length: n * d }, rand);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < d; k++) v += Math.sin(3 * X[i * d + k] + k);
    y[i] = v + 0.05 * (rand() - 0.5);
  }
  return { X, y };
}

const HYPER: RefHyper = { lengthscales: [0.3, 0.7, 1.4], outputscale: 1.3, noise: 0.02, mean: 0.1 };

test("kernel correlations and derivative factors match the formulas", () => {
  for (const [kind, name] of KERNELS.entries()) {
    for (const s of [0, 1e-6, 0.3, 1, 4.5, 30]) {
      const [m, g] = native._gpKernel(kind, s) as Float64Array;
      close(m, kernelCorrelation(name, s), 1e-14, `${name} m(${s})`);
      // g(s) = -2 dm/ds, by central differences away from s = 0.
      if (s > 1e-3) {
        const h = 1e-6 * s;
        const fd = (-2 * (kernelCorrelation(name, s + h) - kernelCorrelation(name, s - h))) / (2 * h);
        close(g, fd, 1e-7, `${name} g(${s})`);
      }
    }
    assert.is(
      (native._gpKernel(kind, 1e300) as Float64Array)[0],
      0,
      "far apart points are uncorrelated, not NaN",
    );
  }
});

test("log marginal likelihood matches the TypeScript reference to 1e-10", async () => {
  const { X, y } = dataset(14, 3, 1);
  for (const kernel of KERNELS) {
    const gp = await GaussianProcess.create({ X, y, n: 14, d: 3, kernel, device: "cpu" });
    const r = await gp.logMarginalLikelihood(HYPER);
    close(r.value, logMarginalLikelihood(kernel, X, y, 14, 3, HYPER), 1e-10, `${kernel} LML`);
    assert.is(r.jitter, 0);
    gp.dispose();
  }
});

test("the blocked linear algebra (n >= 128) matches the TypeScript reference too", async () => {
  const n = 300;
  const d = 4;
  const { X, y } = dataset(n, d, 12);
  const h: RefHyper = { lengthscales: [0.4, 0.6, 0.8, 1.0], outputscale: 1.2, noise: 0.01, mean: -0.1 };
  const gp = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
  const r = await gp.logMarginalLikelihood(h);
  close(r.value, logMarginalLikelihood("matern52", X, y, n, d, h), 1e-10, "LML at n = 300");
  const eps = 1e-5;
  const shifted = async (k: number, sign: number) =>
    (
      await gp.logMarginalLikelihood({
        ...h,
        lengthscales: h.lengthscales.map((l, j) => (j === k ? l * Math.exp(sign * eps) : l)),
      })
    ).value;
  for (let k = 0; k < d; k++)
    close(
      r.gradient.logLengthscales[k],
      ((await shifted(k, 1)) - (await shifted(k, -1))) / (2 * eps),
      1e-6,
      `d/dlog l${k} at n = 300`,
    );
  await gp.setHyperparameters(h);
  const Xc = Float64Array.from({ length: 40 * d }, seeded(120));
  const got = await gp.predict(Xc);
  const want = posterior("matern52", X, y, n, d, h, Xc);
  for (let c = 0; c < 40; c++) {
    close(got.mean[c], want.mean[c], 1e-10, `mean[${c}] at n = 300`);
    assert.ok(Math.abs(got.variance[c] - want.variance[c]) <= 1e-10, `variance[${c}] at n = 300`);
  }
  gp.dispose();
});

test("candidates scored through L^-1 (many at once) equal the triangular solves (few at a time)", async () => {
  // A model asked about at least n / 2 candidates at once keeps L^-1 and scores each block as one
  // GEMM; a model only ever asked about a few solves per block. Both must give the same posterior.
  const n = 300;
  const d = 4;
  const { X, y } = dataset(n, d, 13);
  const h: RefHyper = { lengthscales: [0.3, 0.5, 0.7, 0.9], outputscale: 0.8, noise: 1e-4, mean: 0.2 };
  const Xc = Float64Array.from({ length: 400 * d }, seeded(130));
  const wide = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
  const narrow = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
  await wide.setHyperparameters(h);
  await narrow.setHyperparameters(h);
  const all = await wide.predict(Xc);
  const want = posterior("matern52", X, y, n, d, h, Xc.subarray(0, 20 * d));
  for (let start = 0; start < 400; start += 20) {
    const part = await narrow.predict(Xc.subarray(start * d, (start + 20) * d));
    for (let c = 0; c < 20; c++) {
      close(all.mean[start + c], part.mean[c], 1e-12, `mean[${start + c}]`);
      assert.ok(Math.abs(all.variance[start + c] - part.variance[c]) <= 1e-12, `variance[${start + c}]`);
      if (start === 0)
        assert.ok(Math.abs(all.variance[c] - want.variance[c]) <= 1e-10, `reference variance[${c}]`);
    }
  }
  // Acquisition values without gradients take the same wide path; with gradients, the narrow one.
  const best = Math.max(...y);
  const plain = await wide.acquisition(Xc, { kind: "logei", best });
  const withGradient = await wide.acquisition(Xc, { kind: "logei", best, gradient: true });
  // (1e-9: far from the data LogEI is the log of a tiny tail, whose last bits the variance moves.)
  for (let c = 0; c < 400; c++) close(plain.value[c], withGradient.value[c], 1e-9, `logei[${c}]`);
  wide.dispose();
  narrow.dispose();
});

test("log marginal likelihood gradient matches central finite differences", async () => {
  const { X, y } = dataset(20, 3, 2);
  for (const kernel of KERNELS) {
    const gp = await GaussianProcess.create({ X, y, n: 20, d: 3, kernel, device: "cpu" });
    const r = await gp.logMarginalLikelihood(HYPER);
    const at = async (tweak: (h: RefHyper) => void): Promise<number> => {
      const h: RefHyper = { ...HYPER, lengthscales: [...HYPER.lengthscales] };
      tweak(h);
      return (await gp.logMarginalLikelihood(h)).value;
    };
    const eps = 1e-5;
    for (let k = 0; k < 3; k++) {
      const up = await at((h) => {
        h.lengthscales[k] *= Math.exp(eps);
      });
      const down = await at((h) => {
        h.lengthscales[k] *= Math.exp(-eps);
      });
      close(r.gradient.logLengthscales[k], (up - down) / (2 * eps), 1e-6, `${kernel} d/dlog l${k}`);
    }
    const fdScale =
      ((await at((h) => {
        h.outputscale *= Math.exp(eps);
      })) -
        (await at((h) => {
          h.outputscale *= Math.exp(-eps);
        }))) /
      (2 * eps);
    close(r.gradient.logOutputscale, fdScale, 1e-6, `${kernel} d/dlog s`);
    const fdNoise =
      ((await at((h) => {
        h.noise *= Math.exp(eps);
      })) -
        (await at((h) => {
          h.noise *= Math.exp(-eps);
        }))) /
      (2 * eps);
    close(r.gradient.logNoise, fdNoise, 1e-6, `${kernel} d/dlog noise`);
    const fdMean =
      ((await at((h) => {
        h.mean += eps;
      })) -
        (await at((h) => {
          h.mean -= eps;
        }))) /
      (2 * eps);
    close(r.gradient.mean, fdMean, 1e-6, `${kernel} d/dmean`);
    gp.dispose();
  }
});

test("posterior mean and variance match the TypeScript reference to 1e-10", async () => {
  const { X, y } = dataset(16, 3, 3);
  const Xc = Float64Array.from({ length: 9 * 3 }, seeded(33));
  Xc.set(X.subarray(0, 3), 0); // a training point: variance near the noise-free residual
  for (const kernel of KERNELS) {
    const gp = await GaussianProcess.create({ X, y, n: 16, d: 3, kernel, device: "cpu" });
    await gp.setHyperparameters(HYPER);
    const got = await gp.predict(Xc);
    const want = posterior(kernel, X, y, 16, 3, HYPER, Xc);
    for (let c = 0; c < 9; c++) {
      close(got.mean[c], want.mean[c], 1e-10, `${kernel} mean[${c}]`);
      assert.ok(Math.abs(got.variance[c] - want.variance[c]) <= 1e-10, `${kernel} variance[${c}]`);
    }
    const h = gp.hyperparameters();
    assert.ok(h);
    close(h.noise, HYPER.noise, 1e-14, "hyperparameters round-trip");
    gp.dispose();
  }
});

test("LogEI's log h matches integration and the asymptotic series from z = -1e7 to 3", () => {
  for (const z of [3, 1, 0, -0.5, -1, -2, -5, -8]) {
    const [value] = native._gpAcquisitionValue(0, z, 1, 0, 0) as Float64Array;
    close(value, Math.log(hByIntegration(z)), 1e-11, `log h(${z})`);
  }
  for (const z of [-20, -30, -100, -1e3, -1e5, -1e6 - 1, -1e7]) {
    const [value] = native._gpAcquisitionValue(0, z, 1, 0, 0) as Float64Array;
    close(value, logHAsymptotic(z), 1e-13, `log h(${z})`);
  }
});

test("acquisition derivatives in mean and sd match finite differences for every kind", () => {
  const cases = [
    [0.3, 0.8, 0.1],
    [-2, 0.5, 1],
    [-30, 1, 0],
  ];
  for (let kind = 0; kind < 4; kind++) {
    for (const [mu, sigma, best] of cases) {
      if (kind !== 0 && mu === -30) continue; // EI and PI underflow there; that is why LogEI exists
      const [, dMu, dSigma] = native._gpAcquisitionValue(kind, mu, sigma, best, 2) as Float64Array;
      const f = (m: number, s: number) =>
        (native._gpAcquisitionValue(kind, m, s, best, 2) as Float64Array)[0];
      const h = 1e-6;
      close(dMu, (f(mu + h, sigma) - f(mu - h, sigma)) / (2 * h), 1e-6, `kind ${kind} d/dmu at ${mu}`);
      close(dSigma, (f(mu, sigma + h) - f(mu, sigma - h)) / (2 * h), 1e-6, `kind ${kind} d/dsigma at ${mu}`);
    }
  }
});

test("acquisition gradients with respect to the candidate match finite differences", async () => {
  const { X, y } = dataset(18, 3, 4);
  const kinds: AcquisitionKind[] = ["logei", "ei", "pi", "ucb"];
  for (const kernel of KERNELS) {
    const gp = await GaussianProcess.create({ X, y, n: 18, d: 3, kernel, device: "cpu" });
    await gp.setHyperparameters(HYPER);
    const best = Math.max(...y);
    const Xc = Float64Array.from({ length: 4 * 3 }, seeded(44));
    for (const kind of kinds) {
      const r = await gp.acquisition(Xc, { kind, best, beta: 2, gradient: true });
      assert.ok(r.gradient);
      for (let c = 0; c < 4; c++) {
        for (let k = 0; k < 3; k++) {
          const h = 1e-6;
          const plus = Xc.slice(c * 3, c * 3 + 3);
          const minus = Xc.slice(c * 3, c * 3 + 3);
          plus[k] += h;
          minus[k] -= h;
          const fp = (await gp.acquisition(plus, { kind, best, beta: 2 })).value[0];
          const fm = (await gp.acquisition(minus, { kind, best, beta: 2 })).value[0];
          const fd = (fp - fm) / (2 * h);
          const got = r.gradient[c * 3 + k];
          assert.ok(
            Math.abs(got - fd) <= 1e-5 * Math.max(1, Math.abs(fd)),
            `${kernel} ${kind} candidate ${c} dim ${k}: ${got} vs ${fd}`,
          );
        }
      }
    }
    gp.dispose();
  }
});

test("Cholesky escalates jitter on a singular matrix and reports a matrix that never becomes definite", () => {
  const ok = native._gpCholesky(new Float64Array([4, 2, 2, 3]), 2);
  assert.equal(Array.from(ok.L), [2, 0, 1, Math.sqrt(2)]);
  assert.is(ok.jitter, 0);
  const singular = native._gpCholesky(new Float64Array([1, 1, 1, 1]), 2);
  assert.ok(singular.jitter >= 1e-8 && singular.jitter <= 1e-2, `jitter ${singular.jitter}`);
  const L = singular.L as Float64Array;
  close(L[0] * L[0], 1 + singular.jitter, 1e-14, "L00²");
  close(L[2] * L[2] + L[3] * L[3], 1 + singular.jitter, 1e-12, "row 1 of L Lᵀ");
  assert.throws(
    () => native._gpCholesky(new Float64Array([1, 2, 2, 1]), 2),
    /not positive definite.*pivot 1/,
  );
});

test("duplicate training points with tiny noise are handled by jitter", async () => {
  const X = new Float64Array([0.2, 0.2, 0.5, 0.5, 0.2, 0.2]);
  const y = new Float64Array([1, 2, 1]);
  const gp = await GaussianProcess.create({ X, y, n: 3, d: 2, kernel: "rbf", device: "cpu" });
  const r = await gp.logMarginalLikelihood({
    lengthscales: [0.5, 0.5],
    outputscale: 1,
    noise: 1e-300,
    mean: 0,
  });
  assert.ok(r.jitter > 0 && Number.isFinite(r.value), `jitter ${r.jitter}, value ${r.value}`);
  gp.dispose();
});

test("the kept factor: a gradient or a conditioning after a value at the same theta is what a fresh model gives", async () => {
  // The CPU engine keeps the factor of its last likelihood so that the fit's line search can try
  // steps on the value alone; whatever was computed before, the numbers must be a fresh model's.
  for (const n of [30, 300]) {
    const d = 4;
    const { X, y } = dataset(n, d, 21);
    const model = () => new native.GpModel(X, y, n, d, 0, 0, 0);
    const theta = new Float64Array([-1, -0.5, 0, 0.3, 0.2, -3, 0.1]);
    const other = new Float64Array([-0.8, -0.5, 0, 0.3, 0.2, -3, 0.1]);
    const fresh = model();
    const want = await fresh.lml(theta, true);
    const freshOther = model();
    const wantOther = await freshOther.lml(other, true);
    freshOther.dispose();
    const m = model();
    const check = async (at: Float64Array, expected: typeof want, what: string) => {
      const value = await m.lml(at, false);
      assert.is(value.value, expected.value, `${what}: value at n = ${n}`);
      const got = await m.lml(at, true);
      assert.is(got.value, expected.value, `${what}: value with the gradient at n = ${n}`);
      assert.equal(Array.from(got.gradient), Array.from(expected.gradient), `${what}: gradient at n = ${n}`);
    };
    await check(theta, want, "first");
    await check(other, wantOther, "another theta");
    await check(theta, want, "back");
    assert.equal(
      Array.from((await m.lml(other, true)).gradient),
      Array.from(wantOther.gradient),
      "gradient first",
    );
    await check(theta, want, "after a gradient elsewhere");
    // Conditioned from a kept factor (after a value) and from a kept factor and L^-1 (after a
    // gradient, n >= 128): a few candidates (solved) and then many (through L^-1) as a fresh model.
    const few = Float64Array.from({ length: 3 * d }, seeded(n));
    const many = Float64Array.from({ length: n * d }, seeded(n + 1));
    await fresh.condition(theta);
    const wantFew = await fresh.predict(few, 3);
    const wantMany = await fresh.predict(many, n);
    for (const withGradient of [false, true]) {
      await m.lml(other, true);
      await m.lml(theta, withGradient);
      await m.condition(theta);
      const what = `conditioned after ${withGradient ? "a gradient" : "a value"}, n = ${n}`;
      assert.equal(await m.predict(few, 3), wantFew, `${what}: a few candidates`);
      assert.equal(await m.predict(many, n), wantMany, `${what}: many candidates`);
      await m.lml(other, true);
      assert.equal(await m.predict(many, n), wantMany, `${what}: after later likelihoods`);
    }
    m.dispose();
    fresh.dispose();
  }
});

test("fit raises the MAP objective, is deterministic per seed, and warm-starts", async () => {
  const { X, y } = dataset(30, 3, 5);
  const gp = await GaussianProcess.create({ X, y, n: 30, d: 3, device: "cpu" });
  const a = await gp.fit({ restarts: 3, seed: 7 });
  const b = await gp.fit({ restarts: 3, seed: 7 });
  assert.equal(Array.from(a.lengthscales), Array.from(b.lengthscales));
  assert.is(a.objective, b.objective);
  const start = await gp.logMarginalLikelihood({
    lengthscales: [1, 1, 1],
    outputscale: 1,
    noise: 0.1,
    mean: 0,
  });
  assert.ok(a.logMarginalLikelihood > start.value, `${a.logMarginalLikelihood} > ${start.value}`);
  for (const l of a.lengthscales)
    assert.ok(l >= 0.025 * (1 - 1e-12) && l <= 1e3, `lengthscale ${l} within bounds`);
  assert.ok(a.noise >= 1e-6 * (1 - 1e-12), "noise floor");
  const warm = await gp.fit({ restarts: 1, warmStart: true, maxIterations: 50 });
  assert.ok(warm.objective >= a.objective - 1e-6, "a warm start does not lose the optimum");
  // The curvature pairs: whole pairs of d + 3 values, and a fit resumed from them on more data
  // reaches the optimum of a fit from scratch.
  assert.ok(a.curvature instanceof Float64Array && a.curvature.length > 0, "curvature returned");
  assert.is(a.curvature.length % (2 * (3 + 3)), 0, "whole (s, y) pairs");
  const more = dataset(36, 3, 5);
  const bigger = await GaussianProcess.create({ X: more.X, y: more.y, n: 36, d: 3, device: "cpu" });
  const scratch = await bigger.fit({ restarts: 3, seed: 7 });
  const resumed = await bigger.fit({ restarts: 1, warmStart: a, maxIterations: 100 });
  close(resumed.objective, scratch.objective, 1e-4, "resumed fit reaches the optimum");
  const chained = await bigger.fit({ restarts: 1, warmStart: resumed, maxIterations: 3 });
  assert.ok(chained.objective >= resumed.objective - 1e-9, "resuming at an optimum stays there");
  bigger.dispose();
  // The fitted model predicts the training outputs closely (noise is small here).
  const p = await gp.predict(X.slice(0, 3));
  close(p.mean[0], y[0], 0.1, "fitted mean at a training point");
  gp.dispose();
});

test("the fit's log prior is Optuna's on lengthscales, Gamma(2, 1) on the outputscale, LogNormal(-4, 1) on noise", async () => {
  const { X, y } = dataset(30, 3, 5);
  const gp = await GaussianProcess.create({ X, y, n: 30, d: 3, device: "cpu" });
  const fit = await gp.fit({ restarts: 2, seed: 11 });
  // Densities over theta = (log l, log s, log noise), constants dropped (native/gp/gp_fit.h).
  let prior = 0;
  for (const l of fit.lengthscales) prior += -0.1 * (l * l + 1 / (l * l));
  const eta = Math.log(fit.outputscale);
  prior += eta - fit.outputscale;
  const nu = Math.log(fit.noise);
  prior += -nu - (nu + 4) ** 2 / 2;
  close(fit.objective - fit.logMarginalLikelihood, prior, 1e-9, "objective − LML = log prior");
  gp.dispose();
});

test("a screened fit (n >= 500: the best 2 of 4 restarts continue) is deterministic and consistent", async () => {
  const n = 520;
  const { X, y } = dataset(n, 2, 21);
  const gp = await GaussianProcess.create({ X, y, n, d: 2, device: "cpu" });
  const a = await gp.fit({ restarts: 4, seed: 3 });
  const b = await gp.fit({ restarts: 4, seed: 3 });
  assert.equal(Array.from(a.lengthscales), Array.from(b.lengthscales));
  assert.is(a.objective, b.objective);
  // The reported likelihood (objective minus log prior) is the likelihood at the result.
  close(a.logMarginalLikelihood, (await gp.logMarginalLikelihood(a)).value, 1e-9, "LML at the fit");
  const single = await gp.fit({ restarts: 1, seed: 3 });
  assert.ok(
    a.objective >= single.objective - 1e-6,
    `${a.objective} >= ${single.objective} (restart 0 alone)`,
  );
  gp.dispose();
});

test("maximizeAcquisition stays in the unit cube and does not lower the acquisition", async () => {
  const { X, y } = dataset(25, 2, 6);
  const gp = await GaussianProcess.create({ X, y, n: 25, d: 2, device: "cpu" });
  await gp.fit({ restarts: 2, seed: 1 });
  const starts = Float64Array.from({ length: 5 * 2 }, seeded(66));
  const best = Math.max(...y);
  const before = await gp.acquisition(starts, { kind: "logei", best });
  const r = await gp.maximizeAcquisition(starts, { kind: "logei", best, maxIterations: 40 });
  for (let i = 0; i < 5; i++) assert.ok(r.value[i] >= before.value[i] - 1e-12, `start ${i} improved`);
  for (const v of r.x) assert.ok(v >= 0 && v <= 1);
  const again = await gp.acquisition(r.x, { kind: "logei", best });
  for (let i = 0; i < 5; i++) close(again.value[i], r.value[i], 1e-12, "reported value");
  gp.dispose();
});

test("bad arguments become clear errors", async () => {
  const X = new Float64Array([0, 0.5, 1, 0.2]);
  const y = new Float64Array([1, 2]);
  const rejects = async (p: () => Promise<unknown>, pattern: RegExp) => {
    try {
      await p();
    } catch (err) {
      assert.instance(err, HpoError);
      assert.match((err as Error).message, pattern);
      return;
    }
    assert.unreachable(`expected ${pattern}`);
  };
  await rejects(() => GaussianProcess.create({ X, y, n: 0, d: 2 }), /n must be an integer >= 1, got 0/);
  await rejects(
    () => GaussianProcess.create({ X, y, n: 2, d: 3 }),
    /X must have 6 elements \(n × d = 2 × 3\), got 4/,
  );
  await rejects(
    () => GaussianProcess.create({ X, y: new Float64Array([1, Number.NaN]), n: 2, d: 2 }),
    /y must be finite, element 1 is NaN/,
  );
  await rejects(
    () => GaussianProcess.create({ X, y, n: 2, d: 2, kernel: "cubic" as GpKernel }),
    /kernel must be one of matern52, matern32, rbf, got cubic/,
  );
  const gp = await GaussianProcess.create({ X, y, n: 2, d: 2, device: "cpu" });
  await rejects(() => gp.predict(new Float64Array([0.1, 0.2])), /no hyperparameters yet/);
  await rejects(
    () => gp.logMarginalLikelihood({ lengthscales: [1], outputscale: 1, noise: 0.1, mean: 0 }),
    /lengthscales must have d = 2 elements, got 1/,
  );
  await rejects(
    () => gp.logMarginalLikelihood({ lengthscales: [1, 1], outputscale: 1, noise: 0, mean: 0 }),
    /noise must be > 0, got 0/,
  );
  await gp.setHyperparameters({ lengthscales: [1, 1], outputscale: 1, noise: 0.1, mean: 0 });
  await rejects(() => gp.predict(new Float64Array([0.1, 0.2, 0.3])), /multiple of d = 2 elements, got 3/);
  await rejects(
    () => gp.acquisition(new Float64Array([0.1, 0.2]), { kind: "xyz" as AcquisitionKind, best: 0 }),
    /acquisition kind must be one of logei, ei, pi, ucb/,
  );
  await rejects(
    () => gp.maximizeAcquisition(new Float64Array([0.1, 1.2]), { kind: "ei", best: 0 }),
    /starts must lie in \[0, 1\], element 1 is 1.2/,
  );
  const h = { lengthscales: [1, 1], outputscale: 1, noise: 0.1, mean: 0 };
  await rejects(
    () => gp.fit({ warmStart: { ...h, curvature: new Float64Array(7) } }),
    /warmStart.curvature must hold whole pairs of 2 × \(d \+ 3\) = 10 values \(at most 10\), got 7/,
  );
  await rejects(
    () => gp.fit({ warmStart: { ...h, curvature: new Float64Array(10).fill(Number.NaN) } }),
    /warmStart.curvature must be finite, element 0 is NaN/,
  );
  gp.dispose();
  await rejects(() => gp.predict(new Float64Array([0.1, 0.2])), /this model was disposed/);
});

test("the addon itself rejects bad arguments with JS errors instead of crashing", async () => {
  const { GpModel } = native;
  assert.throws(
    () => new GpModel(new Float64Array(4), new Float64Array(2), 2, 3, 0, 0, 0),
    /X must have 6 elements/,
  );
  assert.throws(() => new GpModel([0, 1], new Float64Array(2), 2, 1, 0, 0, 0), /X must be a Float64Array/);
  assert.throws(
    () => new GpModel(new Float64Array(2), new Float64Array(2), 0, 1, 0, 0, 0),
    /n must be an integer/,
  );
  assert.throws(
    () => new GpModel(new Float64Array([0, Number.NaN]), new Float64Array(2), 2, 1, 0, 0, 0),
    /X must be finite/,
  );
  const model = new GpModel(new Float64Array([0, 1]), new Float64Array([0, 1]), 2, 1, 0, 0, 0);
  assert.throws(() => model.predict(new Float64Array(1), 1), /no hyperparameters yet/);
  const pending = model.condition(new Float64Array([0, 0, -2, 0]));
  assert.throws(() => model.lml(new Float64Array(4), true), /busy/);
  await pending;
  assert.throws(() => model.lml(new Float64Array(3), true), /theta must have 4 elements/);
  assert.throws(
    () => model.fit(1, 0, 10, new Float64Array(4), 1, new Float64Array(5)),
    /curvature must have a multiple of 8 elements, at most 80, got 5/,
  );
  model.dispose();
  assert.throws(() => model.lml(new Float64Array(4), true), /disposed/);
});

test("repeated create / condition / dispose does not grow memory", async () => {
  const { X, y } = dataset(300, 4, 8);
  const h = { lengthscales: [0.5, 0.5, 0.5, 0.5], outputscale: 1, noise: 0.01, mean: 0 };
  const round = async () => {
    const gp = await GaussianProcess.create({ X, y, n: 300, d: 4, device: "cpu" });
    await gp.setHyperparameters(h);
    gp.dispose();
  };
  for (let i = 0; i < 20; i++) await round();
  const before = process.memoryUsage().rss;
  // A leaked factor would be 300² × 8 B = 720 kB per round: 144 MB over 200 rounds.
  for (let i = 0; i < 200; i++) await round();
  const grown = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grown < 60, `RSS grew by ${grown.toFixed(1)} MiB`);
});

test("predict right after an un-awaited fit waits for it (calls are serialized)", async () => {
  const { X, y } = dataset(14, 3, 5);
  const gp = await GaussianProcess.create({ X, y, n: 14, d: 3, device: "cpu" });
  const fitting = gp.fit({ restarts: 1, seed: 1, maxIterations: 20 });
  const predicted = gp.predict(new Float64Array([0.1, 0.2, 0.3])); // must not throw synchronously
  const acq = gp.acquisition(new Float64Array([0.1, 0.2, 0.3]), { kind: "ucb", best: 0, beta: 2 });
  await fitting;
  const p = await predicted;
  assert.ok(Number.isFinite(p.mean[0]) && p.variance[0]! >= 0);
  assert.ok(Number.isFinite((await acq).value[0]));
  gp.dispose();
});

test("a GP too large for the device's memory is refused before allocation, naming the size", async () => {
  assert.is(gpMemoryBytes(30_000), 5 * 8 * 30_000 * 30_000);
  assert.is(gpMemoryBytes(30_000, "fp32"), gpMemoryBytes(30_000) / 2);
  assert.throws(
    () => checkGpMemory(30_000, "fp64", "cuda", 16 * 2 ** 30),
    (e: unknown) =>
      e instanceof HpoNativeError &&
      e.code === "HPO_OUT_OF_MEMORY" &&
      /a GP on 30000 points needs about 34 GiB .* the GPU has 16 GiB/.test(e.message),
  );
  checkGpMemory(1_000, "fp64", "cuda", 16 * 2 ** 30);
  // 200,000 points need 1.6 TB: refused on any machine, with X and y of only 1.6 MB each.
  const n = 200_000;
  try {
    await GaussianProcess.create({ X: new Float64Array(n), y: new Float64Array(n), n, d: 1, device: "cpu" });
    assert.unreachable("a 1.6 TB GP was created");
  } catch (e) {
    assert.instance(e, HpoNativeError);
    assert.is((e as HpoNativeError).code, "HPO_OUT_OF_MEMORY");
    assert.match((e as Error).message, /a GP on 200000 points needs about/);
  }
});

test("LogEI and its gradient stay finite at extreme z (|z| beyond 1e154, where z^2 overflows)", async () => {
  const { X, y } = dataset(14, 3, 9);
  const gp = await GaussianProcess.create({ X, y, n: 14, d: 3, device: "cpu" });
  await gp.setHyperparameters({ lengthscales: [0.5, 0.5, 0.5], outputscale: 1, noise: 1e-4, mean: 0 });
  const Xc = new Float64Array([0.1, 0.2, 0.3, 0.9, 0.9, 0.9]);
  for (const best of [1e300, -1e300, 1e10, -1e10, 1e6 + 0.5]) {
    const r = await gp.acquisition(Xc, { kind: "logei", best, gradient: true });
    for (const g of r.gradient!) assert.ok(Number.isFinite(g), `gradient ${g} at best = ${best}`);
    for (const v of r.value) assert.ok(!Number.isNaN(v), `value ${v} at best = ${best}`);
  }
  gp.dispose();
});

test.run();
