import type { Command } from "commander";
import { bestTrials, formatNumber } from "../study/results.js";
import { type CliDepsLoader, loadDefaultDeps, openSpec, requireStudy, storageOption } from "./study-cli.js";
import { HpoError } from "../util/errors.js";

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
        const best = bestTrials(await storage.getTrials(study.id), objectives);
        if (best.length === 0) throw new HpoError(`study \`${study.name}\` has no complete trial yet`);
        const entries = best.map((t) => ({
          trial: t.number,
          values: Object.fromEntries(objectives.map((o, i) => [o.metric, t.values![i]!])),
          params: t.params,
        }));
        if (flags.json) {
          const value = objectives.length > 1 ? entries : entries[0];
          process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
          return;
        }
        for (const e of entries) {
          const values = Object.entries(e.values)
            .map(([k, v]) => `${k} = ${formatNumber(v)}`)
            .join(", ");
          process.stdout.write(`trial ${e.trial}: ${values}\n${JSON.stringify(e.params, null, 2)}\n`);
        }
      } finally {
        await storage.close();
      }
    });
}
