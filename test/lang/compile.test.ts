import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecks } from "../../src/lang/checks/index.js";
import { compile } from "../../src/lang/compile.js";
import { compileFile, compileSource } from "../../src/lang/index.js";
import { Reporter } from "../../src/lang/report.js";
import { checkedOf, spec } from "./helpers.js";
import { exampleSpecs } from "../helpers/example-specs.js";

test("compile is pure: the same checked AST gives equal Plans, as compileSource does", () => {
  const src = spec("  k = choice(1, 2)", 'strategy random()\nstorage "memory:"');
  const c = checkedOf(src, "/tmp/spec.hpo");
  const before = JSON.stringify(c.space.space);
  const a = compile(c);
  const b = compile(c);
  assert.ok(a);
  assert.equal(a, b);
  assert.is(JSON.stringify(c.space.space), before, "the checked AST is left as it was");
  const viaSource = compileSource(src, "/tmp/spec.hpo").plan!;
  assert.equal({ ...a, source: viaSource.source }, viaSource);
});

test("compile leaves out what the checks reject instead of throwing", () => {
  const c = checkedOf(spec("", "strategy nosuch()"));
  const report = new Reporter(c.file);
  runChecks(c, report);
  assert.ok(report.diagnostics.some((d) => d.code === "E023"));
  assert.is(compile(c), undefined);
});

test("no example's Plan carries a source position", () => {
  const dir = fileURLToPath(new URL("../../../examples/", import.meta.url));
  const keys = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        keys.add(k);
        walk(x);
      }
  };
  for (const f of exampleSpecs()) {
    const plan = compileFile(join(dir, f)).plan;
    assert.ok(plan, f);
    walk(plan);
  }
  for (const k of ["pos", "span", "line", "col"]) assert.not.ok(keys.has(k), `a Plan holds \`${k}\``);
});

test.run();
