import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseInterval, reportFileName, resolveTarget, runReport } from "../../src/cli/report.js";
import type { StudyData } from "../../src/report/data.js";
import { HpoError } from "../../src/util/errors.js";
import { smallStudy } from "../report/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-report-cli-"));

async function error(p: Promise<unknown>): Promise<HpoError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(e, HpoError);
  return e as HpoError;
}

test("report file names are safe whatever the study is called", () => {
  assert.is(reportFileName("mnist-mlp"), "mnist-mlp-report.html");
  assert.is(reportFileName("../../etc/<script>"), "etc_script_-report.html");
  assert.is(reportFileName("🚀"), "study-report.html");
});

test("--storage and --study name a study without a spec; one alone is a clear error", async () => {
  const t = await resolveTarget(undefined, { storage: "sqlite:/x.db", study: "s", seed: "3" });
  assert.equal(t, { storage: "sqlite:/x.db", study: "s", seed: 3, defaultOutput: "s-report.html" });
  assert.match(
    (await error(resolveTarget(undefined, { storage: "sqlite:/x.db" }))).message,
    /needs a spec file/,
  );
  assert.match(
    (await error(resolveTarget(undefined, { storage: "m", study: "s", seed: "x" }))).message,
    /--seed/,
  );
  assert.match((await error(resolveTarget(join(dir, "missing.hpo"), {}))).message, /no such spec file/);
});

test("--interval takes positive seconds", () => {
  assert.is(parseInterval(undefined), 5);
  assert.is(parseInterval("0.5"), 0.5);
  assert.throws(() => parseInterval("0"), /positive/);
  assert.throws(() => parseInterval("soon"), /positive/);
});

test("a report is written where -o says, with the spec text, and the loader gets storage and study", async () => {
  const calls: string[][] = [];
  const lines: string[] = [];
  const out = join(dir, "page.html");
  const written = await runReport(
    {
      storage: "sqlite:/s.db",
      study: "small",
      spec: { text: "study small // spec", file: "s.hpo" },
      defaultOutput: "x",
    },
    { output: out },
    async (url, name) => {
      calls.push([url, name]);
      return smallStudy();
    },
    (l) => lines.push(l),
  );
  assert.is(written, out);
  assert.equal(calls, [["sqlite:/s.db", "small"]]);
  const html = readFileSync(out, "utf8");
  assert.match(html, /study small \/\/ spec/);
  assert.not.match(html, /http-equiv="refresh"/);
  assert.match(lines[0], /wrote .*page\.html \(6 trials: 1 running, 3 complete, 1 pruned, 1 failed\)/);
});

test("--watch rewrites the page as trials finish, with a self-reloading page, until stopped", async () => {
  const out = join(dir, "watch.html");
  const controller = new AbortController();
  const lines: string[] = [];
  let loads = 0;
  await runReport(
    { storage: "memory:", study: "small", defaultOutput: out },
    { watch: true, intervalSeconds: 0.001, signal: controller.signal },
    async () => {
      loads++;
      const data: StudyData = smallStudy();
      if (loads >= 2) {
        data.trials[5].state = "complete";
        data.trials[5].values = [0.01];
      }
      if (loads === 3) controller.abort();
      return data;
    },
    (l) => lines.push(l),
  );
  assert.is(lines.filter((l) => l.startsWith("wrote")).length, 2);
  const html = readFileSync(out, "utf8");
  assert.match(html, /http-equiv="refresh"/);
  assert.match(html, /<b>best<\/b>: trial 5/);
});

test.run();
