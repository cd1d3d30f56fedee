import { test } from "uvu";
import * as assert from "uvu/assert";
import { evaluate, ExprError, freeNames } from "../../src/plan/expr.js";
import type { Expr } from "../../src/plan/types.js";

const lit = (value: number | string | boolean): Expr => ({ op: "lit", value });
const p = (name: string): Expr => ({ op: "param", name });
const bin = (op: Expr["op"], a: Expr, b: Expr): Expr => ({ op, args: [a, b] });

test("evaluates arithmetic with operator semantics of the language", () => {
  assert.is(evaluate(bin("**", lit(2), lit(10)), {}), 1024);
  assert.is(evaluate(bin("%", lit(-1), lit(4)), {}), 3);
  assert.is(evaluate(bin("*", p("filters"), bin("**", lit(2), p("i"))), { filters: 32, i: 2 }), 128);
});

test("reads parameters and rejects absent ones", () => {
  assert.is(evaluate(bin("==", p("opt"), lit("sgd")), { opt: "sgd" }), true);
  assert.throws(
    () => evaluate(p("momentum"), { opt: "adam" }),
    (e: unknown) => e instanceof ExprError,
  );
});

test("keeps non-builtin calls symbolic and computes builtins", () => {
  const call: Expr = { op: "call", name: "sgd", args: [], kwargs: { lr: p("lr") } };
  assert.equal(evaluate(call, { lr: 0.1 }), { call: "sgd", args: [], kwargs: { lr: 0.1 } });
  assert.is(evaluate({ op: "call", name: "max", args: [lit(3), p("x")] }, { x: 7 }), 7);
});

test("if, in and freeNames", () => {
  const e: Expr = {
    op: "if",
    args: [{ op: "in", args: [p("b"), { op: "list", args: [lit(1), lit(2)] }] }, lit("yes"), lit("no")],
  };
  assert.is(evaluate(e, { b: 2 }), "yes");
  assert.is(evaluate(e, { b: 3 }), "no");
  assert.equal([...freeNames(e)], ["b"]);
});

test.run();
