import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BENCHMARKS } from "../../src/cli/bench.js";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const hpo = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const hpoEnv = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
const dir = mkdtempSync(join(tmpdir(), "hpo-main-"));

test("a reader that closes stdout first (`hpo --help | true`) gets no EPIPE stack trace", async () => {
  const child = spawn(process.execPath, [bin, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy(); // closed before the child has started Node, let alone written
  let stderr = "";
  child.stderr.on("data", (b) => {
    stderr += b;
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.is(stderr, "");
  assert.is(code, 0);
});

test("a user error is one `hpo: error:` line with a hint and no stack trace", () => {
  const r = hpo("bench", "no-such-benchmark");
  assert.is(r.status, 2); // a usage error since issue 21 (was 1)
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

test("a usage error prints the problem and where the help is, not the whole help, and exits 2", () => {
  for (const args of [["run", "--bogus", "x.hpo"], ["run"], ["check", "--frobnicate", "x.hpo"]]) {
    const r = hpo(...args);
    assert.is(r.status, 2, args.join(" "));
    assert.match(r.stderr, /^error: (unknown option|missing required argument)/);
    assert.match(r.stderr, new RegExp(`run \`hpo ${args[0]} --help\` for usage\n$`));
    assert.not.match(r.stderr, /Usage:/);
  }
  const bare = hpo("frobnicate");
  assert.is(bare.status, 2);
  assert.match(bare.stderr, /run `hpo --help` for usage/);
});

test("every benchmark takes --help, and an unknown option is a usage error without a stack trace", () => {
  for (const name of Object.keys(BENCHMARKS)) {
    const r = hpo("bench", name, "--help");
    assert.is(r.status, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: hpo bench ${name} \\[options\\]`));
    assert.match(r.stdout, /--help/);
  }
  const bad = hpo("bench", "surrogate", "--no-such-option");
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /^hpo bench surrogate: error: Unknown option '--no-such-option'/);
  assert.match(bad.stderr, /run `hpo bench surrogate --help` for usage/);
  assert.not.match(bad.stderr, /\n\s+at |ERR_PARSE_ARGS/);
  const list = hpo("bench", "--help");
  assert.is(list.status, 0);
  assert.match(list.stdout, /surrogate-quality +bayes against tpe/);
});

test("a spec missing from the command line says so; an unexpanded glob says no file matched", () => {
  const missing = hpo("run", join(dir, "nope.hpo"));
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /^hpo: error: no such file `.*nope\.hpo`/);
  assert.match(missing.stderr, /relative to the current directory/);
  assert.not.match(missing.stderr, /E092|relative to the spec/);
  const glob = hpo("check", join(dir, "examples", "*.hpo"));
  assert.is(glob.status, 1);
  assert.match(glob.stderr, /^hpo: error: no file matches `.*\*\.hpo`/);
  assert.match(glob.stderr, /shell passes a pattern that matches nothing/);
});

test("colour: on with FORCE_COLOR, off with NO_COLOR and when output is not a terminal", () => {
  const spec = join(dir, "bad.hpo");
  writeFileSync(spec, "study t\nevaluate branin\nspace {\n  x1 = uniform(1, 0)\n}\nbudget { trials = 3 }\n");
  const forced = hpoEnv({ FORCE_COLOR: "1", NO_COLOR: "" }, "check", spec);
  assert.is(forced.status, 1);
  assert.match(forced.stderr, /\x1b\[31m/); // red error
  const off = hpoEnv({ FORCE_COLOR: "1", NO_COLOR: "1" }, "check", spec);
  assert.not.match(off.stderr, /\x1b\[/);
  const piped = hpoEnv({ FORCE_COLOR: "", NO_COLOR: "" }, "check", spec); // spawnSync's pipes are no TTY
  assert.not.match(piped.stderr, /\x1b\[/);
  assert.match(piped.stderr, /error\[E040\]/);
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
