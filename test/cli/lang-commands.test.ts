import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const hpo = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "hpo-cli-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const VALID =
  "study t\nevaluate branin\nspace {\n  x1 = uniform(-5, 10)\n  x2 = uniform(0, 15)\n}\nobjective minimize value\nbudget {\n  trials = 5\n}\n";

test("hpo check: exit 0 on a valid file", () => {
  const r = hpo("check", file("ok.hpo", VALID));
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `${join(dir, "ok.hpo")}: ok\n`);
});

test("hpo check: exit 1 with FILE:LINE:COL, the source line and a caret", () => {
  const p = file("bad.hpo", VALID.replace("uniform(0, 15)", "unifrom(0, 15)"));
  const r = hpo("check", p);
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    `${p}:5:8: error[E023]: unknown distribution \`unifrom\`; did you mean \`uniform\`?`,
  );
  assert.match(r.stderr, "5 |   x2 = unifrom(0, 15)\n  |        ^^^^^^^");
});

test("hpo check: warnings pass unless --strict; --json gives the records", () => {
  const p = file("warn.hpo", VALID.replace("trials = 5", "trials = 2\n  parallel = 4"));
  const passed = hpo("check", p);
  assert.is(passed.status, 0);
  assert.is(passed.stdout, `${p}: ok (1 warning)\n`);
  assert.is(hpo("check", "--strict", p).status, 1);
  const r = hpo("check", "--json", p);
  const records = JSON.parse(r.stdout);
  assert.equal(
    records.map((d: { code: string }) => d.code),
    ["W006"],
  );
  assert.equal(records[0].pos, { line: 10, col: 14, endLine: 10, endCol: 15 });
});

test("hpo check --fast skips the slow checks (here: constraint satisfiability)", () => {
  const p = file(
    "unsat.hpo",
    VALID.replace("  x2 = uniform(0, 15)\n", "  x2 = uniform(0, 15)\n  constraint x1 > 20\n"),
  );
  assert.is(hpo("check", p).status, 1);
  assert.is(hpo("check", "--fast", p).status, 0);
});

test("hpo plan: the Plan as JSON, defaults filled", () => {
  const r = hpo("plan", join(examples, "branin-bayes.hpo"));
  assert.is(r.status, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.is(plan.version, 1);
  assert.is(plan.strategy.name, "bayes");
  assert.is(plan.strategy.options.acquisition, "logei");
  assert.equal(Object.keys(plan).slice(0, 4), ["version", "study", "seed", "source"]);
  assert.is(hpo("plan", file("bad2.hpo", "study")).status, 1);
});

test("hpo types: the parameters' declaration, printed or written with -o", () => {
  const r = hpo("types", join(examples, "typed-objective.hpo"));
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, readFileSync(join(examples, "typed-objective.params.ts"), "utf8"));
  const out = join(dir, "params.ts");
  assert.is(hpo("types", join(examples, "typed-objective.hpo"), "-o", out).status, 0);
  assert.is(readFileSync(out, "utf8"), r.stdout);
  assert.is(hpo("types", file("bad3.hpo", "study")).status, 1);
});

test("hpo fmt: --check reports, fmt rewrites, and a second run changes nothing", () => {
  const p = file(
    "messy.hpo",
    "study t evaluate branin space{x1=uniform(-5,10) x2=uniform(0,15)} objective minimize value budget{trials=5}\n",
  );
  const c = hpo("fmt", "--check", p);
  assert.is(c.status, 1);
  // The diff goes to stdout (a patch), the verdict to stderr (it moved there with the diff).
  assert.match(c.stderr, /would be reformatted/);
  assert.match(c.stdout, /^--- .*messy\.hpo\n\+\+\+ .*messy\.hpo\t\(formatted\)\n@@ -1,1 \+1,10 @@\n/m);
  assert.match(c.stdout, /^-study t evaluate branin space\{/m);
  assert.match(c.stdout, /^\+ {2}x1 = uniform\(-5, 10\)$/m);
  assert.not.match(c.stdout, /\x1b\[/);
  assert.is(hpo("fmt", p).status, 0);
  assert.is(
    readFileSync(p, "utf8"),
    "study t evaluate branin space {\n  x1 = uniform(-5, 10)\n  x2 = uniform(0, 15)\n}\nobjective minimize value\nbudget {\n  trials = 5\n}\n".replace(
      "study t evaluate branin space {",
      "study t\nevaluate branin\nspace {",
    ),
  );
  assert.is(hpo("fmt", "--check", p).status, 0);
  assert.is(hpo("fmt", file("broken.hpo", "space {")).status, 1);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test("check survives 150,000 diagnostics in one file and prints the first 50, then how many more", () => {
  const many = file("many.hpo", "$ ".repeat(150_000));
  const big = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const r = big("check", many);
  assert.is(r.error, undefined);
  assert.is(r.status, 1);
  assert.not.match(r.stderr, /internal error|RangeError/);
  assert.is(r.stderr.match(/: error\[E\d{3}\]/g)?.length, 50);
  assert.match(r.stderr, /… and \d{6} more/);
  const json = big("check", "--json", many);
  assert.is(json.status, 1);
  assert.ok((JSON.parse(json.stdout) as unknown[]).length > 150_000);
});

test.run();
