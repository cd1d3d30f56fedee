import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BENCHMARKS } from "../../src/cli/bench.js";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const hpo = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("a user error is one `hpo: error:` line with a hint and no stack trace", () => {
  const r = hpo("bench", "no-such-benchmark");
  assert.is(r.status, 1);
  assert.match(r.stderr, /^hpo: error: unknown benchmark `no-such-benchmark`/);
  assert.match(r.stderr, /= help: benchmarks: surrogate/);
  assert.not.match(r.stderr, /\n\s+at /);
});

test("every benchmark `hpo bench` lists has its program in bench/", () => {
  for (const name of Object.keys(BENCHMARKS))
    assert.ok(
      existsSync(fileURLToPath(new URL(`../../bench/${name}.js`, import.meta.url))),
      `bench/${name}.ts`,
    );
});

test("an unknown command exits non-zero with commander's message", () => {
  const r = hpo("frobnicate");
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test("--version prints the package version", () => {
  const r = hpo("--version");
  assert.is(r.status, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test.run();
