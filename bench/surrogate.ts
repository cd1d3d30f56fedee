/**
 * GP surrogate speed from Node.js, through the public wrapper (src/native/gp.ts), on the CPU addon
 * and (when usable) the CUDA addon side by side; with numpy/scipy (LAPACK) on the same data when
 * python3 has them, as the peer the speed targets are measured against.
 *
 * Per size n (d dimensions, Matérn-5/2): log-likelihood + gradient (median of repeats), a full MAP fit
 * (4 restarts), posterior mean + variance for `--candidates` points, CUDA/CPU agreement, and last a
 * `bayes` ask (refit + acquisition optimization) with 200 observations in 10 dimensions.
 *
 *   node dist/bench/surrogate.js [--device cpu,cuda] [--n 100,500,1000,2000] [--d 10] [--dtype f64|f32]
 *        [--candidates 10000] [--repeat 5] [--fit-max-n 1000] [--no-scipy] [--json]
 *   (or: hpo bench surrogate …)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";
import { GaussianProcess } from "../src/native/gp.js";
import { cudaStatus } from "../src/native/load.js";
import type { ParamSpec } from "../src/plan/types.js";
import { createBayes } from "../src/strategies/bayes.js";
import type { TrialView } from "../src/strategies/types.js";
import { packageRoot } from "../src/util/package.js";

const values = benchArgs({
  device: { type: "string", help: "devices to time, comma-separated (default: cpu, and cuda when usable)" },
  n: { type: "string", default: "100,500,1000,2000", help: "numbers of observations" },
  d: { type: "string", default: "10", help: "dimensions" },
  dtype: { type: "string", default: "f64", help: "f64 or f32" },
  candidates: { type: "string", default: "10000", help: "posterior points" },
  repeat: { type: "string", default: "5", help: "repeats per timing (the median is reported)" },
  "fit-max-n": { type: "string", default: "1000", help: "largest n that gets a full fit" },
  "no-scipy": { type: "boolean", default: false, help: "skip the numpy/scipy comparison" },
  json: { type: "boolean", default: false, help: "print JSON" },
});

function fail(message: string): never {
  console.error(`surrogate bench: ${message}`);
  process.exit(2);
}

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) fail(`--${name} must be a positive integer, got ${text}`);
  return v;
}

const sizes = (values.n as string).split(",").map((s) => positive("n", s.trim()));
const dim = positive("d", values.d as string);
const candidates = positive("candidates", values.candidates as string);
const repeat = positive("repeat", values.repeat as string);
const fitMaxN = positive("fit-max-n", values["fit-max-n"] as string);
if (values.dtype !== "f64" && values.dtype !== "f32") fail(`--dtype must be f64 or f32, got ${values.dtype}`);
const precision = values.dtype === "f32" ? "fp32" : "fp64";
const cuda = cudaStatus();
const devices = (values.device ?? (cuda.available ? "cpu,cuda" : "cpu")).split(",").map((d) => d.trim());
for (const d of devices) if (d !== "cpu" && d !== "cuda") fail(`unknown device \`${d}\` (cpu or cuda)`);

/** A seeded uniform stream (mulberry32) so every device and run sees the same data. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function problem(n: number, d: number) {
  const rand = uniform(n * 7919 + d);
  const X = Float64Array.from({ length: n * d }, rand);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin(6 * X[i * d]) + X[i * d + 1] ** 2 + 0.01 * (rand() - 0.5);
  return { X, y, Xc: Float64Array.from({ length: candidates * d }, uniform(n + 1)) };
}

const msSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

interface Row {
  device: string;
  backend: string;
  n: number;
  d: number;
  lmlMs: number;
  fitMs?: number;
  predictMs: number;
  candidates: number;
  lml: number;
  mean: Float64Array;
  variance: Float64Array;
  gradient: Float64Array;
}

const rows: Row[] = [];
const skipped: string[] = [];
const hyper = (d: number) => ({ lengthscales: new Array(d).fill(0.7), outputscale: 1, noise: 0.01, mean: 0 });

for (const n of sizes) {
  const { X, y, Xc } = problem(n, dim);
  for (const device of devices) {
    if (device === "cuda" && !cuda.available) {
      if (!skipped.length) skipped.push(`cuda: ${cuda.reason}`);
      continue;
    }
    const gp = await GaussianProcess.create({ X, y, n, d: dim, device: device as "cpu" | "cuda", precision });
    const h = hyper(dim);
    const first = await gp.logMarginalLikelihood(h); // warm-up
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) {
      // A new theta each time: the CPU engine keeps the factor of its last likelihood, and a repeat
      // at the same theta would time the gradient alone.
      const at = { ...h, noise: h.noise * (1 + 1e-6 * (r + 1)) };
      const start = process.hrtime.bigint();
      await gp.logMarginalLikelihood(at);
      times.push(msSince(start));
    }
    let fitMs: number | undefined;
    if (n <= fitMaxN || device === "cuda") {
      const start = process.hrtime.bigint();
      await gp.fit({ restarts: 4, seed: 1 });
      fitMs = msSince(start);
    }
    await gp.setHyperparameters(h);
    const start = process.hrtime.bigint();
    const post = await gp.predict(Xc);
    const predictMs = msSince(start);
    const g = first.gradient;
    rows.push({
      device,
      backend: gp.backend(),
      n,
      d: dim,
      lmlMs: median(times),
      fitMs,
      predictMs,
      candidates,
      lml: first.value,
      mean: post.mean,
      variance: post.variance,
      gradient: Float64Array.from([...g.logLengthscales, g.logOutputscale, g.logNoise, g.mean]),
    });
    gp.dispose();
  }
}

/** Largest relative difference, scaled by the largest magnitude of the reference. */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale, 1e-300));
  return worst;
}

