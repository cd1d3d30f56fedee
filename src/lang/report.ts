/** Collects diagnostics for one file; checks call `add` with a code, a span and the template's arguments. */
import type { Span } from "./ast.js";
import { type Code, type Diagnostic, message, severityOf } from "./diagnostics.js";

/** The first character of a file: where file-wide problems are reported. */
export const FIRST_CHAR: Span = { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };

/** E017's arguments when a pass ran out of stack: nesting (or an operator chain) beyond what it can follow. */
export const TOO_DEEP = {
  what: "expressions (brackets, operators or chains like `1 + 1 + …`)",
  max: "what the checker's stack holds",
};

/** Whether a throw is V8's stack overflow: deep input, reported as E017 rather than an internal error. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

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
