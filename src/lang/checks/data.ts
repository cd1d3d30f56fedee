/** The `data` declaration: a known reader with valid arguments (E023, E02x, E030, E046), files that exist (E092). */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { lowerCallArgs } from "../bind.js";
import { READERS } from "../../plan/catalog.js";
import type { CheckedAst, DeclOf } from "../checked.js";
import type { Reporter } from "../report.js";
import { checkCatalogueCall, valueCtx } from "./calls.js";
import { trainerRuns } from "./trial.js";

/** The reader call and its arguments. */
export function readerCall(d: DeclOf<"data">, c: CheckedAst, report: Reporter): void {
  if (trainerRuns(c)) checkCatalogueCall(c, report, d.call, "reader", READERS, valueCtx("data"));
}

/** E092: `path` (and `test` when it names a file rather than a fraction) must exist, relative to the spec. */
export function dataFiles(d: DeclOf<"data">, c: CheckedAst, report: Reporter): void {
  const spec = READERS[d.call.callee];
  if (!trainerRuns(c) || !spec) return;
  const args = lowerCallArgs(d.call, spec);
  for (const key of ["path", "test"]) {
    const e = args[key];
    const v = e?.op === "lit" ? e.value : undefined;
    if (!e || typeof v !== "string") continue;
    if (existsSync(isAbsolute(v) ? v : join(c.dir, v))) continue;
    const given =
      d.call.args.find((a) => a.name === key) ??
      (key === "path" ? d.call.args.find((a) => a.name === undefined) : undefined);
    report.add("E092", given?.value.span ?? d.call.span, { p: v });
  }
}
