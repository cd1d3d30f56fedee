import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("status, best and trials on a never-run spec create nothing and say so", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-readonly-"));
  try {
    const spec = join(dir, "s.hpo");
    writeFileSync(
      spec,
      "study never\nevaluate branin\nspace {\n  x1 = uniform(-5, 10)\n  x2 = uniform(0, 15)\n}\nobjective minimize value\nbudget { trials = 3 }\n",
    );
    for (const cmd of ["status", "best", "trials"]) {
      const r = hpo(cmd, spec);
      assert.is(r.status, 1, cmd);
      assert.match(r.stderr, /nothing has run yet/, cmd);
    }
    assert.equal(readdirSync(dir), ["s.hpo"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a storage path that cannot be created is exit 74 with a message, not an internal error", () => {
  const r = hpo(
    "run",
    fileURLToPath(new URL("../../../examples/branin.hpo", import.meta.url)),
    "--storage",
    "sqlite:/proc/hpo-none/x/s.db",
  );
  assert.is(r.status, 74);
  assert.match(
    r.stderr,
    /^hpo: error: cannot open the study database `\/proc\/hpo-none\/x\/s.db`: its folder cannot be created/,
  );
  assert.not.match(r.stderr, /internal error/);
});

test("status and trials warn when the spec's plan differs from the stored study", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-diff-"));
  try {
    const text = (high: number) =>
      `study d\nevaluate branin\nspace {\n  x1 = uniform(-5, 10)\n  x2 = uniform(0, ${high})\n}\nobjective minimize value\nbudget { trials = 2 }\n`;
    const spec = join(dir, "s.hpo");
    writeFileSync(spec, text(15));
    assert.is(hpo("run", spec, "--quiet").status, 0);
    assert.not.match(hpo("status", spec).stderr, /warning/);
    writeFileSync(spec, text(12));
    for (const cmd of ["status", "trials"]) {
      const r = hpo(cmd, spec);
      assert.is(r.status, 0, cmd);
      assert.match(r.stderr, /^hpo: warning: the spec's plan differs from the stored study `d`/, cmd);
      assert.match(r.stderr, /x2\]\.high: 15 → 12/, cmd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
