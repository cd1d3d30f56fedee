import { type Command, Option } from "commander";
import { stringify } from "csv-stringify/sync";
import { trialJson } from "../study/results.js";
import { trialTable } from "./run-output.js";
import { type CliDepsLoader, loadDefaultDeps, openSpec, requireStudy, storageOption } from "./study-cli.js";

/** `hpo trials SPEC --format table|csv|json`: every trial of a study. */
export function registerTrials(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  storageOption(
    program
      .command("trials")
      .description("list every trial of a study")
      .argument("<spec>", "the .hpo file (or Plan JSON)"),
  )
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table"),
    )
    .action(async (spec: string, flags: { storage?: string; format: "table" | "csv" | "json" }) => {
      const { plan, storage } = await openSpec(spec, flags.storage, await deps());
      try {
        const study = await requireStudy(storage, plan);
        const trials = await storage.getTrials(study.id);
        const stored = study.plan;
        if (flags.format === "json") {
          process.stdout.write(
            `${JSON.stringify(
              trials.map((t) => trialJson(t, stored.objectives)),
              null,
              2,
            )}\n`,
          );
        } else if (flags.format === "csv") {
          const params = stored.space.map((p) => p.name);
          const metrics = stored.objectives.map((o) => o.metric);
          const rows = trials.map((t) => [
            t.number,
            t.state,
            ...metrics.map((_, i) => t.values?.[i] ?? ""),
            ...params.map((p) => t.params[p] ?? ""),
            t.finishedAt !== undefined ? (t.finishedAt - t.startedAt) / 1000 : "",
            t.error ?? "",
          ]);
          process.stdout.write(
            stringify([["number", "state", ...metrics, ...params, "seconds", "error"], ...rows]),
          );
        } else process.stdout.write(`${trialTable(trials, stored, true)}\n`);
      } finally {
        await storage.close();
      }
    });
}
