/** The `validation` declaration: only with the trainer (E032), not beside a split in `data` (E066), known with valid options (E023, E084). */
import { VALIDATIONS } from "../../plan/catalog.js";
import type { CheckedAst, DeclOf } from "../checked.js";
import { dataValidationFraction } from "../compile.js";
import type { Reporter } from "../report.js";
import { checkOptions } from "./options.js";

/** E032/E066: a validation scheme belongs to the trainer, and is set once. */
export function validationPlace(d: DeclOf<"validation">, c: CheckedAst, report: Reporter): void {
  if (c.trial.kind === "evaluate" && c.trial.complete)
    report.add("E032", d.keywordSpan, { kind: "declaration", f: "validation", decl: "evaluate" });
  if (dataValidationFraction(c) !== undefined) report.add("E066", d.keywordSpan);
}

/** The scheme's function and options. */
export function validationOptions(d: DeclOf<"validation">, c: CheckedAst, report: Reporter): void {
  checkOptions(c, report, d.call, "validation scheme", VALIDATIONS);
}
