import { type Command, Option } from "commander";
import { studyDataFrom } from "../report/convert.js";
import { exportTrials } from "../report/export.js";
import { trialTable } from "./run-output.js";
import {
  type CliDepsLoader,
  loadDefaultDeps,
  openSpec,
  requireStudy,
  storageOption,
  warnIfPlanDiffers,
} from "./study-cli.js";

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
      const { plan, storage } = await openSpec(spec, flags.storage, await deps(), { readOnly: true });
      try {
        const study = await requireStudy(storage, plan);
        warnIfPlanDiffers(study, plan);
        const trials = await storage.getTrials(study.id);
        const stored = study.plan;
        if (flags.format === "json" || flags.format === "csv") {
          // The same export as the report's download links (one data layer: src/report).
          process.stdout.write(exportTrials(studyDataFrom(study, trials), flags.format));
        } else process.stdout.write(`${trialTable(trials, stored, true)}\n`);
      } finally {
        await storage.close();
      }
    });
}