const agreement = sizes.flatMap((n) => {
  const cpu = rows.find((r) => r.n === n && r.device === "cpu");
  const gpu = rows.find((r) => r.n === n && r.device === "cuda");
  if (!cpu || !gpu) return [];
  return [
    {
      n,
      lml: maxRelative([gpu.lml], [cpu.lml]),
      gradient: maxRelative(gpu.gradient, cpu.gradient),
      mean: maxRelative(gpu.mean, cpu.mean),
      variance: maxRelative(gpu.variance, cpu.variance),
    },
  ];
});

// numpy/scipy on the same sizes (LAPACK potrf + potri + trace gradient; cached-factor posterior).
const scipy: { n: number; lmlMs: number; predictMs: number }[] = [];
const script = join(packageRoot(), "bench", "surrogate_scipy.py");
if (!values["no-scipy"] && existsSync(script)) {
  for (const n of sizes) {
    const r = spawnSync("python3", [script, String(n), String(dim), String(candidates), String(repeat)], {
      encoding: "utf8",
    });
    if (r.status !== 0) {
      skipped.push(
        `numpy/scipy: ${(r.stderr || r.error?.message || "python3 failed").trim().split("\n").pop()}`,
      );
      break;
    }
    scipy.push({ n, ...JSON.parse(r.stdout) });
  }
}

// A bayes ask with 200 completed trials in 10 dimensions (refit + acquisition optimization): the
// first ask fits from scratch with every restart, the next ASK_FOLLOWUPS continue as in a study, each
// refitting warm-started from the last fit (their median, and their mean, which spreads the periodic
// full refits; CPU time covers every thread of this process).
const ASK_FOLLOWUPS = 20;
const asks: { device: string; firstMs: number; warmMs: number; meanMs: number; cpuMs: number }[] = [];
for (const device of devices) {
  if (device === "cuda" && !cuda.available) continue;
  const space: ParamSpec[] = Array.from({ length: 10 }, (_, i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low: -5,
    high: 10,
    log: false,
  }));
  const strategy = createBayes({
    space,
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" }],
    options: { device },
    seed: 1,
  });
  const rand = uniform(42);
  const trials: TrialView[] = [];
  const levy = (x: number[]) => {
    const w = x.map((v) => 1 + (v - 1) / 4);
    let s =
      Math.sin(Math.PI * w[0]) ** 2 +
      (w[w.length - 1] - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[w.length - 1]) ** 2);
    for (let i = 0; i < w.length - 1; i++)
      s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
    return s;
  };
  for (let t = 0; t < 200; t++) {
    const x = space.map(() => -5 + 15 * rand());
    trials.push({
      number: t,
      state: "complete",
      params: Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v])),
      values: [levy(x)],
      intermediate: [],
    });
  }
  const warm: number[] = [];
  const warmCpu: number[] = [];
  let firstMs = 0;
  for (let a = 0; a <= ASK_FOLLOWUPS; a++) {
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const [p] = await strategy.ask({ trials, nextNumber: trials.length }, 1);
    const ms = msSince(start);
    const cpu = process.cpuUsage(cpu0);
    if (a === 0) firstMs = ms;
    else {
      warm.push(ms);
      warmCpu.push((cpu.user + cpu.system) / 1000);
    }
    const x = space.map((s) => p.params[s.name] as number);
    trials.push({
      number: trials.length,
      state: "complete",
      params: p.params,
      values: [levy(x)],
      intermediate: [],
    });
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  asks.push({ device, firstMs, warmMs: median(warm), meanMs: mean(warm), cpuMs: median(warmCpu) });
}

if (values.json) {
  console.log(
    JSON.stringify(
      {
        d: dim,
        precision,
        candidates,
        rows: rows.map(({ mean, variance, gradient, ...r }) => r),
        agreement,
        scipy,
        asks,
        skipped,
      },
      null,
      2,
    ),
  );
} else {
  const fmt = (v: number | undefined) => (v === undefined ? "-" : v < 10 ? v.toFixed(2) : v.toFixed(0));
  console.log(
    `GP surrogate, d = ${dim}, ${precision}, Matérn-5/2; times in ms (LML+grad: median of ${repeat})`,
  );
  console.log(
    ["device", "n", "LML+grad", "fit (4 restarts)", `posterior ${candidates}`, "backend"]
      .map((h, i) => (i < 2 ? h.padEnd(7) : h.padStart(16)))
      .join(" "),
  );
  for (const r of rows)
    console.log(
      [
        r.device.padEnd(7),
        String(r.n).padEnd(7),
        ...[r.lmlMs, r.fitMs, r.predictMs].map((v) => fmt(v).padStart(16)),
      ].join(" ") + `  ${r.backend}`,
    );
  for (const s of scipy)
    console.log(
      [
        "scipy".padEnd(7),
        String(s.n).padEnd(7),
        fmt(s.lmlMs).padStart(16),
        "-".padStart(16),
        fmt(s.predictMs).padStart(16),
      ].join(" ") + "  numpy/scipy LAPACK",
    );
  for (const a of agreement)
    console.log(
      `cuda vs cpu, n = ${a.n}: LML ${a.lml.toExponential(1)}, gradient ${a.gradient.toExponential(1)}, ` +
        `mean ${a.mean.toExponential(1)}, variance ${a.variance.toExponential(1)} (max relative difference)`,
    );
  for (const a of asks)
    console.log(
      `bayes ask, 200 trials, 10-D, ${a.device}: first ${fmt(a.firstMs)} ms, then ${fmt(a.warmMs)} ms ` +
        `(median of ${ASK_FOLLOWUPS}; mean ${fmt(a.meanMs)} ms; CPU ${fmt(a.cpuMs)} ms median)`,
    );
  for (const s of skipped) console.log(`skipped ${s}`);
}
