/**
 * One document's analysis: the front end's diagnostics and AST, and an index of that AST by what an
 * editor asks about (the parameters and where each is read, the built-in calls). The index walks the
 * AST generically (any node with `kind: "name"` is a read, any `kind: "call"` a call), so new
 * constructs of the language are navigable without a change here.
 */
import {
  analyzeSource,
  type AstExpr,
  type AstFile,
  type Decl,
  type Diagnostic,
  type Span,
} from "../lang/index.js";
import type { Position } from "vscode-languageserver";

/** A hyperparameter's declaration in `space`. */
export interface ParamDecl {
  name: string;
  nameSpan: Span;
  value: AstExpr;
  condition?: AstExpr;
  span: Span;
}

/** A name read somewhere, in a declaration of kind `decl`. */
export interface NameRef {
  name: string;
  span: Span;
  decl: string;
}

/** A call to a named function, in a declaration of kind `decl`. */
export interface CallRef {
  callee: string;
  calleeSpan: Span;
  decl: string;
  /** A template (`model mlp(…)`) rather than a layer: the same name may be both. */
  template?: boolean;
}

export interface Analysis {
  version: number;
  /** Whether the full checks ran (on open and save) or the fast ones (while typing). */
  full: boolean;
  diagnostics: Diagnostic[];
  ast?: AstFile;
  params: Map<string, ParamDecl>;
  refs: NameRef[];
  calls: CallRef[];
}

/** Runs the front end on a document's text and indexes the result. */
export function analyze(text: string, file: string, version: number, full: boolean): Analysis {
  // A byte-order mark is dropped by the front end; a space in its place keeps every column the same.
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`;
  const { ast, diagnostics } = analyzeSource(text, file, { fast: !full });
  const out: Analysis = { version, full, diagnostics, params: new Map(), refs: [], calls: [] };
  if (!ast) return out;
  out.ast = ast;
  for (const d of ast.decls) index(d, d.kind, out, d);
  return out;
}

function index(node: unknown, decl: string, out: Analysis, owner: Decl): void {
  if (Array.isArray(node)) {
    for (const n of node) index(n, decl, out, owner);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const n = node as Record<string, unknown>;
  if (n.kind === "param" && typeof n.name === "string" && n.nameSpan) {
    if (!out.params.has(n.name)) out.params.set(n.name, n as unknown as ParamDecl);
  } else if (n.kind === "name" && typeof n.name === "string" && n.span) {
    out.refs.push({ name: n.name, span: n.span as Span, decl });
  } else if (n.kind === "index" && typeof n.name === "string" && n.nameSpan) {
    // `units[i]` reads the family `units`: its name is a reference like a plain parameter's.
    out.refs.push({ name: n.name, span: n.nameSpan as Span, decl });
  } else if (n.kind === "call" && typeof n.callee === "string" && n.calleeSpan) {
    const template = owner.kind === "model" && owner.template === node;
    out.calls.push({ callee: n.callee, calleeSpan: n.calleeSpan as Span, decl, template });
  }
  for (const [key, value] of Object.entries(n))
    if (key !== "span" && !key.endsWith("Span")) index(value, decl, out, owner);
}

/** Whether an LSP position (0-based line, UTF-16 character) falls in a span (end inclusive, for a cursor after a word). */
export function contains(span: Span, at: Position): boolean {
  const line = at.line + 1;
  const col = at.character + 1;
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && col < span.col) return false;
  if (line === span.endLine && col > span.endCol) return false;
  return true;
}

/** The parameter named at a position: its declaration or a read of a declared parameter. */
export function paramAt(a: Analysis, at: Position): ParamDecl | undefined {
  for (const p of a.params.values()) if (contains(p.nameSpan, at)) return p;
  const ref = a.refs.find((r) => contains(r.span, at) && a.params.has(r.name));
  return ref ? a.params.get(ref.name) : undefined;
}

/** Every place a parameter is named: its declaration first, then its reads in text order. */
export function occurrences(a: Analysis, name: string): Span[] {
  const decl = a.params.get(name);
  const reads = a.refs.filter((r) => r.name === name).map((r) => r.span);
  reads.sort((x, y) => x.line - y.line || x.col - y.col);
  return decl ? [decl.nameSpan, ...reads] : reads;
}
