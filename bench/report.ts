// `node dist/bench/report.js [--json]`: time of fANOVA importance (forest fit + decomposition) and of
// rendering the HTML report, on synthetic studies of growing size. Medians of 3 runs; CPU time is
// reported beside wall time because shared machines are noisy.
import type { StudyData, TrialRecord } from "../src/report/data.js";
import { rngFor } from "../src/plan/random.js";
import { parameterImportance } from "../src/report/importance.js";
import { renderReport } from "../src/report/render.js";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";

const values = benchArgs({ json: { type: "boolean", default: false, help: "print JSON" } });

function syntheticStudy(nTrials: number, nNumeric: number, nChoices: number): StudyData {
  const rng = rngFor(1);
  const u = () => rng.uniform();
  const trials: TrialRecord[] = Array.from({ length: nTrials }, (_, i) => {
    const params: Record<string, number | string> = {};
    let f = 0;
    for (let j = 0; j < nNumeric; j++) {
      const x = u();
      params[`x${j}`] = x;
      f += (j + 1) * x * x;
    }
    const c = Math.floor(u() * nChoices);
    params.c = `c${c}`;
    f += 0.3 * c + 0.1 * u();
    const intermediate = Array.from({ length: 10 }, (_, s) => ({ step: s + 1, value: f + 1 / (s + 1) }));
    return {
      number: i,
      state: "complete",
      params,
      values: [f],
      intermediate,
      startedAt: i,
      finishedAt: i + 1,
    };
  });
  return { name: "bench", objectives: [{ metric: "value", direction: "minimize" }], trials };
}

function measure(run: () => void): { wallMs: number; cpuMs: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

const rows = [];
for (const [nTrials, nNumeric, nChoices] of [
  [100, 5, 4],
  [300, 10, 5],
  [1000, 10, 10],
]) {
  const data = syntheticStudy(nTrials, nNumeric, nChoices);
  const importance = measure(() => parameterImportance(data, { seed: 0 }));
  const render = measure(() => renderReport(data, { importance: [{ reason: "timed separately" }] }));
  rows.push({ nTrials, nParams: nNumeric + 1, importance, render });
}
if (values.json) console.log(JSON.stringify(rows, null, 2));
else
  for (const r of rows)
    console.log(
      `${r.nTrials} trials × ${r.nParams} params: importance ${r.importance.wallMs.toFixed(0)} ms wall / ` +
        `${r.importance.cpuMs.toFixed(0)} ms cpu; render ${r.render.wallMs.toFixed(0)} ms wall / ${r.render.cpuMs.toFixed(0)} ms cpu`,
    );
