import type { Command } from "commander";
import { bestTrials } from "../study/results.js";
import { formatNumber } from "../util/format.js";
import { type CliDepsLoader, loadDefaultDeps, openSpec, requireStudy, storageOption } from "./study-cli.js";
import { HpoError } from "../util/errors.js";
import { coloursFor } from "./colour.js";
import { fidelityText, trialRungs } from "./run-output.js";

/** `hpo best SPEC`: the best configuration (or the Pareto set of a multi-objective study). */
export function registerBest(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  storageOption(
    program
      .command("best")
      .description("print the best configuration, or the Pareto set of a multi-objective study")
      .argument("<spec>", "the .hpo file (or Plan JSON)"),
  )
    .option("--json", "print JSON: {trial, values, params} (a list of them for several objectives)")
    .action(async (spec: string, flags: { storage?: string; json?: boolean }) => {
      const { plan, storage } = await openSpec(spec, flags.storage, await deps(), { readOnly: true });
      try {
        const study = await requireStudy(storage, plan);
        const objectives = study.plan.objectives;
        const trials = await storage.getTrials(study.id);
        const best = bestTrials(trials, objectives);
        if (best.length === 0) throw new HpoError(`study \`${study.name}\` has no complete trial yet`);
        const rungs = trialRungs(trials);
        const entries = best.map((t) => ({
          trial: t.number,
          // Multi-fidelity: which rung, and which trial it continued (one configuration, several rows).
          ...(t.fidelity
            ? {
                rung: rungs.get(t.number),
                epochs: t.fidelity.resource,
                ...(t.fidelity.resumedFrom !== undefined ? { continues: t.fidelity.resumedFrom } : {}),
              }
            : {}),
          values: Object.fromEntries(objectives.map((o, i) => [o.metric, t.values![i]!])),
          params: t.params,
          text: fidelityText(t, rungs.get(t.number)),
        }));
        if (flags.json) {
          const json = entries.map(({ text: _, ...e }) => e);
          const value = objectives.length > 1 ? json : json[0];
          process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
          return;
        }
        const c = coloursFor(process.stdout);
        for (const e of entries) {
          const values = Object.entries(e.values)
            .map(([k, v]) => `${k} = ${c.bold(c.green(formatNumber(v)))}`)
            .join(", ");
          const where = e.text ? ` (${e.text})` : "";
          process.stdout.write(`trial ${e.trial}${where}: ${values}\n${JSON.stringify(e.params, null, 2)}\n`);
        }
      } finally {
        await storage.close();
      }
    });
}
