/**
 * Philox4x32-10 throughput from Node.js: values per second and GB/s for each distribution, on the CPU
 * addon and (when usable) the CUDA addon, through the public wrapper (src/native/rng.ts), so the
 * figures include the copy back into a JS typed array and, for CUDA, the device allocation and transfer.
 *
 *   node dist/bench/rng.js [--device cpu,cuda] [--count 10000000] [--repeat 3] [--json]
 *   (or: hpo bench rng …)
 */
import { benchArgs } from "./args.js";
import { cudaStatus } from "../src/native/load.js";
import { philox, philoxSync, type PhiloxDistribution } from "../src/native/rng.js";

const values = benchArgs({
  device: { type: "string", help: "devices, comma-separated (default: cpu, and cuda when usable)" },
  count: { type: "string", default: "10000000", help: "values per draw" },
  repeat: { type: "string", default: "3", help: "repeats (the best is reported)" },
  json: { type: "boolean", default: false, help: "print JSON" },
});

const count = Number(values.count);
const repeat = Number(values.repeat);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(repeat) || repeat < 1) {
  console.error("rng bench: --count and --repeat must be positive integers");
  process.exit(2);
}
const cuda = cudaStatus();
const devices = (values.device ?? (cuda.available ? "cpu,cuda" : "cpu")).split(",").map((d) => d.trim());
for (const d of devices) {
  if (d !== "cpu" && d !== "cuda") {
    console.error(`rng bench: unknown device \`${d}\` (cpu or cuda)`);
    process.exit(2);
  }
}

const DISTRIBUTIONS: PhiloxDistribution[] = ["bits32", "uniform32", "uniform64", "normal32", "normal64"];
const BYTES: Record<PhiloxDistribution, number> = {
  bits32: 4,
  uniform32: 4,
  uniform64: 8,
  normal32: 4,
  normal64: 8,
};

interface Row {
  device: string;
  distribution: PhiloxDistribution;
  count: number;
  bestMs: number;
  valuesPerSecond: number;
  gbPerSecond: number;
}

const rows: Row[] = [];
const skipped: string[] = [];
for (const device of devices) {
  if (device === "cuda" && !cuda.available) {
    skipped.push(`cuda: ${cuda.reason}`);
    continue;
  }
  for (const dist of DISTRIBUTIONS) {
    await philox(dist, Math.min(count, 100_000), { seed: 1, device: device as "cpu" | "cuda" }); // warm-up
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeat; r++) {
      const start = process.hrtime.bigint();
      await philox(dist, count, { seed: 1, stream: r, device: device as "cpu" | "cuda" });
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    rows.push({
      device,
      distribution: dist,
      count,
      bestMs: best,
      valuesPerSecond: count / (best / 1000),
      gbPerSecond: (count * BYTES[dist]) / (best / 1000) / 1e9,
    });
  }
}

// Latency of a small synchronous draw (what a strategy asking for one configuration pays).
const smallStart = process.hrtime.bigint();
const SMALL_REPS = 10_000;
for (let i = 0; i < SMALL_REPS; i++) philoxSync("uniform64", 16, { seed: 1, offset: i * 16 });
const smallUs = Number(process.hrtime.bigint() - smallStart) / 1e3 / SMALL_REPS;

if (values.json) {
  console.log(JSON.stringify({ rows, syncDraw16Us: smallUs, skipped }, null, 2));
} else {
  console.log(
    `Philox4x32-10 throughput, ${count.toLocaleString("en-US")} values per draw, best of ${repeat}`,
  );
  console.log(
    `${"device".padEnd(7)}${"distribution".padEnd(13)}${"ms".padStart(10)}${"Mvalues/s".padStart(12)}${"GB/s".padStart(8)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.device.padEnd(7)}${r.distribution.padEnd(13)}${r.bestMs.toFixed(1).padStart(10)}${(r.valuesPerSecond / 1e6).toFixed(1).padStart(12)}${r.gbPerSecond.toFixed(2).padStart(8)}`,
    );
  }
  console.log(`sync draw of 16 uniform64 on the CPU: ${smallUs.toFixed(2)} µs per call`);
  for (const s of skipped) console.log(`skipped ${s}`);
}
