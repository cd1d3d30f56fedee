/** The `seed` declaration: a constant (E034), non-negative integer (E030). */
import type { CheckedAst, DeclOf } from "../checked.js";
import type { Reporter } from "../report.js";
import { constant } from "../space.js";

/** E034/E030: the seed must be a constant non-negative integer. */
export function seedValue(d: DeclOf<"seed">, _c: CheckedAst, report: Reporter): void {
  const v = constant(d.value, "seed", report);
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    report.add("E030", d.value.span, {
      f: "seed",
      a: "value",
      want: "a non-negative integer",
      got: JSON.stringify(v),
    });
}
