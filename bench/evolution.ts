/**
 * `hpo bench evolution [--device cpu,cuda] [--sizes 1000,10000,100000,1000000] [--cpu-max 100000]
 *  [--genes 20] [--rank 10000,100000] [--objectives 2,3] [--reps 5] [--torch] [--json]`
 *
 * Milliseconds per generation (tournament selection + SBX crossover + polynomial mutation, elitism 2)
 * for populations of `sizes` individuals × `genes` genes (the CPU skips sizes above --cpu-max),
 * through `evolve()` from JS (fitness copy-in and, for large populations, the thread pool included;
 * the kernels alone are timed by the dev harness, native/dev/evolve_dev.cu); and per NSGA-II ranking
 * (non-dominated sort + crowding) of `rank` individuals; each device side by side. Medians of `reps`
 * runs after one warm-up. Two objectives are ranked by an O(n log n) sort on the host (both devices);
 * for 3-4 the CPU runs ENS-SS (O(m n²) at worst; sizes above 100,000 are skipped there) and CUDA
 * counts every individual's dominators on the device, then releases them front by front (O(m n²) in all).
 * --torch also runs bench/evolution_torch.py (the same generation in PyTorch tensor ops, on the GPU)
 * and prints its times beside hpo's.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Population } from "../src/native/evolution.js";
import { cudaStatus } from "../src/native/load.js";
import { packageRoot } from "../src/util/package.js";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";

type Dev = "cpu" | "cuda";

const values = benchArgs({
  device: { type: "string", default: "cpu,cuda", help: "devices, comma-separated" },
  sizes: { type: "string", default: "1000,10000,100000,1000000", help: "population sizes" },
  "cpu-max": { type: "string", default: "100000", help: "largest population the CPU runs" },
  genes: { type: "string", default: "20", help: "genes per individual" },
  rank: { type: "string", default: "10000,100000", help: "sizes ranked by NSGA-II" },
  objectives: { type: "string", default: "2,3", help: "objective counts ranked" },
  reps: { type: "string", default: "5", help: "runs per timing (the median is reported)" },
  torch: { type: "boolean", default: false, help: "also time bench/evolution_torch.py (PyTorch)" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const option = (name: Exclude<keyof typeof values, "torch" | "json">, _fallback?: string): string =>
  values[name];
const list = (s: string) => s.split(",").filter(Boolean);
const numbers = (s: string) => list(s).map(Number);

const devices = list(option("device", "cpu,cuda")) as Dev[];
const sizes = numbers(option("sizes", "1000,10000,100000,1000000"));
const cpuMax = Number(option("cpu-max", "100000"));
const genes = Number(option("genes", "20"));
const rankSizes = numbers(option("rank", "10000,100000"));
const objectiveCounts = numbers(option("objectives", "2,3"));
const reps = Number(option("reps", "5"));
const json = values.json;
const torch = values.torch;
const CPU_RANK_MAX = 100_000;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Median ms per generation through `evolve` (end to end). */
async function timeGeneration(device: Dev, n: number): Promise<number> {
  const rand = lcg(n);
  const pop = new Population({
    genes: Float64Array.from({ length: n * genes }, rand),
    size: n,
    types: Array.from({ length: genes }, () => ({ type: "continuous" as const })),
    seed: 1,
    device,
  });
  const fitness = Float64Array.from({ length: n }, rand);
  const times: number[] = [];
  try {
    for (let r = 0; r <= reps; r++) {
      const t0 = performance.now();
      await pop.evolve(fitness, { elitism: 2 });
      if (r > 0) times.push(performance.now() - t0);
    }
  } finally {
    pop.dispose();
  }
  return median(times);
}

function timeRank(device: Dev, n: number, m: number): number {
  const rand = lcg(n + m);
  // A convex trade-off front plus noise: many fronts, as in a real NSGA-II population.
  const objectives = Array.from({ length: n }, () => {
    const t = rand();
    return Array.from({ length: m }, (_, j) => (j === 0 ? t : (1 - t ** (1 / j)) * 0.5 + rand() * 0.5));
  });
  const pop = new Population({ genes: [0.5], size: 1, types: [{ type: "continuous" }], seed: 1, device });
  const times: number[] = [];
  try {
    for (let r = 0; r <= Math.min(reps, 3); r++) {
      const t0 = performance.now();
      pop.rank(objectives);
      if (r > 0) times.push(performance.now() - t0);
    }
  } finally {
    pop.dispose();
  }
  return median(times);
}

