/**
 * The CUDA GP engine against the CPU reference (needs a GPU; skips with the loader's reason here).
 * Tolerances: fp64 results agree to 1e-9 relative (the two paths sum in different orders, and the
 * blocked Cholesky rounds differently from the CPU's row-by-row one, both well inside 1e-9 for these
 * well-conditioned K); fp32 to 5e-3 (single precision on a matrix with condition number ~1e3).
 * Both linear-algebra paths are covered: hpo's own kernels (HPO_GP_LINALG=own) and cuSOLVER/cuBLAS
 * (HPO_GP_LINALG=vendor) when those libraries load.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GaussianProcess, type GpKernel } from "../../src/native/gp.js";
import { cudaStatus, loadCuda } from "../../src/native/load.js";
import { skipWithReason } from "../helpers/skip.js";
import { seeded } from "./gp-reference.js";

const KERNELS: GpKernel[] = ["matern52", "matern32", "rbf"];

function dataset(n: number, d: number, seed: number) {
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

function agree(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.is(a.length, b.length, `${what}: lengths`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1e-300, scale, Math.abs(b[i]));
    assert.ok(
      err <= tol,
      `${what}[${i}]: cuda ${a[i]} vs cpu ${b[i]} (relative ${err.toExponential(2)} > ${tol})`,
    );
  }
}

const status = cudaStatus();
const cuda = status.available ? loadCuda() : null;
const linalgPaths = ["own", "vendor"];

if (!cuda?.GpModel) {
  skipWithReason(test, "CUDA GP engine matches the CPU", status.reason ?? "the CUDA module has no GP engine");
} else {
  for (const linalg of linalgPaths) {
    const create = async (options: Parameters<typeof GaussianProcess.create>[0]) => {
      process.env.HPO_GP_LINALG = linalg;
      try {
        return await GaussianProcess.create(options);
      } finally {
        delete process.env.HPO_GP_LINALG;
      }
    };
    let available = true;
    try {
      (
        await create({ X: new Float64Array([0.5]), y: new Float64Array([1]), n: 1, d: 1, device: "cuda" })
      ).dispose();
    } catch (err) {
      available = false;
      skipWithReason(test, `CUDA GP engine with ${linalg} linear algebra`, (err as Error).message);
    }
    if (!available) continue;

    test(`[${linalg}] LML and gradient match the CPU to 1e-9 (fp64), partial blocks included`, async () => {
      for (const [n, d] of [
        [37, 3],
        [1007, 10],
        [300, 20],
      ]) {
        const { X, y } = dataset(n, d, n);
        const h = {
          lengthscales: Array.from({ length: d }, (_, k) => 0.3 + 0.1 * k),
          outputscale: 1.4,
          noise: 0.03,
          mean: 0.2,
        };
        for (const kernel of KERNELS) {
          const cpu = await GaussianProcess.create({ X, y, n, d, kernel, device: "cpu" });
          const gpu = await create({ X, y, n, d, kernel, device: "cuda" });
          assert.match(gpu.backend(), /^cuda fp64/);
          const a = await gpu.logMarginalLikelihood(h);
          const b = await cpu.logMarginalLikelihood(h);
          agree([a.value], [b.value], 1e-9, `${kernel} n=${n} value`);
          agree(a.gradient.logLengthscales, b.gradient.logLengthscales, 1e-9, `${kernel} n=${n} dlog l`);
          agree(
            [a.gradient.logOutputscale, a.gradient.logNoise, a.gradient.mean],
            [b.gradient.logOutputscale, b.gradient.logNoise, b.gradient.mean],
            1e-9,
            `${kernel} n=${n} d(scale, noise, mean)`,
          );
          cpu.dispose();
          gpu.dispose();
        }
      }
    });

    test(`[${linalg}] posterior and acquisition (with gradients) match the CPU to 1e-9`, async () => {
      const n = 523;
      const d = 6;
      const { X, y } = dataset(n, d, 7);
      const Xc = Float64Array.from({ length: 777 * d }, seeded(77));
      const h = { lengthscales: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9], outputscale: 1.1, noise: 0.01, mean: 0 };
      const cpu = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
      const gpu = await create({ X, y, n, d, device: "cuda" });
      await cpu.setHyperparameters(h);
      await gpu.setHyperparameters(h);
      const pc = await cpu.predict(Xc);
      const pg = await gpu.predict(Xc);
      agree(pg.mean, pc.mean, 1e-9, "mean");
      agree(pg.variance, pc.variance, 1e-9, "variance");
      for (const kind of ["logei", "ei", "pi", "ucb"] as const) {
        const best = Math.max(...y);
        const ac = await cpu.acquisition(Xc, { kind, best, beta: 2, gradient: true });
        const ag = await gpu.acquisition(Xc, { kind, best, beta: 2, gradient: true });
        agree(ag.value, ac.value, 1e-9, `${kind} value`);
        agree(ag.gradient as Float64Array, ac.gradient as Float64Array, 1e-8, `${kind} gradient`);
      }
      cpu.dispose();
      gpu.dispose();
    });

    test(`[${linalg}] fit reaches the CPU's optimum; fp32 agrees loosely`, async () => {
      const n = 200;
      const d = 5;
      const { X, y } = dataset(n, d, 9);
      const cpu = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
      const gpu = await create({ X, y, n, d, device: "cuda" });
      const fc = await cpu.fit({ restarts: 3, seed: 5 });
      const fg = await gpu.fit({ restarts: 3, seed: 5 });
      // L-BFGS may stop one step apart on the two paths (gtol 1e-2): equal to well within 1e-5.
      agree([fg.objective], [fc.objective], 1e-5, "fitted MAP objective");
      // fp32 on a moderately conditioned K (noise 0.1, condition number ~1e3).
      const h = { lengthscales: [0.5, 0.5, 0.5, 0.5, 0.5], outputscale: 1, noise: 0.1, mean: 0 };
      const f32 = await create({ X, y, n, d, device: "cuda", precision: "fp32" });
      assert.match(f32.backend(), /^cuda fp32/);
      await f32.setHyperparameters(h);
      await cpu.setHyperparameters(h);
      const Xc = Float64Array.from({ length: 100 * d }, seeded(99));
      agree((await f32.predict(Xc)).mean, (await cpu.predict(Xc)).mean, 5e-3, "fp32 mean");
      cpu.dispose();
      gpu.dispose();
      f32.dispose();
    });

    test(`[${linalg}] concurrent calls on lanes: a screened fit and a polish from six starts match the CPU`, async () => {
      // n >= 500 screens the 4 restarts (all run at once, then the best two at once), and the polish
      // runs its starting points at once: on CUDA each call on a lane of its own.
      const n = 600;
      const d = 6;
      const { X, y } = dataset(n, d, 21);
      const cpu = await GaussianProcess.create({ X, y, n, d, device: "cpu" });
      const gpu = await create({ X, y, n, d, device: "cuda" });
      const fc = await cpu.fit({ restarts: 4, seed: 3 });
      const fg = await gpu.fit({ restarts: 4, seed: 3 });
      agree([fg.objective], [fc.objective], 1e-5, "screened fit: MAP objective");
      const h = { lengthscales: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9], outputscale: 1.1, noise: 0.01, mean: 0 };
      await cpu.setHyperparameters(h);
      await gpu.setHyperparameters(h);
      // Starts near the six best observations, run to convergence (50 steps: the same values as 200
      // on the CPU), so the two paths end at the same optima rather than somewhere on a plateau.
      const jiggle = seeded(7);
      const top = Array.from(y.keys())
        .sort((i, j) => y[j] - y[i])
        .slice(0, 6);
      const starts = new Float64Array(6 * d);
      top.forEach((i, r) => {
        for (let k = 0; k < d; k++)
          starts[r * d + k] = Math.min(1, Math.max(0, X[i * d + k] + 0.02 * (jiggle() - 0.5)));
      });
      const options = { kind: "logei" as const, best: Math.max(...y), maxIterations: 50 };
      const pc = await cpu.maximizeAcquisition(starts, options);
      const pg = await gpu.maximizeAcquisition(starts, options);
      agree(pg.value, pc.value, 1e-6, "polished LogEI");
      cpu.dispose();
      gpu.dispose();
    });

    test(`[${linalg}] jitter escalation and dispose free device memory`, async () => {
      const X = new Float64Array([0.2, 0.2, 0.5, 0.5, 0.2, 0.2]);
      const y = new Float64Array([1, 2, 1]);
      const gpu = await create({ X, y, n: 3, d: 2, kernel: "rbf", device: "cuda" });
      const r = await gpu.logMarginalLikelihood({
        lengthscales: [0.5, 0.5],
        outputscale: 1,
        noise: 1e-300,
        mean: 0,
      });
      assert.ok(r.jitter > 0 && Number.isFinite(r.value), `jitter ${r.jitter}`);
      gpu.dispose();
      const { X: Xb, y: yb } = dataset(2000, 10, 3);
      const h = { lengthscales: new Array(10).fill(0.7), outputscale: 1, noise: 0.01, mean: 0 };
      // `held` counts this process's GP buffers only: the other test files run at the same time on
      // the same GPU and move cudaMemGetInfo's free memory (that made this test flaky).
      const held = () => (cuda._gpDeviceMemory() as { held: number }).held;
      const before = held();
      const round = async () => {
        const g = await create({ X: Xb, y: yb, n: 2000, d: 10, device: "cuda" });
        await g.setHyperparameters(h);
        await g.predict(Xb.subarray(0, 100 * 10));
        // The model holds at least its 2000 × 2000 fp64 factor while alive.
        assert.ok(held() - before >= 2000 * 2000 * 8, `held ${held() - before} bytes while alive`);
        g.dispose();
        await new Promise((resolve) => setImmediate(resolve));
      };
      for (let i = 0; i < 30; i++) {
        await round();
        // Never above the level before the rounds (earlier tests' models may be freed meanwhile).
        assert.ok(held() <= before, `round ${i}: ${held() - before} more device bytes held after dispose()`);
      }
    });
  }
}

test.run();
