import type { Command } from "commander";
import { STALE_MS, isAbandoned } from "../study/liveness.js";
import { bestTrials, countStates } from "../study/results.js";
import { formatNumber } from "../util/format.js";
import {
  type CliDepsLoader,
  loadDefaultDeps,
  openSpec,
  requireStudy,
  storageOption,
  warnIfPlanDiffers,
} from "./study-cli.js";

/** `hpo status SPEC`: how far a study is: trials per state, budget, best value, running trials. */
export function registerStatus(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  storageOption(
    program
      .command("status")
      .description("show how far a study is")
      .argument("<spec>", "the .hpo file (or Plan JSON)"),
  )
    .option("--json", "print the status as JSON")
    .action(async (spec: string, flags: { storage?: string; json?: boolean }) => {
      const { plan, storage } = await openSpec(spec, flags.storage, await deps(), { readOnly: true });
      try {
        const study = await requireStudy(storage, plan);
        warnIfPlanDiffers(study, plan);
        const trials = await storage.getTrials(study.id);
        const counts = countStates(trials);
        const best = bestTrials(trials, study.plan.objectives);
        const budget = plan.budget.trials;
        const counted = trials.filter((t) => t.attributes["abandoned"] !== true).length;
        // Running trials whose process is gone (dead pid here, or an old heartbeat): the next run retries them.
        const now = Date.now();
        const lost = new Set(trials.filter((t) => isAbandoned(t, now, STALE_MS)).map((t) => t.number));
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({
              study: study.name,
              storage: storage.url,
              created_at: new Date(study.createdAt).toISOString(),
              trials: trials.length,
              counted,
              budget: budget ?? null,
              states: counts,
              lost: [...lost],
              best: best.map((t) => ({ number: t.number, values: t.values, params: t.params })),
            })}\n`,
          );
          return;
        }
        const lines = [
          `study    ${study.name} (${storage.url})`,
          `created  ${new Date(study.createdAt).toISOString()}`,
          `trials   ${counted}${budget !== undefined ? ` of ${budget}` : ""}: ${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed, ${counts.running} running`,
        ];
        const objectives = study.plan.objectives;
        if (best.length === 1 && objectives.length === 1)
          lines.push(
            `best     ${objectives[0]!.metric} = ${formatNumber(best[0]!.values![0])} (trial ${best[0]!.number})`,
          );
        else if (best.length > 0)
          lines.push(`pareto   ${best.length} trials (${best.map((t) => t.number).join(", ")})`);
        const running = trials.filter((t) => t.state === "running");
        if (running.length)
          lines.push(
            `running  ${running.map((t) => `${t.number} (${t.worker ?? "?"}${lost.has(t.number) ? ", lost: its process is gone" : ""})`).join(", ")}`,
          );
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        await storage.close();
      }
    });
}
