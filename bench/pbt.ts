/**
 * `hpo bench pbt`: population-based training against random search at the same number of epochs, on
 * examples/houses-pbt.hpo as shipped (8 members × 10 rounds of 3 epochs = 240 epochs) and on the same
 * spec with `strategy random()`, `epochs = 30` and 8 trials (240 epochs too), for several seeds.
 * Reported per strategy and seed: the best validation RMSE of a trial (pbt: of any member's round,
 * each a checkpoint one could keep; random: a trial's final epoch, and its best epoch as early
 * stopping would keep it), and the wall and CPU seconds. Both run in memory, one worker.
 *
 *   node dist/bench/pbt.js [--seeds 1,2,3] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultStudyDeps } from "../src/cli/compose.js";
import { compileSource, formatDiagnostics } from "../src/lang/index.js";
import type { Plan } from "../src/plan/types.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { runStudy } from "../src/study/loop.js";
import { benchArgs } from "./args.js";

const values = benchArgs({
  seeds: { type: "string", default: "1,2,3", help: "study seeds, one run of each strategy per seed" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const seeds = values.seeds.split(",").map(Number);

const file = fileURLToPath(new URL("../../examples/houses-pbt.hpo", import.meta.url));
const source = readFileSync(file, "utf8");
// Checkpoints go beside the spec: a scratch folder, not examples/.
const scratch = mkdtempSync(join(tmpdir(), "hpo-bench-pbt-"));

/** The example with another seed, and for random search its strategy, epochs and budget. */
function planFor(strategy: "pbt" | "random", seed: number): Plan {
  let text = source.replace(/^seed \d+/m, `seed ${seed}`);
  if (strategy === "random")
    text = text
      .replace(/^strategy pbt\(.*$/m, "strategy random()")
      .replace(/^(\s*)batch_size = batch$/m, "$1batch_size = batch\n$1epochs = 30")
      .replace(/^(\s*)trials = 80.*$/m, "$1trials = 8");
  const { plan, diagnostics } = compileSource(text, file);
  if (!plan) throw new Error(formatDiagnostics(diagnostics, text));
  return {
    ...plan,
    storage: "memory:",
    study: `${plan.study}_${strategy}_${seed}`,
    source: { ...plan.source, file: join(scratch, "houses-pbt.hpo") },
  };
}

async function run(strategy: "pbt" | "random", seed: number) {
  const plan = planFor(strategy, seed);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runStudy({ plan, storage: new MemoryStorage(), deps: defaultStudyDeps });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const done = r.trials.filter((t) => t.state === "complete");
  return {
    strategy,
    seed,
    trials: r.trials.length,
    complete: done.length,
    best: Math.min(...done.map((t) => t.values![0]!)),
    bestEpoch: Math.min(...done.flatMap((t) => [t.values![0]!, ...t.intermediate.map((i) => i.value)])),
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const rows: Awaited<ReturnType<typeof run>>[] = [];
for (const seed of seeds) for (const s of ["pbt", "random"] as const) rows.push(await run(s, seed));
const load = loadavg()[0];
rmSync(scratch, { recursive: true, force: true });

if (values.json) console.log(JSON.stringify({ load, rows }, null, 2));
else {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : String(x));
  console.log(
    "houses-pbt.hpo (300 rows, 20% validation): pbt 8 members × 10 rounds × 3 epochs against random search 8 × 30 epochs (240 epochs each)",
  );
  console.log(`load average ${load?.toFixed(2)}\n`);
  console.log("| strategy | seed | trials | best val_rmse | best epoch | wall s | CPU s |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.strategy} | ${r.seed} | ${r.complete}/${r.trials} | ${fmt(r.best)} | ${fmt(r.bestEpoch)} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} |`,
    );
  for (const s of ["pbt", "random"] as const) {
    const bests = rows.filter((r) => r.strategy === s).map((r) => r.best);
    const mean = bests.reduce((a, b) => a + b, 0) / bests.length;
    console.log(`\n${s}: mean best val_rmse ${fmt(mean)} over ${bests.length} seeds`);
  }
}
