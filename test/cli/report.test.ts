import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseInterval, reportFileName, resolveTarget, runReport } from "../../src/cli/report.js";
import type { StudyData } from "../../src/report/data.js";
import { HpoError } from "../../src/util/errors.js";
import { smallStudy } from "../report/fixtures.js";
import { storeSmallStudy, storedPlan } from "../report/stored.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const hpo = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

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

test("`hpo report --storage --study -o` writes the page of a study stored in SQLite", async () => {
  const url = await storeSmallStudy(mkdtempSync(join(tmpdir(), "hpo-report-cli-db-")));
  const out = join(dir, "stored.html");
  const r = hpo("report", "--storage", url, "--study", "stored", "-o", out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*stored\.html \(5 trials: 1 running, 2 complete, 1 pruned, 1 failed\)/);
  const html = readFileSync(out, "utf8");
  assert.match(html, /id="study-name">stored</);
  assert.match(html, /Error: &lt;script&gt;boom&lt;\/script&gt;/);
});

test("`hpo report SPEC` reads the study its Plan names and writes the page beside it, with the spec", async () => {
  const specDir = mkdtempSync(join(tmpdir(), "hpo-report-cli-spec-"));
  const url = await storeSmallStudy(specDir);
  const plan = { ...storedPlan(url), source: { file: join(specDir, "stored.hpo"), sha256: "0".repeat(64) } };
  const spec = join(specDir, "stored.json");
  writeFileSync(spec, JSON.stringify(plan, null, 2));
  const r = hpo("report", spec);
  assert.is(r.status, 0, r.stderr);
  const html = readFileSync(join(specDir, "stored-report.html"), "utf8");
  assert.match(html, /<h2>Spec <small>stored\.json<\/small><\/h2><pre>\{\n {2}&quot;version&quot;: 1/);
  writeFileSync(spec, JSON.stringify({ ...plan, storage: "memory:" }));
  const memory = hpo("report", spec);
  assert.is(memory.status, 1);
  assert.match(memory.stderr, /kept in memory/);
});

test("`hpo report` on a study that is not there is one error line with what exists", async () => {
  const url = await storeSmallStudy(mkdtempSync(join(tmpdir(), "hpo-report-cli-db-")));
  const r = hpo("report", "--storage", url, "--study", "nope", "-o", join(dir, "nope.html"));
  assert.is(r.status, 1);
  assert.match(r.stderr, /^hpo: error: no study `nope` in sqlite:/);
  assert.match(r.stderr, /= help: studies there: `stored`/);
  const none = hpo("report");
  assert.is(none.status, 1);
  assert.match(none.stderr, /needs a spec file, or both --storage and --study/);
});

test.run();
