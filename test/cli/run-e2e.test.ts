import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// `hpo run` end to end with the real compiler, strategies and built-in objectives.
const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
const hpo = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "hpo-e2e-"));

test("hpo run examples/branin.hpo runs a small study in memory and prints the best trial", () => {
  const r = hpo("run", example("branin.hpo"), "--storage", "memory:", "--trials", "12");
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.match(/^trial \d+ complete value=/gm)?.length, 12);
  assert.match(r.stdout, /branin: the trial budget is spent; 12 trials: 12 complete/);
  assert.match(r.stdout, /best parameters \(trial \d+\):\n\{\n {2}"x1": /);
});

test("a study with a user objective module runs in child processes and is read back by best/trials", () => {
  const db = join(dir, "user.db");
  const r = hpo(
    "run",
    example("user-objective.hpo"),
    "--storage",
    `sqlite:${db}`,
    "--trials",
    "3",
    "--isolate",
    "process",
    "--quiet",
  );
  assert.is(r.status, 0, r.stderr);
  const best = JSON.parse(
    hpo("best", example("user-objective.hpo"), "--storage", `sqlite:${db}`, "--json").stdout,
  );
  assert.ok(typeof best.trial === "number");
  const csv = hpo("trials", example("user-objective.hpo"), "--storage", `sqlite:${db}`, "--format", "csv")
    .stdout.trim()
    .split("\n");
  assert.is(csv.length, 4);
});

test("a spec with errors prints the formatted diagnostics and exits 1, without a stack trace", () => {
  const spec = join(dir, "bad.hpo");
  writeFileSync(
    spec,
    "study bad\nevaluate branin\nspace {\n  x1 = uniform(10, -5)\n  x2 = uniform(0, 15)\n}\nobjective minimize value\nbudget { trials = 5 }\n",
  );
  const r = hpo("run", spec);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^hpo: error: `.*bad\.hpo` has \d+ errors?:\n/);
  assert.match(r.stderr, /bad\.hpo:4:\d+: error\[E\d+\]: low 10 must be below high -5/);
  assert.match(r.stderr, /\^/);
  assert.not.match(r.stderr, /\n\s+at /);
});

test("bayes without the native addon fails as the study opens, before any trial, naming the fix", () => {
  const r = spawnSync(
    process.execPath,
    [bin, "run", example("branin-bayes.hpo"), "--storage", "memory:", "--json"],
    { encoding: "utf8", env: { ...process.env, HPO_NATIVE_CPU_PATH: join(dir, "missing", "hpo_cpu.node") } },
  );
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^hpo: error: the native addon is not built/);
  assert.match(r.stderr, /= help: HPO_NATIVE_CPU_PATH names a file that does not exist/);
  assert.not.match(r.stdout, /"event":"trial_start"/);
});

test.run();