const rows: { measure: string; size: string; device: Dev; ms: number | null; note?: string }[] = [];
const usable = devices.filter((d) => {
  if (d !== "cuda") return true;
  const status = cudaStatus();
  if (!status.available) console.error(`evolution bench: CUDA skipped: ${status.reason}`);
  return status.available;
});

for (const n of sizes)
  for (const device of usable) {
    const size = `${n} × ${genes}`;
    if (device === "cpu" && n > cpuMax) {
      const note = `above --cpu-max ${cpuMax}`;
      rows.push({ measure: "generation (evolve)", size, device, ms: null, note });
      continue;
    }
    rows.push({ measure: "generation (evolve)", size, device, ms: await timeGeneration(device, n) });
  }
for (const n of rankSizes)
  for (const m of objectiveCounts)
    for (const device of usable) {
      const skip = device === "cpu" && m > 2 && n > CPU_RANK_MAX;
      rows.push({
        measure: `NSGA-II rank (${m} obj)`,
        size: `${n}`,
        device,
        ms: skip ? null : timeRank(device, n, m),
        ...(skip ? { note: `CPU sort is O(m n²); skipped above ${CPU_RANK_MAX}` } : {}),
      });
    }

/** The PyTorch peer's medians by population size, or the reason it did not run. */
function runTorch(): {
  rows?: { size: number; ms: number }[];
  torch?: string;
  device?: string;
  error?: string;
} {
  const script = join(packageRoot(), "bench", "evolution_torch.py");
  const result = spawnSync("python3", [script, "--sizes", sizes.join(","), "--genes", String(genes)], {
    encoding: "utf8",
  });
  if (result.status !== 0) return { error: (result.stderr || String(result.error)).trim().split("\n").pop() };
  try {
    return JSON.parse(result.stdout.trim().split("\n").pop() as string);
  } catch {
    return { error: `unreadable output: ${result.stdout.slice(0, 200)}` };
  }
}
const peer = torch ? runTorch() : undefined;

if (json) {
  console.log(JSON.stringify({ genes, reps, rows, ...(peer ? { pytorch: peer } : {}) }, null, 2));
} else {
  console.log(`population evolution: median of ${reps} runs (ms)`);
  const head = ["measure", "size", ...usable.map((d) => `${d} ms`)];
  const keys = [...new Set(rows.map((r) => `${r.measure}|${r.size}`))];
  const table = keys.map((k) => {
    const [measure, size] = k.split("|") as [string, string];
    return [
      measure,
      size,
      ...usable.map((d) => {
        const row = rows.find((r) => r.measure === measure && r.size === size && r.device === d);
        return row?.ms == null ? "skipped" : row.ms.toFixed(3);
      }),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  console.log(line(head));
  for (const r of table) console.log(line(r));
  if (usable.includes("cpu") && usable.includes("cuda"))
    for (const k of keys) {
      const [measure, size] = k.split("|");
      const c = rows.find((r) => r.measure === measure && r.size === size && r.device === "cpu")?.ms;
      const g = rows.find((r) => r.measure === measure && r.size === size && r.device === "cuda")?.ms;
      if (c && g) console.log(`  ${measure} ${size}: CUDA ${(c / g).toFixed(1)}× faster`);
    }
  if (peer?.error) console.log(`PyTorch peer: not run (${peer.error})`);
  else if (peer?.rows) {
    console.log(`PyTorch ${peer.torch} on ${peer.device}, one generation (CUDA events, median):`);
    for (const r of peer.rows) {
      const ours = rows.find(
        (x) =>
          x.measure === "generation (evolve)" && x.size === `${r.size} × ${genes}` && x.device === "cuda",
      );
      const note = ours?.ms
        ? ` · hpo cuda ${ours.ms.toFixed(3)} ms (evolve, end to end), ${(r.ms / ours.ms).toFixed(1)}×`
        : "";
      console.log(`  ${r.size} × ${genes}: PyTorch ${r.ms.toFixed(3)} ms${note}`);
    }
  }
}
