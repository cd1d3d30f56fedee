/** Collects diagnostics for one file; checks call `add` with a code, a span and the template's arguments. */
import type { Span } from "./ast.js";
import { type Code, type Diagnostic, message, severityOf } from "./diagnostics.js";

export interface Extra {
  hint?: string;
  notes?: string[];
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  add(code: Code, span: Span, args: Record<string, string | number> = {}, extra: Extra = {}): void {
    const d: Diagnostic = {
      code,
      severity: severityOf(code),
      message: message(code, args),
      file: this.file,
      pos: { line: span.line, col: span.col, endLine: span.endLine, endCol: span.endCol },
    };
    if (extra.hint) d.hint = extra.hint;
    if (extra.notes?.length) d.notes = extra.notes;
    this.diagnostics.push(d);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }
}
