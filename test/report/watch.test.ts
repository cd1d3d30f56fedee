import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StudyData } from "../../src/report/data.js";
import { studyFingerprint, watchStudy, writeFileAtomic } from "../../src/report/watch.js";
import { smallStudy } from "./fixtures.js";

test("the fingerprint changes when a trial finishes or reports, not otherwise", () => {
  const a = smallStudy();
  assert.is(studyFingerprint(a), studyFingerprint(smallStudy()));
  const b = smallStudy();
  b.trials[5].state = "complete";
  b.trials[5].values = [0.1];
  assert.is.not(studyFingerprint(a), studyFingerprint(b));
  const c = smallStudy();
  c.trials[5].intermediate.push({ step: 4, value: 0.1 });
  assert.is.not(studyFingerprint(a), studyFingerprint(c));
});

test("watching rewrites the page only when the study changed, and stops on abort", async () => {
  const unchanged = smallStudy();
  const finished = smallStudy();
  finished.trials[5].state = "complete";
  finished.trials[5].values = [0.2];
  const sequence = [unchanged, unchanged, finished, finished];
  const controller = new AbortController();
  let loads = 0;
  const written: StudyData[] = [];
  const count = await watchStudy(
    async () => {
      const data = sequence[Math.min(loads, sequence.length - 1)];
      if (++loads === sequence.length) controller.abort();
      return data;
    },
    (data) => {
      written.push(data);
    },
    { intervalMs: 1, signal: controller.signal },
  );
  assert.is(loads, 4);
  assert.is(count, 2);
  assert.equal(written, [unchanged, finished]);
});

test("a failing first load is thrown; later failures are reported and the watch goes on", async () => {
  const controller = new AbortController();
  const failed = await watchStudy(
    () => Promise.reject(new Error("no study")),
    () => {},
    {
      intervalMs: 1,
      signal: controller.signal,
    },
  ).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.match(String(failed?.message), /no study/);
  let loads = 0;
  const errors: unknown[] = [];
  const count = await watchStudy(
    async () => {
      loads++;
      if (loads === 2) throw new Error("database is locked");
      if (loads === 3) controller.abort();
      return smallStudy();
    },
    () => {},
    { intervalMs: 1, signal: controller.signal, onError: (e) => errors.push(e) },
  );
  assert.is(count, 1);
  assert.is(errors.length, 1);
});

test("an atomic write leaves only the final file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-watch-"));
  const file = join(dir, "r.html");
  writeFileAtomic(file, "one");
  writeFileAtomic(file, "two");
  assert.is(readFileSync(file, "utf8"), "two");
  assert.equal(readdirSync(dir), ["r.html"]);
});

test.run();
