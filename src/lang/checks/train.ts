/**
 * The `train` block: known settings given once (E012, E024) with values of the right type and domain
 * (E030, E046), an optimizer (E025), and learning rates that matter (W001, W004).
 */
import type { AstExpr, Span } from "../ast.js";
import { knownSettings } from "../bind.js";
import { CALLBACKS, type FunctionSpec, OPTIMIZERS, SCHEDULES, TRAIN_SETTINGS } from "../../plan/catalog.js";
import type { CheckedAst, DeclOf } from "../checked.js";
import { article, compatible, describeWant } from "../exprcheck.js";
import { names, show } from "../lower.js";
import type { Reporter } from "../report.js";
import { checkDomain, checkSettings, valueCtx } from "./calls.js";
import { trainerRuns } from "./trial.js";

const CALL_KINDS: Record<string, { kind: string; table: Record<string, FunctionSpec> }> = {
  optimizer: { kind: "optimizer", table: OPTIMIZERS },
  schedule: { kind: "schedule", table: SCHEDULES },
  early_stopping: { kind: "callback", table: CALLBACKS },
};

/** Each setting: known, once, of its type and in its domain; W001 on the optimizer's rate. */
export function trainSettings(d: DeclOf<"train">, c: CheckedAst, report: Reporter): void {
  if (!trainerRuns(c)) return;
  checkSettings(report, d.settings, TRAIN_SETTINGS, "train");
  for (const [name, s] of knownSettings(d.settings, TRAIN_SETTINGS)) {
    const spec = TRAIN_SETTINGS[name]!;
    const ctx = valueCtx("train", { callKind: CALL_KINDS[name] });
    const t = c.exprs.check(s.value, ctx);
    if (!compatible(spec.type, t))
      report.add("E030", s.value.span, {
        f: "train",
        a: name,
        want: describeWant(spec.type),
        got: article(t),
      });
    else checkDomain(c, report, "train", spec, s.value, ctx, "E046");
    if (name === "optimizer") learningRateRange(c, report, s.value);
  }
}

/** E025: training needs an optimizer. */
export function optimizerGiven(d: DeclOf<"train">, c: CheckedAst, report: Reporter): void {
  if (trainerRuns(c) && !knownSettings(d.settings, TRAIN_SETTINGS).has("optimizer"))
    report.add("E025", d.keywordSpan, { f: "train", a: "optimizer" });
}

/** W004: a `cyclic` schedule sets the rate itself, so a hyperparameter read by the optimizer's `lr` has no effect there. */
export function cyclicIgnoresRate(d: DeclOf<"train">, c: CheckedAst, report: Reporter): void {
  if (!trainerRuns(c)) return;
  const seen = knownSettings(d.settings, TRAIN_SETTINGS);
  const optimizer = seen.get("optimizer");
  const schedule = seen.get("schedule");
  if (!optimizer || !schedule) return;
  const when = cyclicCondition(schedule.value);
  if (when === undefined) return;
  const lrNames: { name: string; span: Span }[] = [];
  for (const lr of optimizerRates(optimizer.value))
    lrNames.push(...names(lr).filter((n) => c.space.params.has(n.name)));
  for (const n of lrNames) report.add("W004", n.span, { n: n.name, cond: when });
}

/** W001: an optimizer's `lr` read straight from a hyperparameter whose range goes above 1. */
function learningRateRange(c: CheckedAst, report: Reporter, e: AstExpr): void {
  for (const lr of optimizerRates(e)) {
    if (lr.kind !== "name") continue;
    const p = c.space.params.get(lr.name)?.spec;
    const high =
      p?.kind === "float" || p?.kind === "int"
        ? p.high
        : p?.kind === "categorical"
          ? Math.max(...p.choices.filter((x) => typeof x === "number"))
          : undefined;
    if (high !== undefined && high > 1) report.add("W001", lr.span, { n: lr.name, high });
  }
}

/** The `lr` argument (named or first) of each optimizer call an `optimizer` value may take, through `if` and parentheses. */
function optimizerRates(e: AstExpr, out: AstExpr[] = []): AstExpr[] {
  if (e.kind === "call" && e.callee in OPTIMIZERS) {
    const lr = e.args.find((a) => a.name === "lr") ?? e.args.find((a) => a.name === undefined);
    if (lr) out.push(lr.value);
  }
  if (e.kind === "if") {
    optimizerRates(e.whenTrue, out);
    optimizerRates(e.whenFalse, out);
  }
  if (e.kind === "paren") optimizerRates(e.inner, out);
  return out;
}

/** When a schedule expression is a `cyclic(…)` call: "the schedule is cyclic", or the branch condition. */
function cyclicCondition(e: AstExpr): string | undefined {
  if (e.kind === "paren") return cyclicCondition(e.inner);
  if (e.kind === "call")
    return e.callee === "cyclic"
      ? "the schedule is `cyclic`, which sets the rate from min_lr and max_lr"
      : undefined;
  if (e.kind !== "if") return undefined;
  const yes = cyclicCondition(e.whenTrue);
  if (yes !== undefined) return `${show(e.cond)} (the schedule is then \`cyclic\`)`;
  const no = cyclicCondition(e.whenFalse);
  if (no !== undefined) return `not (${show(e.cond)}) (the schedule is then \`cyclic\`)`;
  return undefined;
}
