/** AST expressions → the Plan's evaluable Expr (src/plan/expr.ts), folding what reads no parameter. */
import { evaluate, ExprError, freeNames } from "../plan/expr.js";
import type { Expr } from "../plan/types.js";
import type { AstExpr, Span } from "./ast.js";

/** Lowers an expression; scalar sub-expressions that read no name are computed now. */
export function lower(e: AstExpr): Expr {
  const out = lowerRaw(e);
  return fold(out);
}

function fold(x: Expr): Expr {
  if (x.op === "lit" || x.op === "param" || freeNames(x).size > 0) return x;
  try {
    const v = evaluate(x, {});
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
      const lit: Expr = { op: "lit", value: v };
      return lit;
    }
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
  }
  return x;
}

function lowerRaw(e: AstExpr): Expr {
  switch (e.kind) {
    case "num":
    case "str":
    case "bool":
      return { op: "lit", value: e.value };
    case "dur":
      return { op: "lit", value: e.seconds, unit: "s" };
    case "name":
      return { op: "param", name: e.name };
    case "list":
      return { op: "list", args: e.elements.map(lower) };
    case "call": {
      const positional = e.args.filter((a) => a.name === undefined).map((a) => lower(a.value));
      const named = e.args.filter((a) => a.name !== undefined);
      const x: Expr = { op: "call", name: e.callee, args: positional };
      if (named.length > 0)
        x.kwargs = Object.fromEntries(named.map((a) => [a.name as string, lower(a.value)]));
      return x;
    }
    case "unary":
      return { op: e.op, args: [lower(e.operand)] };
    case "binary":
      return { op: e.op, args: [lower(e.left), lower(e.right)] };
    case "if":
      return { op: "if", args: [lower(e.cond), lower(e.whenTrue), lower(e.whenFalse)] };
    case "paren":
      return lower(e.inner);
    case "index":
      return { op: "index", name: e.name, args: [lower(e.index)] };
    case "error":
      return { op: "lit", value: 0 };
  }
}

/** The expression as the user would write it (for messages). */
export function show(e: AstExpr): string {
  switch (e.kind) {
    case "num":
    case "dur":
      return e.raw;
    case "str":
      return JSON.stringify(e.value);
    case "bool":
      return String(e.value);
    case "name":
      return e.name;
    case "list":
      return `[${e.elements.map(show).join(", ")}]`;
    case "call":
      return `${e.callee}(${e.args.map((a) => (a.name ? `${a.name} = ${show(a.value)}` : show(a.value))).join(", ")})`;
    case "unary":
      return e.op === "neg" ? `-${show(e.operand)}` : `not ${show(e.operand)}`;
    case "binary":
      return `${show(e.left)} ${e.op} ${show(e.right)}`;
    case "if":
      return `if ${show(e.cond)} then ${show(e.whenTrue)} else ${show(e.whenFalse)}`;
    case "paren":
      return `(${show(e.inner)})`;
    case "index":
      return `${e.name}[${show(e.index)}]`;
    case "error":
      return "…";
  }
}

/** Every `name` node of an expression (hyperparameter or loop-variable reads), and every family read (`units[…]`: `units`). */
export function names(e: AstExpr, out: { name: string; span: Span }[] = []): { name: string; span: Span }[] {
  switch (e.kind) {
    case "name":
      out.push({ name: e.name, span: e.span });
      break;
    case "list":
      for (const x of e.elements) names(x, out);
      break;
    case "call":
      for (const a of e.args) names(a.value, out);
      break;
    case "unary":
      names(e.operand, out);
      break;
    case "binary":
      names(e.left, out);
      names(e.right, out);
      break;
    case "if":
      names(e.cond, out);
      names(e.whenTrue, out);
      names(e.whenFalse, out);
      break;
    case "paren":
      names(e.inner, out);
      break;
    case "index":
      out.push({ name: e.name, span: e.nameSpan });
      names(e.index, out);
      break;
  }
  return out;
}
