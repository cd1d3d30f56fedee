/**
 * `hpo bench lang`: checks and compiles a generated 2,000-line spec (goal: under 100 ms) and reports
 * the median and minimum of wall and CPU time, the time spent in garbage collection, and the machine's
 * load average, since on a shared machine wall time also counts the other processes.
 * With `--per-byte`, it instead measures time per byte on valid specs and on seeded garbage of growing
 * size up to the 1 MiB limit: a per-byte cost that stays flat as the size grows says the front end is
 * linear (broken files once parsed in quadratic time: 1 MB of garbage took 74 s).
 * Usage: node dist/bench/lang.js [--runs N] [--lines N] [--json] [--per-byte]
 */
import { availableParallelism, loadavg } from "node:os";
import { GCProfiler } from "node:v8";
import { MAX_SPEC_BYTES, compileSource } from "../src/lang/index.js";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";

const values = benchArgs({
  runs: { type: "string", help: "runs (median and minimum reported; default 15, or 3 with --per-byte)" },
  lines: { type: "string", default: "2000", help: "lines of the generated spec" },
  "per-byte": {
    type: "boolean",
    default: false,
    help: "time per byte of garbage and valid specs up to the size limit",
  },
  json: { type: "boolean", default: false, help: "print JSON" },
});

/** A trainer spec with many hyperparameters, constraints and a long layer list, about `lines` lines. */
export function generateSpec(lines: number): string {
  const out = [
    "# generated for the lang benchmark",
    "study bench",
    "seed 1",
    "",
    "data mnist(validation = 0.1)",
    "",
    "space {",
  ];
  const params = Math.floor(lines / 4);
  for (let i = 0; i < params; i++) {
    if (i % 3 === 0) out.push(`  p${i} = choice(16, 32, 64)`);
    else if (i % 3 === 1) out.push(`  p${i} = uniform(0.0, 0.5)`);
    else out.push(`  p${i} = int(1, 8) when p${i - 2} == 32`);
  }
  for (let i = 0; i + 3 < params; i += 9) out.push(`  constraint p${i} + p${i + 3} > 20`);
  out.push("}", "", "model {", "  flatten()");
  const layers = lines - out.length - 14;
  for (let i = 0; i < layers; i++) {
    const k = (i * 3) % params;
    out.push(
      k % 3 === 0
        ? `  dense(units = p${k} * 2, activation = "relu")`
        : `  dropout(rate = p${k - (k % 3) + 1})`,
    );
  }
  out.push(
    "}",
    "",
    "train {",
    "  optimizer = adam(lr = 0.001)",
    '  loss = "categorical_crossentropy"',
    "  epochs = 5",
    "}",
    "",
  );
  out.push("objective minimize val_loss", "strategy tpe()", "budget {", "  trials = 100", "}");
  return out.join("\n");
}

/** Printable ASCII with some newlines, from a fixed seed: the same garbage on every run. */
export function generateGarbage(bytes: number, seed = 1): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const out: string[] = [];
  for (let i = 0; i < bytes; i++)
    out.push(next() < 0.03 ? "\n" : String.fromCharCode(32 + Math.floor(next() * 95)));
  return out.join("");
}

/** Microseconds per byte of the fastest of `runs` compiles of `text`. */
function microsPerByte(text: string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    compileSource(text, "bench.hpo");
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / Buffer.byteLength(text);
}

if (values["per-byte"]) {
  const runs = Math.max(1, Number(values.runs ?? 3));
  const sizes = [MAX_SPEC_BYTES / 16, MAX_SPEC_BYTES / 4, MAX_SPEC_BYTES - 1];
  const valid = generateSpec(40_000);
  const rows = sizes.map((bytes) => {
    // A valid spec cut at a line end to the size (still valid up to its last complete declaration).
    const v = valid.slice(0, valid.lastIndexOf("\n", bytes));
    return {
      bytes,
      garbage_us_per_byte: Number(microsPerByte(generateGarbage(bytes), runs).toFixed(3)),
      valid_us_per_byte: Number(microsPerByte(v, runs).toFixed(3)),
    };
  });
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const report = {
    rows,
    // 1 means linear; the quadratic parser gave about 16 here.
    garbage_growth: Number((last.garbage_us_per_byte / first.garbage_us_per_byte).toFixed(2)),
    valid_growth: Number((last.valid_us_per_byte / first.valid_us_per_byte).toFixed(2)),
    load_1min: Number(loadavg()[0]!.toFixed(2)),
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    for (const r of rows)
      console.log(
        `lang per byte: ${r.bytes} bytes: garbage ${r.garbage_us_per_byte} µs/byte, valid ${r.valid_us_per_byte} µs/byte`,
      );
    console.log(
      `per-byte growth from ${first.bytes} to ${last.bytes} bytes: garbage ×${report.garbage_growth}, valid ×${report.valid_growth} (1 = linear; load ${report.load_1min})`,
    );
  }
  process.exit(0);
}

const runs = Math.max(1, Number(values.runs ?? 15));
const text = generateSpec(Number(values.lines));
const warmup = 2;
const wall: number[] = [];
const cpu: number[] = [];
const gc: number[] = [];
const loadBefore = loadavg()[0]!;
let errors = 0;
for (let r = 0; r < runs + warmup; r++) {
  // The collector's own account of its pauses during this run (cost in µs).
  const profiler = new GCProfiler();
  profiler.start();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = compileSource(text, "bench.hpo");
  const ms = performance.now() - t0;
  const used = process.cpuUsage(c0);
  const gcStats = profiler.stop()?.statistics ?? [];
  if (r >= warmup) {
    wall.push(ms);
    cpu.push((used.user + used.system) / 1000);
    gc.push(gcStats.reduce((sum, g) => sum + g.cost, 0) / 1000);
  }
  errors = result.diagnostics.filter((d) => d.severity === "error").length;
}
const loadAfter = loadavg()[0]!;
const round = (x: number) => Number(x.toFixed(2));
const report = {
  lines: text.split("\n").length,
  runs,
  median_ms: round(median(wall)),
  min_ms: round(Math.min(...wall)),
  median_cpu_ms: round(median(cpu)),
  min_cpu_ms: round(Math.min(...cpu)),
  median_gc_ms: round(median(gc)),
  load_1min: [round(loadBefore), round(loadAfter)],
  cores: availableParallelism(),
  errors,
  goal_ms: 100,
};
if (values.json) console.log(JSON.stringify(report));
else
  console.log(
    `lang: check + compile of a ${report.lines}-line spec over ${runs} runs: wall median ${report.median_ms} ms, min ${report.min_ms} ms; ` +
      `CPU median ${report.median_cpu_ms} ms, min ${report.min_cpu_ms} ms; GC median ${report.median_gc_ms} ms ` +
      `(load ${report.load_1min.join(" → ")} on ${report.cores} cores; goal < 100 ms; ${errors} errors)`,
  );
