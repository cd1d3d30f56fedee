/**
 * The `evaluate` declaration: a user module that exists and is JavaScript or TypeScript (E093), or a
 * known test function (E023) with its dimension (E034) and its parameters x1…xn in the space (E065, E030).
 */
import { existsSync, statSync } from "node:fs";
import { extname, isAbsolute, join } from "node:path";
import { testFunctionArgs, testFunctionDims, testFunctionSpec } from "../bind.js";
import type { CheckedAst, DeclOf } from "../checked.js";
import { TEST_FUNCTIONS } from "../../plan/catalog.js";
import { didYouMean } from "../diagnostics.js";
import { article } from "../exprcheck.js";
import type { Reporter } from "../report.js";
import { checkCatalogueCall, valueCtx } from "./calls.js";

/** E093: the objective module's extension and existence. */
export function objectiveModule(d: DeclOf<"evaluate">, c: CheckedAst, report: Reporter): void {
  if (d.module === undefined) return;
  const abs = isAbsolute(d.module) ? d.module : join(c.dir, d.module);
  const span = d.moduleSpan ?? d.span;
  if (![".mjs", ".js", ".ts", ".cjs"].includes(extname(abs)))
    report.add("E093", span, {
      what: `the objective module \`${d.module}\` must be a .mjs, .js or .ts file`,
    });
  else if (!existsSync(abs) || !statSync(abs).isFile())
    report.add("E093", span, { what: `no module \`${d.module}\` (paths are relative to the spec)` });
}

/** A built-in test function: known, its arguments, a constant `dim`, and its parameters declared as numbers. */
export function testFunction(d: DeclOf<"evaluate">, c: CheckedAst, report: Reporter): void {
  if (d.module !== undefined || !d.builtin) return;
  const call = d.builtin;
  const fn = TEST_FUNCTIONS[call.callee];
  if (!fn) {
    report.add(
      "E023",
      call.calleeSpan,
      {
        kind: "test function",
        f: call.callee,
        best: didYouMean(call.callee, Object.keys(TEST_FUNCTIONS)),
        list: Object.keys(TEST_FUNCTIONS).join(", "),
      },
      { hint: 'a user objective is a string path: evaluate "./objective.mjs"' },
    );
    return;
  }
  checkCatalogueCall(
    c,
    report,
    call,
    "test function",
    { [call.callee]: testFunctionSpec(fn) },
    valueCtx("evaluate"),
  );
  const dims = testFunctionDims(call, fn);
  if (dims === undefined) {
    if (testFunctionArgs(call, fn).dim) report.add("E034", call.span, { n: "dim" });
    return;
  }
  const wanted = Array.from({ length: dims }, (_, i) => `x${i + 1}`);
  const missing = wanted.filter((n) => !c.space.params.has(n));
  if (missing.length > 0 && c.decls.has("space"))
    report.add(
      "E065",
      call.span,
      { f: call.callee, names: missing.map((n) => `\`${n}\``).join(", ") },
      { hint: `e.g. ${missing[0]} = uniform(-5, 5)` },
    );
  for (const n of wanted) {
    const p = c.space.params.get(n);
    if (p && (p.spec.kind === "categorical" || p.spec.kind === "fixed") && c.exprs.paramType(n) !== "number")
      report.add("E030", p.span, {
        f: call.callee,
        a: n,
        want: "a number",
        got: article(c.exprs.paramType(n)),
      });
  }
}
