/**
 * The .hpo front end: text → diagnostics and, when there is no error, the Plan.
 * `compileSource` never throws on any input; `formatDiagnostics` renders the FILE:LINE:COL + caret text.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IToken } from "chevrotain";
import { MAX_CHAIN, MAX_NESTING, parseHpo } from "../../grammar/index.js";
import type { Plan } from "../plan/types.js";
import type { AstFile, Span } from "./ast.js";
import { AstBuilder, tokenSpan } from "./build.js";
import { type CompileContext, resolve } from "./checked.js";
import { runChecks } from "./checks/index.js";
import { compile } from "./compile.js";
import type { Diagnostic } from "./diagnostics.js";
import { FIRST_CHAR, Reporter, TOO_DEEP, isStackOverflow } from "./report.js";

export type { Diagnostic } from "./diagnostics.js";
export type * from "./ast.js";
export { suggestionOf } from "./diagnostics.js";
export { expr as exprText } from "./format.js";
export { DECLARATIONS, RESERVED } from "./keywords.js";
export { type LexToken, lexSource } from "./lex.js";
export { formatDiagnostics } from "./render.js";
export { formatSource } from "./format.js";
export { declareParams } from "./declare.js";

/** The largest spec the front end reads: far above any real one, it bounds the time a check can take. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export interface CompileOptions {
  /** Skip the slow checks (E051, E052, W007, E063, E064 and unused-parameter W003): for editors. */
  fast?: boolean;
}

/**
 * Checks an AST (resolve, then every registered check) and, when no error was found, compiles it:
 * the phases in their fixed order.
 */
export function compileAst(ast: AstFile, ctx: CompileContext, report: Reporter): Plan | undefined {
  const checked = resolve(ast, ctx, report);
  runChecks(checked, report);
  return report.errorCount > 0 ? undefined : compile(checked);
}

/** Parses, checks and (without errors) compiles a .hpo text; `file` names it in messages and resolves paths. */
export function compileSource(
  text: string,
  file: string,
  options: CompileOptions = {},
): { plan?: Plan; diagnostics: Diagnostic[] } {
  const { plan, diagnostics } = analyzeSource(text, file, options);
  return plan ? { plan, diagnostics } : { diagnostics };
}

/**
 * `compileSource` that also returns the AST (when the text parsed far enough to build one): editors
 * navigate it by its spans. Never throws.
 */
export function analyzeSource(
  text: string,
  file: string,
  options: CompileOptions = {},
): { plan?: Plan; ast?: AstFile; diagnostics: Diagnostic[] } {
  const report = new Reporter(file);
  // A UTF-8 byte-order mark (some Windows editors write one) is not part of the text.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_SPEC_BYTES) {
    report.add("E006", FIRST_CHAR, { size: bytes, max: MAX_SPEC_BYTES });
    return { diagnostics: report.diagnostics };
  }
  let ast: AstFile | undefined;
  try {
    ast = parseToAst(text, report);
    if (!ast) return { diagnostics: report.diagnostics };
    const sha256 = createHash("sha256").update(text).digest("hex");
    const plan = compileAst(ast, { file, sha256, fast: options.fast }, report);
    const diagnostics = sortDiagnostics(report.diagnostics);
    return plan && !diagnostics.some((d) => d.severity === "error")
      ? { plan, ast, diagnostics }
      : { ast, diagnostics };
  } catch (err) {
    if (isStackOverflow(err)) report.add("E017", FIRST_CHAR, TOO_DEEP);
    else
      report.add("E000", FIRST_CHAR, {
        check: "front end",
        error: err instanceof Error ? err.message : String(err),
      });
    return ast ? { ast, diagnostics: report.diagnostics } : { diagnostics: report.diagnostics };
  }
}

/**
 * Text → AST with the syntax diagnostics. A function of its own so that the CST and tokens are garbage
 * once it returns: kept alive through the checks, they were copied by every young-generation GC.
 */
