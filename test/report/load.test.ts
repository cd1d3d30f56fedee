import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bestTrial } from "../../src/report/data.js";
import { loadStudyData } from "../../src/report/load.js";
import { HpoError } from "../../src/util/errors.js";
import { storeSmallStudy } from "./stored.js";

test("a study stored in SQLite loads with its Plan's objectives and space and every trial", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-report-load-"));
  const url = await storeSmallStudy(dir);
  const data = await loadStudyData(url, "stored");
  assert.is(data.name, "stored");
  assert.equal(data.objectives, [{ metric: "loss", direction: "minimize" }]);
  assert.is(data.seed, 5);
  assert.equal(
    data.trials.map((t) => t.state),
    ["complete", "pruned", "failed", "complete", "running"],
  );
  assert.equal(data.trials[0].intermediate, [
    { step: 1, value: 1 },
    { step: 2, value: 0.5 },
    { step: 3, value: 1 / 3 },
  ]);
  assert.is(data.trials[2].error, "Error: <script>boom</script>");
  assert.ok(data.trials[0].startedAt !== undefined && data.trials[0].finishedAt !== undefined);
  assert.is(data.trials[4].finishedAt, undefined);
  assert.is(bestTrial(data)?.number, 3);
});

test("a missing database, or a study not in it, is a clear error naming what exists", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-report-load-"));
  const missing = await loadStudyData(`sqlite:${join(dir, "none.db")}`, "x").catch((e: unknown) => e);
  assert.instance(missing, HpoError);
  assert.match((missing as HpoError).message, /no study database at/);
  const url = await storeSmallStudy(dir);
  const wrong = await loadStudyData(url, "other").catch((e: unknown) => e);
  assert.instance(wrong, HpoError);
  assert.match((wrong as HpoError).message, /no study `other`/);
  assert.match(String((wrong as HpoError).hint), /`stored`/);
});

test.run();
