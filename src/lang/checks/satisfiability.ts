/**
 * The space as a whole, by enumeration or seeded sampling (slow): parameters that can never be active
 * (E051), constraints nothing satisfies (E052) or that reject nearly every draw (W007).
 */
import { activityClosure, configurations, holds, namesRead } from "../analysis.js";
import type { AstFile } from "../ast.js";
import type { CheckedAst } from "../checked.js";
import { show } from "../lower.js";
import type { Reporter } from "../report.js";

/** E051: a conditional parameter whose condition is false in every configuration. */
export function everActive(_file: AstFile, c: CheckedAst, report: Reporter): void {
  for (const p of c.space.space) {
    if (!p.condition) continue;
    const info = c.space.params.get(p.name)!;
    if (c.exprs.proveActive(p.name, []) === "unprovable") continue;
    // proveActive found a config where the parameter is absent; check whether it is ever present.
    if (!c.values.everActive(p.name))
      report.add("E051", info.span, { n: p.name, cond: info.conditionAst ? show(info.conditionAst) : "" });
  }
}

/**
 * E052/W007 by seeded sampling (or full enumeration when small). Constraints that share no parameter
 * are independent, so each group is checked on its own parameters only: the pass rate of the whole
 * is the product of the groups' rates.
 */
export function constraintsSatisfiable(_file: AstFile, c: CheckedAst, report: Reporter): void {
  const { space, constraints } = c.space;
  if (constraints.length === 0 || space.length === 0) return;
  const groups: { names: Set<string>; members: typeof constraints }[] = [];
  for (const k of constraints) {
    const names = activityClosure(c.values.specs, namesRead(k.expr));
    const overlapping = groups.filter((g) => [...names].some((n) => g.names.has(n)));
    const merged = { names, members: [k] };
    for (const g of overlapping) {
      for (const n of g.names) merged.names.add(n);
      merged.members.push(...g.members);
      groups.splice(groups.indexOf(g), 1);
    }
    groups.push(merged);
  }
  let passRate = 1;
  for (const g of groups) {
    const { configs } = configurations(
      space.filter((p) => g.names.has(p.name)),
      c.seed,
      1000,
    );
    const pass = configs.filter((x) => g.members.every((k) => holds(k.expr, x))).length;
    if (pass === 0) {
      const culprit = g.members.find((k) => !configs.some((x) => holds(k.expr, x))) ?? g.members[0]!;
      report.add("E052", culprit.span, { k: configs.length, c: show(culprit.ast) });
      return;
    }
    passRate *= pass / configs.length;
  }
  if (passRate < 0.01) report.add("W007", constraints[0]!.span, { pct: ((1 - passRate) * 100).toFixed(1) });
}
