import * as assert from "uvu/assert";
import type { Diagnostic } from "../../src/lang/index.js";
import { compileSource } from "../../src/lang/index.js";
import { parseHpo } from "../../grammar/index.js";
import { AstBuilder } from "../../src/lang/build.js";
import { type CheckedAst, resolve } from "../../src/lang/checked.js";
import type { Check } from "../../src/lang/checks/index.js";
import { Reporter } from "../../src/lang/report.js";

/** A minimal valid evaluate-based spec; `space` and extra lines are spliced in. */
export function spec(space: string, extra = "", opts: { budget?: string; objective?: string } = {}): string {
  return [
    "study t",
    "evaluate branin",
    "space {",
    "  x1 = uniform(-5, 10)",
    "  x2 = uniform(0, 15)",
    space,
    "}",
    opts.objective ?? "objective minimize value",
    opts.budget ?? "budget { trials = 10 }",
    extra,
  ].join("\n");
}

export function check(src: string, file = "/tmp/spec.hpo"): Diagnostic[] {
  return compileSource(src, file).diagnostics;
}

/** Asserts that `code` is reported at line:col and that its message matches. */
export function expectDiagnostic(
  ds: Diagnostic[],
  code: string,
  line: number,
  col: number,
  msg?: RegExp,
): void {
  const found = ds.find((d) => d.code === code);
  assert.ok(
    found,
    `expected ${code}, got ${ds.map((d) => `${d.code}@${d.pos.line}:${d.pos.col} ${d.message}`).join(" | ") || "nothing"}`,
  );
  assert.is(`${found!.pos.line}:${found!.pos.col}`, `${line}:${col}`, `${code} position (${found!.message})`);
  if (msg) assert.match(found!.message, msg);
}

export function expectClean(ds: Diagnostic[]): void {
  assert.equal(
    ds.filter((d) => d.severity === "error").map((d) => `${d.code}@${d.pos.line}:${d.pos.col} ${d.message}`),
    [],
  );
}

/** The checked AST of a source (syntax and space problems dropped), for calling one check directly. */
export function checkedOf(src: string, file = "/tmp/spec.hpo"): CheckedAst {
  const front = new Reporter(file);
  const ast = new AstBuilder(front).file(parseHpo(src).cst);
  return resolve(ast, { file, sha256: "" }, front);
}

/** Runs one check on a node of a checked AST; returns what it reported. */
export function runCheck<N>(check: Check<N>, node: N, c: CheckedAst): Diagnostic[] {
  const report = new Reporter(c.file);
  check(node, c, report);
  return report.diagnostics;
}