function parseToAst(text: string, report: Reporter): AstFile | undefined {
  const parsed = parseHpo(text);
  // Not parsed: the one problem to fix first, without the noise of a file that seems empty.
  if (parsed.tooDeep) {
    report.add("E017", tokenSpan(parsed.tooDeep), {
      what: "brackets, prefix operators or operator chains",
      max: `${MAX_NESTING} levels, ${MAX_CHAIN} operators`,
    });
    return undefined;
  }
  syntaxDiagnostics(text, parsed.tokens, parsed.lexErrors, parsed.parseErrors, report);
  return new AstBuilder(report).file(parsed.cst);
}

/** Reads and compiles a file; a file that cannot be read is one E093-style diagnostic, not a throw. */
export function compileFile(
  path: string,
  options: CompileOptions = {},
): { plan?: Plan; diagnostics: Diagnostic[]; source: string } {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    const report = new Reporter(path);
    report.add("E092", { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 }, { p: path });
    return { diagnostics: report.diagnostics, source: "" };
  }
  return { ...compileSource(source, path, options), source };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const key = `${d.code}:${d.pos.line}:${d.pos.col}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}

const BRACKETS: Record<string, string> = { "{": "}", "(": ")", "[": "]" };

function endOfText(text: string): Span {
  const lines = text.split("\n");
  const line = lines.length;
  const col = (lines[line - 1]?.length ?? 0) + 1;
  return { line, col, endLine: line, endCol: col + 1, offset: text.length, endOffset: text.length + 1 };
}

/** E011 at an opening bracket. */
function unclosedAt(t: IToken, report: Reporter): void {
  report.add("E011", tokenSpan(t), { open: t.image, l: t.startLine ?? 1, c: t.startColumn ?? 1 });
}

/** Lexing (E001), unclosed brackets (E011) and parse errors (E010). */
function syntaxDiagnostics(
  text: string,
  tokens: IToken[],
  lexErrors: { offset: number; line?: number; column?: number; length: number }[],
  parseErrors: { message: string; token: IToken }[],
  report: Reporter,
): void {
  for (const e of lexErrors) {
    const line = e.line ?? 1;
    const col = e.column ?? 1;
    const c = text[e.offset] ?? "";
    report.add(
      "E001",
      { line, col, endLine: line, endCol: col + 1, offset: e.offset, endOffset: e.offset + 1 },
      {
        c: c === "\t" ? "\\t" : c,
      },
    );
  }
  const stack: IToken[] = [];
  for (const t of tokens) {
    const image = t.image;
    if (image.length !== 1) continue;
    switch (image) {
      case "{":
      case "(":
      case "[":
        stack.push(t);
        break;
      case "}":
      case ")":
      case "]": {
        // A closer that matches an opener further down closes it, and the openers above it are the
        // ones never closed: `space { x = f(1, 2 }` leaves `(` open, not `{`.
        const at = stack.findLastIndex((o) => BRACKETS[o.image] === image);
        if (at < 0) break;
        for (const open of stack.splice(at).slice(1)) unclosedAt(open, report);
        break;
      }
    }
  }
  const unclosed = stack.length > 0;
  for (const t of stack) unclosedAt(t, report);
  let lastLine = -1;
  for (const e of parseErrors) {
    const t = e.token;
    const atEnd = Number.isNaN(t.startOffset) || t.tokenType?.name === "EOF";
    if (atEnd && unclosed) continue;
    const span = atEnd ? endOfText(text) : tokenSpan(t);
    // Recovery may report the same spot repeatedly; one message per line is what a user reads.
    if (span.line === lastLine) continue;
    lastLine = span.line;
    const m = /^expected (.*), found (.*)$/s.exec(e.message);
    report.add("E010", span, { what: m?.[1] ?? "something else", token: m?.[2] ?? `\`${t.image}\`` });
  }
}
