import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { userProjectOptions } from "../../src/lang/checks/module-types.js";
import { compileFile, compileSource, declareParams } from "../../src/lang/index.js";

type TS = typeof import("typescript");
const ts = createRequire(import.meta.url)("typescript") as TS;
const root = fileURLToPath(new URL("../../../", import.meta.url));
const examples = join(root, "examples");

function declaration(space: string, objective = "objective minimize loss"): string {
  const src = [
    "study t",
    'evaluate "./objective.ts"',
    "space {",
    space,
    "}",
    objective,
    "budget { trials = 3 }",
  ];
  const { plan, diagnostics } = compileSource(src.join("\n"), join(examples, "t.hpo"));
  assert.ok(plan, diagnostics.map((d) => d.message).join("\n"));
  return declareParams(plan!);
}

/** tsc's errors for `files` (strict, Node's ES modules, as a user's project would check them). */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, userProjectOptions(ts));
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
}

test("a condition on one categorical parameter becomes a union discriminated by it", () => {
  const text = declaration(
    '  shape = choice("bowl", "ridge")\n  tilt = uniform(-1, 1) when shape == "ridge"\n  x = uniform(0, 1)',
  );
  assert.match(
    text,
    /export type Params =\n {2}\| \(ParamsCommon & \{\n {6}shape: "bowl";\n {4}\}\)\n {2}\| \(ParamsCommon & \{\n {6}shape: "ridge";/,
  );
  assert.match(text, /shape: "ridge";\n {6}\/\*\* uniform in \[-1, 1\] \*\/\n {6}tilt: number;/);
  assert.match(text, /interface ParamsCommon \{\n {2}\/\*\* uniform in \[0, 1\] \*\/\n {2}x: number;\n\}/);
});

test("other conditions give optional fields; families arrays; choices and fixed values literal types", () => {
  const text = declaration(
    '  n = int(1, 3)\n  w = uniform(0, 1) when n > 1\n  units[n] = choice(8, 16)\n  act = fixed("relu")\n  flag = choice(true, false)',
  );
  assert.match(text, /export interface Params \{/);
  assert.match(text, /\n {2}w\?: number;/);
  assert.match(text, /\n {2}units: \(8 \| 16\)\[\];/);
  assert.match(text, /\n {2}act: "relu";/);
  assert.match(text, /\n {2}flag: true \| false;/);
  assert.match(text, /\n {2}n: number;/);
});

test("the goals' metrics are declared, an expression's inputs one by one", () => {
  const text = declaration("  x = uniform(0, 1)", "objective minimize loss + 0.1 * steps");
  assert.match(
    text,
    /export type Metrics = \{\n {2}loss: number;\n {2}steps: number;\n\} & Record<string, number>;/,
  );
  // An expression needs its metrics, so a bare number is not a result.
  assert.match(text, /=> Metrics \| Promise<Metrics>;/);
  assert.match(declaration("  x = uniform(0, 1)"), /=> number \| Metrics \| Promise<number \| Metrics>;/);
});

test("examples/typed-objective.params.ts is what `hpo types` writes for the example", () => {
  const { plan } = compileFile(join(examples, "typed-objective.hpo"));
  assert.ok(plan);
  assert.is(declareParams(plan!), readFileSync(join(examples, "typed-objective.params.ts"), "utf8"));
});

test("examples/objective.ts type-checks against the generated declaration with tsc", () => {
  assert.equal(typeErrors([join(examples, "objective.ts")]), []);
});

test("after the spec changes (tilt renamed), the module no longer type-checks", () => {
  // Inside the repository, so `import type { TrialContext } from "hpo"` resolves as in a user's project.
  const dir = mkdtempSync(join(root, "dist", "types-"));
  try {
    const spec = readFileSync(join(examples, "typed-objective.hpo"), "utf8").replace(/\btilt\b/g, "angle");
    writeFileSync(join(dir, "typed-objective.hpo"), spec);
    copyFileSync(join(examples, "objective.ts"), join(dir, "objective.ts"));
    const { plan } = compileFile(join(dir, "typed-objective.hpo"));
    assert.ok(plan);
    writeFileSync(join(dir, "typed-objective.params.ts"), declareParams(plan!));
    const errors = typeErrors([join(dir, "objective.ts")]);
    assert.ok(
      errors.some((e) => /Property 'tilt' does not exist/.test(e)),
      errors.join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
