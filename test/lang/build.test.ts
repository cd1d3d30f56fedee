import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseHpo } from "../../grammar/index.js";
import type { AstExpr, Decl } from "../../src/lang/ast.js";
import { AstBuilder } from "../../src/lang/build.js";
import { Reporter } from "../../src/lang/report.js";

/** The expression fully parenthesised, to pin precedence and associativity. */
function paren(e: AstExpr): string {
  switch (e.kind) {
    case "binary":
      return `(${paren(e.left)} ${e.op} ${paren(e.right)})`;
    case "unary":
      return `(${e.op === "neg" ? "-" : "not "}${paren(e.operand)})`;
    case "if":
      return `(if ${paren(e.cond)} then ${paren(e.whenTrue)} else ${paren(e.whenFalse)})`;
    case "paren":
      return paren(e.inner);
    case "num":
    case "dur":
      return e.raw;
    case "name":
      return e.name;
    case "str":
      return JSON.stringify(e.value);
    case "bool":
      return String(e.value);
    case "list":
      return `[${e.elements.map(paren).join(", ")}]`;
    case "call":
      return `${e.callee}(${e.args.map((a) => (a.name ? `${a.name}=${paren(a.value)}` : paren(a.value))).join(", ")})`;
    default:
      return "?";
  }
}

function seedExpr(src: string): string {
  const r = parseHpo(`seed ${src}`);
  assert.equal(
    r.parseErrors.map((e) => e.message),
    [],
  );
  const decl = new AstBuilder(new Reporter("x")).file(r.cst).decls[0] as Extract<Decl, { kind: "seed" }>;
  return paren(decl.value);
}

test("arithmetic precedence: ** over unary minus over * over +, ** right-associative", () => {
  assert.is(seedExpr("-2 ** 3 ** 2"), "(-(2 ** (3 ** 2)))");
  assert.is(seedExpr("1 + 2 * 3 - 4 % 5"), "((1 + (2 * 3)) - (4 % 5))");
  assert.is(seedExpr("a - b - c"), "((a - b) - c)");
});

test("logic precedence: comparison over not over and over or; if is loosest", () => {
  assert.is(seedExpr("not a == 1 and b or c"), "(((not (a == 1)) and b) or c)");
  assert.is(
    seedExpr("if x in [1, 2] then f(y = 1) else 2 * z"),
    "(if (x in [1, 2]) then f(y=1) else (2 * z))",
  );
});

test("every node has a span: a name's position is its own", () => {
  const r = parseHpo("study t\nspace {\n  lr = loguniform(1e-4, 1)\n}");
  const ast = new AstBuilder(new Reporter("x")).file(r.cst);
  const space = ast.decls[1] as Extract<Decl, { kind: "space" }>;
  const item = space.items[0]!;
  assert.is(item.kind, "param");
  if (item.kind !== "param") return;
  assert.equal([item.nameSpan.line, item.nameSpan.col, item.nameSpan.endCol], [3, 3, 5]);
  assert.equal([item.value.span.line, item.value.span.col, item.value.span.endCol], [3, 8, 27]);
});

test("durations are seconds; keywords may name arguments and settings", () => {
  const r = parseHpo("budget { time = 1.5h trial_timeout = 90s }\ndata mnist(validation = 0.1)");
  assert.equal(r.parseErrors, []);
  const ast = new AstBuilder(new Reporter("x")).file(r.cst);
  const budget = ast.decls[0] as Extract<Decl, { kind: "budget" }>;
  assert.equal(
    budget.settings.map((s) => (s.value.kind === "dur" ? s.value.seconds : NaN)),
    [5400, 90],
  );
  const data = ast.decls[1] as Extract<Decl, { kind: "data" }>;
  assert.is(data.call.args[0]?.name, "validation");
});

test.run();
