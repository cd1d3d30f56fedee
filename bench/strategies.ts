/**
 * `hpo bench strategies`: the search quality of every single-objective strategy on the standard test
 * functions, beside Optuna's GPSampler, TPESampler and CmaEsSampler on the same problems in the same
 * run. Problems (bench/quality.ts): Branin (50 trials), Hartmann-6 (100), 10-D Rosenbrock, Ackley and
 * Levy (200 each), every domain shifted up by a sixth of its width; seeds 1…10; one trial per ask.
 * Each cell: median best value over the seeds (min … max); for Hartmann-6 also how many seeds ended
 * outside the global optimum's basin (stuck at the local optimum, cut by the box to −2.553).
 *
 * The strategies are the catalogue's: every single-objective strategy that is not multi-fidelity
 * (src/plan/catalog/options.ts), plus random and qmc; grid and nsga2 make no sense here.
 *
 * Optuna runs in a Python process started first, beside hpo's runs (bench/strategies_optuna.py): the
 * interpreter is $HPO_PYTHON (default python3), Optuna's and cmaes' source trees come from
 * $HPO_OPTUNA_PATH (docs/strategies.md says how to get them). Its per-seed results are appended to
 * --optuna-raw, and runs already there are not repeated: GPSampler needs ~0.2 s per ask at 200 trials.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { packageRoot } from "../src/util/package.js";
import { EPOCH_STRATEGIES, SINGLE_OBJECTIVE_STRATEGIES } from "../src/plan/catalog.js";
import { benchArgs } from "./args.js";
import { BUDGETS, type Problem, problem, runStrategy } from "./quality.js";
import { median } from "./stats.js";

const DEFAULT_STRATEGIES = [
  ...SINGLE_OBJECTIVE_STRATEGIES.filter((s) => !EPOCH_STRATEGIES.includes(s)),
  "qmc",
  "random",
];
/** Optuna's sampler beside the hpo strategy it is compared with. */
const OPTUNA_PEER: Record<string, string> = { bayes: "gp", tpe: "tpe", cmaes: "cmaes", evolution: "cmaes" };
const OPTUNA_LABEL: Record<string, string> = { gp: "Optuna GP", tpe: "Optuna TPE", cmaes: "Optuna CMA-ES" };
/**
 * Hartmann-6 in the shifted box [1/6, 7/6]^6: its global minimizer's x2 = 0.150 lies just outside,
 * so the best reachable value is −3.3192 (x2 on the bound); the local optimum −3.203 (x5 = 0.139,
 * x6 = 0.038) is cut to −2.5533. Local searches from 100 random starts end at one or the other. A
 * seed whose best is above H6_STUCK never reached the global basin: it is stuck.
 */
const H6_STUCK = -3.0;
const stuck = (bests: number[]) => bests.filter((b) => b > H6_STUCK).length;

