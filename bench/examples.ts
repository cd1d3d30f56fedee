/**
 * `hpo bench examples`: the d2l.ai example (examples/fashion-softmax.hpo) as `hpo run` runs it, with a
 * data `limit` injected into its `data` line: trials per hour with `parallel = 1` and `parallel = 2`
 * (the speed-up of two workers), the memory the workers add (peak RSS of the process, whose worker
 * threads share it, above its level before the study, per worker), the same with the data read by
 * each worker instead of shared (`--unshared`), and the best validation error random search reaches
 * with 5 and 20 trials. Fashion-MNIST is read from HPO_DATA_DIR (run `hpo data fetch fashion_mnist` once). CPU
 * seconds per trial are printed beside wall-clock figures, in all and per thread role (trial threads,
 * native kernel pools, V8/libuv helper threads, the study thread; bench/thread-cpu.ts): on a machine
 * shared with other work they say what the study itself spent, and the speed-up an idle machine
 * would give is estimated from them beside the measured one.
 *
 *   node dist/bench/examples.js [--limit 2000] [--speed-trials 6] [--repeat 1] [--quality 5,20|none]
 *                               [--unshared] [--json]
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { compileSource, formatDiagnostics } from "../src/lang/index.js";
import type { Plan } from "../src/plan/types.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { defaultStudyDeps } from "../src/cli/compose.js";
import { runStudy, type StudyDeps } from "../src/study/loop.js";
import { benchArgs } from "./args.js";
import { perUnit, ThreadCpuMeter } from "./thread-cpu.js";

const values = benchArgs({
  limit: { type: "string", default: "2000", help: "examples the data is limited to" },
  "speed-trials": { type: "string", default: "6", help: "trials per speed run" },
  repeat: { type: "string", default: "1", help: "speed runs per setting (the best is kept)" },
  quality: { type: "string", default: "5,20", help: "trial counts of the quality runs, or none" },
  unshared: { type: "boolean", default: false, help: "also run with every worker reading the data itself" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const option = (name: "limit" | "speed-trials" | "repeat" | "quality", _fallback?: string): string =>
  values[name];

const limit = Number(option("limit", "2000"));
const speedTrials = Number(option("speed-trials", "6"));
const repeat = Number(option("repeat", "1"));
const qualityArg = option("quality", "5,20");
const quality = qualityArg === "none" ? [] : qualityArg.split(",").map(Number);
const unshared = values.unshared;
const json = values.json;

/** The study's deps without the data sharing: every worker reads the data itself. */
const unsharedDeps: StudyDeps = {
  ...defaultStudyDeps,
  objectiveSource: (plan) => {
    const source = defaultStudyDeps.objectiveSource(plan);
    return source.kind === "factory" ? { ...source, share: undefined } : source;
  },
};

