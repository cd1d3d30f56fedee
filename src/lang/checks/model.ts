/**
 * The `model` declaration: a known template with valid arguments, or layers: known layer calls,
 * `when` conditions that are booleans, `repeat` counts that are non-negative integers (W010 when nested).
 */
import { freeNames } from "../../plan/expr.js";
import type { Expr } from "../../plan/types.js";
import type { LayerItem } from "../ast.js";
import { LAYERS, TEMPLATES } from "../../plan/catalog.js";
import type { CheckedAst, DeclOf } from "../checked.js";
import { article, compatible } from "../exprcheck.js";
import { lower } from "../lower.js";
import type { Reporter } from "../report.js";
import { hasError } from "../space.js";
import { checkCatalogueCall, checkDomain, valueCtx } from "./calls.js";
import { trainerRuns } from "./trial.js";

/** `model mlp(…)`: the template and its arguments. */
export function modelTemplate(d: DeclOf<"model">, c: CheckedAst, report: Reporter): void {
  if (trainerRuns(c) && d.template)
    checkCatalogueCall(c, report, d.template, "template", TEMPLATES, valueCtx("model"));
}

/** `model { … }`: every layer item, under the conditions and loops around it. */
export function modelLayers(d: DeclOf<"model">, c: CheckedAst, report: Reporter): void {
  if (trainerRuns(c) && !d.template) layerItems(c, report, d.layers ?? [], [], false);
}

function layerItems(
  c: CheckedAst,
  report: Reporter,
  items: LayerItem[],
  guards: Expr[],
  inRepeat: boolean,
): void {
  for (const item of items) {
    const ctx = valueCtx("model", { guards, inRepeat });
    let condition: Expr | undefined;
    if (item.condition) {
      const t = c.exprs.check(item.condition, ctx);
      if (t !== "bool" && t !== "unknown")
        report.add("E030", item.condition.span, {
          f: "when",
          a: "condition",
          want: "true or false",
          got: article(t),
        });
      if (!hasError(item.condition)) condition = lower(item.condition);
    }
    const inner = condition ? [...guards, condition] : guards;
    if (item.kind === "layer") {
      checkCatalogueCall(c, report, item.call, "layer", LAYERS, { ...ctx, guards: inner });
      continue;
    }
    if (inRepeat) report.add("W010", item.span);
    const t = c.exprs.check(item.count, { ...ctx, guards: inner });
    if (!compatible("int", t))
      report.add("E030", item.count.span, { f: "repeat", a: "count", want: "an integer", got: article(t) });
    checkDomain(
      c,
      report,
      "repeat",
      { name: "count", type: "int", min: 0 },
      item.count,
      { ...ctx, guards: inner },
      "E046",
    );
    // Inside, `i` < count: what proves `units[i]` present in `repeat num_layers { … }` (E056). A nested
    // repeat's `i` shadows the outer one, so the outer loop's facts about `i` are dropped.
    const outer = inner.filter((g) => !freeNames(g).has("i"));
    const body = hasError(item.count) ? outer : [...outer, loopBound(lower(item.count))];
    layerItems(c, report, item.body, body, true);
  }
}

/** `i < count`: what holds inside a `repeat count { … }`. */
function loopBound(count: Expr): Expr {
  return { op: "<", args: [{ op: "param", name: "i" }, count] };
}