const values = benchArgs({
  seeds: { type: "string", default: "10", help: "seeds 1…N per strategy and function" },
  strategies: {
    type: "string",
    default: DEFAULT_STRATEGIES.join(","),
    help: "hpo strategies, comma-separated",
  },
  functions: { type: "string", default: Object.keys(BUDGETS).join(","), help: "test functions" },
  trials: { type: "string", help: "trials per run for every function (default: each function's budget)" },
  optuna: { type: "string", default: "gp,tpe,cmaes", help: "Optuna samplers to run beside ('none': skip)" },
  "optuna-raw": {
    type: "string",
    help: "Optuna's per-seed results (JSON lines), read and appended: runs already there are reused",
  },
  "optuna-cached": {
    type: "boolean",
    default: false,
    help: "run no Optuna: its columns come from --optuna-raw alone (cells with fewer seeds say how many)",
  },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const seeds = Number(values.seeds);
const trialsOverride = values.trials === undefined ? undefined : Number(values.trials);
if (!Number.isInteger(seeds) || seeds < 1 || (trialsOverride !== undefined && !(trialsOverride >= 2))) {
  console.error("strategies bench: --seeds (>= 1) and --trials (>= 2) must be integers");
  process.exit(2);
}
const strategies = values.strategies.split(",").map((s) => s.trim());
let problems: (Problem & { trials: number })[];
try {
  problems = values.functions.split(",").map((name) => {
    const p = problem(name.trim());
    return { ...p, trials: trialsOverride ?? BUDGETS[p.function] ?? 100 };
  });
} catch (err) {
  console.error(`strategies bench: ${(err as Error).message}`);
  process.exit(2);
}
const optunaSamplers = values.optuna === "none" ? [] : values.optuna.split(",").map((s) => s.trim());

// --- Optuna, started first so that it runs beside hpo's strategies ---------------------------------

interface OptunaRow {
  sampler: string;
  function: string;
  trials: number;
  seed: number;
  domain: [number, number][];
  best: number;
  ask_ms: number;
  optuna: string;
}

const python = process.env.HPO_PYTHON ?? "python3";
const optunaEnv = {
  ...process.env,
  PYTHONPATH: [process.env.HPO_OPTUNA_PATH, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
};
/** Why Optuna's columns are missing, or undefined when it runs. */
let optunaMissing: string | undefined;
let optunaDone: Promise<void> = Promise.resolve();
const rawFile = values["optuna-raw"] ?? join(mkdtempSync(join(tmpdir(), "hpo-bench-")), "optuna.jsonl");
if (optunaSamplers.length === 0) optunaMissing = "not asked for (--optuna none)";
else if (values["optuna-cached"]) {
  if (!values["optuna-raw"] || !existsSync(rawFile))
    optunaMissing = "--optuna-cached needs an existing --optuna-raw file";
} else {
  const probe = spawnSync(python, ["-c", "import optuna, cmaes; print(optuna.__version__)"], {
    env: optunaEnv,
    encoding: "utf8",
  });
  if (probe.status !== 0)
    optunaMissing = `\`${python} -c "import optuna, cmaes"\` failed (${
      (probe.error?.message ?? probe.stderr.trim().split("\n").at(-1)) || "no output"
    }); set HPO_PYTHON and HPO_OPTUNA_PATH (docs/strategies.md)`;
  else {
    const problemsFile = join(dirname(rawFile), `problems-${process.pid}.json`);
    writeFileSync(
      problemsFile,
      JSON.stringify(problems.map((p) => ({ function: p.function, domain: p.domain, trials: p.trials }))),
    );
    const script = join(packageRoot(), "bench", "strategies_optuna.py");
    const child = spawn(
      python,
      [
        script,
        "--problems",
        problemsFile,
        "--out",
        rawFile,
        "--samplers",
        optunaSamplers.join(","),
        "--seeds",
        Array.from({ length: seeds }, (_, i) => i + 1).join(","),
      ],
      { env: optunaEnv, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    optunaDone = new Promise((resolve) =>
      child.on("close", (code) => {
        if (code !== 0)
          optunaMissing = `bench/strategies_optuna.py exited ${code}: ${stderr.trim().split("\n").at(-1)}`;
        resolve();
      }),
    );
  }
}

// --- hpo's strategies ------------------------------------------------------------------------------

interface Cell {
  bests: number[];
  askMs: number;
}
const hpo: Record<string, Record<string, Cell>> = {};
for (const p of problems) {
  hpo[p.function] = {};
  for (const s of strategies) {
    const runs = [];
    for (let seed = 1; seed <= seeds; seed++) runs.push(await runStrategy(s, p, seed, p.trials));
    hpo[p.function][s] = { bests: runs.map((r) => r.best), askMs: median(runs.flatMap((r) => r.askMs)) };
    if (!values.json) {
      const b = hpo[p.function][s].bests;
      process.stderr.write(
        `${p.function} ${s}: median ${median(b)} (${Math.min(...b)} … ${Math.max(...b)}), ${stuck(b)} above ${H6_STUCK}\n`,
      );
    }
  }
}
await optunaDone;

const optuna: Record<string, Record<string, Cell>> = {};
let optunaVersion = "";
if (!optunaMissing && existsSync(rawFile)) {
  const rows = readFileSync(rawFile, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OptunaRow);
  for (const p of problems) {
    optuna[p.function] = {};
    for (const s of optunaSamplers) {
      const mine = rows.filter(
        (r) =>
          r.sampler === s &&
          r.function === p.function &&
          r.trials === p.trials &&
          r.seed <= seeds &&
          JSON.stringify(r.domain) === JSON.stringify(p.domain),
      );
      // One run per seed (a file appended by several processes may hold a seed twice).
      const bySeed = new Map(mine.map((r) => [r.seed, r] as const));
      mine.splice(0, mine.length, ...bySeed.values());
      if (mine.length === 0) continue;
      optunaVersion = mine[0].optuna;
      optuna[p.function][s] = { bests: mine.map((r) => r.best), askMs: median(mine.map((r) => r.ask_ms)) };
    }
  }
}

// --- the table -------------------------------------------------------------------------------------

/** Columns: each hpo strategy, then the Optuna sampler it is compared with (once). */
const columns: { label: string; cell: (f: string) => Cell | undefined }[] = [];
const placed = new Set<string>();
const addOptuna = (s: string) => {
  if (placed.has(s) || !optunaSamplers.includes(s) || optunaMissing) return;
  placed.add(s);
  columns.push({ label: OPTUNA_LABEL[s] ?? `Optuna ${s}`, cell: (f) => optuna[f]?.[s] });
};
for (const s of strategies) {
  columns.push({ label: `hpo ${s}`, cell: (f) => hpo[f][s] });
  // CMA-ES goes beside cmaes when hpo has one, else beside evolution.
  const peer = OPTUNA_PEER[s];
  if (peer && !(s === "evolution" && strategies.includes("cmaes"))) addOptuna(peer);
}
for (const s of optunaSamplers) addOptuna(s);

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : String(Number(v.toPrecision(4)));

/** A markdown table: one row per problem, one column per strategy or sampler ("—" where none ran). */
function printTable(show: (p: Problem & { trials: number }, cell: Cell) => string): void {
  console.log();
  console.log(`| function | ${columns.map((c) => c.label).join(" | ")} |`);
  console.log(`|---|${columns.map(() => "---|").join("")}`);
  for (const p of problems) {
    const cells = columns.map((c) => {
      const cell = c.cell(p.function);
      return cell ? show(p, cell) : "—";
    });
    console.log(`| ${p.function} (${p.trials}) | ${cells.join(" | ")} |`);
  }
  console.log();
}

if (values.json) {
  console.log(
    JSON.stringify(
      { seeds, problems, hpo, optuna, optunaVersion, optunaMissing, optunaRaw: rawFile },
      (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
      2,
    ),
  );
} else {
  console.log(
    `median best over seeds 1…${seeds} (min … max); one trial per ask; domains shifted up by a sixth of their width`,
  );
  console.log(
    `Hartmann-6: "k stuck" = seeds whose best is above ${H6_STUCK}, outside the global basin (best reachable −3.3192; the local optimum −3.203 is cut by the box to −2.5533)`,
  );
  printTable((p, cell) => {
    const extra = p.function === "hartmann6" ? `, ${stuck(cell.bests)} stuck` : "";
    const partial = cell.bests.length < seeds ? `, ${cell.bests.length} seeds` : "";
    return `${fmt(median(cell.bests))} (${fmt(Math.min(...cell.bests))} … ${fmt(Math.max(...cell.bests))})${extra}${partial}`;
  });
  console.log("median wall ms per ask");
  printTable((_p, cell) => cell.askMs.toFixed(cell.askMs < 10 ? 2 : 1));
  console.log();
  if (optunaMissing) console.log(`Optuna's columns are missing: ${optunaMissing}.`);
  else console.log(`Optuna ${optunaVersion} via ${python}; per-seed results in ${rawFile}`);
}
