/**
 * The front end's diagnostics as LSP diagnostics: the code links to the table of docs/language.md,
 * the notes and help follow the message, and what a quick fix needs (a suggested replacement, a
 * missing guard) travels in `data` so that code actions need no state.
 */
import { type Diagnostic as LspDiagnostic, DiagnosticSeverity } from "vscode-languageserver";
import { type Diagnostic, suggestionOf } from "../lang/index.js";
import { rangeOf } from "./positions.js";

/** What a quick fix for one diagnostic needs. */
export interface FixData {
  /** The replacement "did you mean …" suggests for the diagnostic's range. */
  suggestion?: string;
  /** E050: the condition under which the parameter read exists. */
  guard?: string;
}

export function toLspDiagnostic(d: Diagnostic, docsUrl: string): LspDiagnostic {
  const extra = [...(d.notes ?? []).map((n) => `note: ${n}`), ...(d.hint ? [`help: ${d.hint}`] : [])];
  const data: FixData = {};
  const suggestion = suggestionOf(d);
  if (suggestion !== undefined) data.suggestion = suggestion;
  const guard = d.code === "E050" ? /exists only when (.+)$/.exec(d.message)?.[1] : undefined;
  if (guard) data.guard = guard;
  return {
    range: rangeOf(d.pos),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    codeDescription: { href: `${docsUrl}#diagnostics` },
    source: "hpo",
    message: [d.message, ...extra].join("\n"),
    data,
  };
}
