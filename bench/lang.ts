/**
 * `hpo bench lang`: checks and compiles a generated 2,000-line spec and reports the median time
 * (goal: under 100 ms). Usage: node dist/bench/lang.js [--runs N] [--lines N] [--json]
 */
import { compileSource } from "../src/lang/index.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

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

const runs = Math.max(1, arg("--runs", 15));
const text = generateSpec(arg("--lines", 2000));
const times: number[] = [];
// CPU time too: on a shared machine, wall time also counts the other processes.
const cpuTimes: number[] = [];
let errors = 0;
for (let r = 0; r < runs + 2; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = compileSource(text, "/tmp/bench.hpo");
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  if (r >= 2) {
    times.push(ms);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  errors = result.diagnostics.filter((d) => d.severity === "error").length;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Number(x.toFixed(2));
const report = {
  lines: text.split("\n").length,
  runs,
  median_ms: round(median(times)),
  min_ms: round(Math.min(...times)),
  median_cpu_ms: round(median(cpuTimes)),
  errors,
  goal_ms: 100,
};
if (process.argv.includes("--json")) console.log(JSON.stringify(report));
else
  console.log(
    `lang: check + compile of a ${report.lines}-line spec: median ${report.median_ms} ms (CPU ${report.median_cpu_ms} ms), min ${report.min_ms} ms over ${runs} runs (goal < 100 ms; ${errors} errors)`,
  );