const file = fileURLToPath(new URL("../../examples/fashion-softmax.hpo", import.meta.url));
const text = readFileSync(file, "utf8").replace(/^data (\w+)\(/m, `data $1(limit = ${limit}, `);
const { plan, diagnostics } = compileSource(text, file);
if (!plan) throw new Error(formatDiagnostics(diagnostics, text));
const memPlan: Plan = { ...plan, storage: "memory:" };

async function study(trials: number, parallel: number, shared = true) {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const threads = new ThreadCpuMeter();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    threads.sample();
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runStudy({
    plan: memPlan,
    storage: new MemoryStorage(),
    deps: shared ? defaultStudyDeps : unsharedDeps,
    trials,
    parallel,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const byThread = threads.result();
  const done = r.trials.filter((t) => t.state === "complete");
  const failed = r.trials.filter((t) => t.state === "failed");
  if (failed.length > 0) console.error(`${failed.length} trials failed, e.g.: ${failed[0]?.error}`);
  const best = Math.min(...done.map((t) => t.values![0]!));
  return {
    trials,
    parallel,
    shared,
    complete: done.length,
    seconds,
    trialsPerHour: (3600 * done.length) / seconds,
    cpuSecondsPerTrial: (cpu.user + cpu.system) / 1e6 / Math.max(1, done.length),
    /** The same per thread role (bench/thread-cpu.ts), per completed trial. */
    cpuPerTrial: perUnit(byThread, done.length),
    mbPerWorker: (peak - rssBefore) / 2 ** 20 / parallel,
    peakMb: peak / 2 ** 20,
    best,
  };
}

const load = loadavg()[0];
type Row = { kind: string } & Awaited<ReturnType<typeof study>>;
const rows: Row[] = [];
for (let i = 0; i < repeat; i++)
  for (const parallel of [1, 2]) rows.push({ kind: "speed", ...(await study(speedTrials, parallel)) });
if (unshared) rows.push({ kind: "unshared", ...(await study(speedTrials, 2, false)) });
for (const trials of quality) rows.push({ kind: "quality", ...(await study(trials, 1)) });
const loadAfter = loadavg()[0];
const speedRows = (p: number) => rows.filter((r) => r.kind === "speed" && r.parallel === p);
const rate = (p: number) =>
  speedRows(p).reduce((s, r) => s + r.complete, 0) / speedRows(p).reduce((s, r) => s + r.seconds, 0);
const speedup = rate(2) / rate(1);
/** Mean CPU seconds per trial of the speed rows with `parallel` = p, per thread role and in all. */
const cpuOf = (p: number, pick: (r: Row) => number) =>
  speedRows(p).reduce((s, r) => s + pick(r) * r.complete, 0) /
  Math.max(
    1,
    speedRows(p).reduce((s, r) => s + r.complete, 0),
  );
/**
 * What the speed-up would be on an idle machine with `cores` cores, from CPU time alone (robust to
 * other load): one worker's trial takes as long as its own thread runs (the garbage collector's and
 * the kernel pool's threads run beside it on the other cores), two workers keep every core busy, so
 * a trial costs all its CPU seconds spread over min(2, cores) cores.
 */
const cores = availableParallelism();
const estimate =
  (Math.min(2, cores) * cpuOf(1, (r) => r.cpuPerTrial.workers)) / cpuOf(2, (r) => r.cpuSecondsPerTrial);

if (json) console.log(JSON.stringify({ limit, load, loadAfter, cores, rows, speedup, estimate }, null, 2));
else {
  console.log(
    `d2l example (fashion-softmax.hpo), limit = ${limit} images (10% validation), 8 epochs, batch 16; ` +
      `${cores} cores, load average ${load.toFixed(2)} before and ${loadAfter.toFixed(2)} after, on ${process.arch}`,
  );
  for (const r of rows) {
    const c = r.cpuPerTrial;
    console.log(
      `${r.kind.padEnd(8)} trials ${String(r.trials).padStart(3)}  parallel ${r.parallel}  ` +
        `${r.seconds.toFixed(1).padStart(7)} s  ${r.trialsPerHour.toFixed(0).padStart(6)} trials/h  ` +
        `${r.cpuSecondsPerTrial.toFixed(2)} CPU s/trial (trial threads ${c.workers.toFixed(2)}, ` +
        `kernel pools ${c.kernels.toFixed(2)}, V8/libuv helpers ${c.helpers.toFixed(2)}, study thread ${c.main.toFixed(2)})  ` +
        `${r.mbPerWorker.toFixed(0).padStart(4)} MB/worker (peak RSS ${r.peakMb.toFixed(0)} MB)  ` +
        `best val_error ${r.best.toFixed(4)}`,
    );
  }
  console.log(
    `speed-up of parallel = 2 over 1 (trials/hour, wall clock, target ≥ 1.6×): ${speedup.toFixed(2)}×` +
      (load > 0.5 || loadAfter > 2.5 ? "  (the machine was busy: see the estimate)" : ""),
  );
  console.log(
    `estimate for an idle machine from CPU time (2 × a trial thread's CPU s at parallel = 1 / all CPU s per trial at parallel = 2): ${estimate.toFixed(2)}×`,
  );
}
