/**
 * Quick fixes for the diagnostics that say what would fix them: "did you mean `x`?" replaces the
 * span with the suggestion; E050 (a conditional parameter read unguarded) adds the missing `when`
 * to the parameter or layer that reads it.
 */
import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic,
  type Range,
  type TextEdit,
} from "vscode-languageserver";
import { type AstFile, exprText, type LayerItem, type Span } from "../lang/index.js";
import { contains } from "./analysis.js";
import type { FixData } from "./diagnostics.js";
import { rangeOf } from "./positions.js";

/**
 * The quick fixes for `diagnostics` (as the client sends them back, with their `data`); `textAt` reads the
 * document, so that a suggestion replaces only a word or a string literal of the same kind.
 */
export function quickFixes(
  uri: string,
  diagnostics: Diagnostic[],
  ast: AstFile | undefined,
  textAt: (range: Range) => string,
): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = (d.data ?? {}) as FixData;
    if (data.suggestion !== undefined && sameKind(textAt(d.range), data.suggestion)) {
      out.push(
        fix(`Change to ${data.suggestion}`, uri, d, [{ range: d.range, newText: data.suggestion }], true),
      );
    }
    if (data.guard && ast) {
      const edit = guardEdit(ast, d, data.guard);
      if (edit) out.push(fix(`Add \`when ${data.guard}\``, uri, d, [edit], true));
    }
  }
  return out;
}

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STRING = /^"(?:[^"\\\n]|\\.)*"$/;

/** Whether `text` and its replacement are both names or both string literals. */
function sameKind(text: string, replacement: string): boolean {
  return (WORD.test(text) && WORD.test(replacement)) || (STRING.test(text) && STRING.test(replacement));
}

function fix(title: string, uri: string, d: Diagnostic, edits: TextEdit[], preferred: boolean): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: preferred,
    edit: { changes: { [uri]: edits } },
  };
}

/** A guardable item: a space parameter or a layer (or `repeat`), with its condition if it has one. */
interface Guardable {
  span: Span;
  condition?: { span: Span; kind: string };
}

/** Adds `when GUARD` to the innermost parameter or layer that holds the read, or `and`s it to its condition. */
function guardEdit(ast: AstFile, d: Diagnostic, guard: string): TextEdit | undefined {
  const items: Guardable[] = [];
  const layers = (ls: LayerItem[]) => {
    for (const l of ls) {
      items.push(l);
      if (l.kind === "repeat") layers(l.body);
    }
  };
  for (const decl of ast.decls) {
    if (decl.kind === "space") for (const i of decl.items) if (i.kind === "param") items.push(i);
    if (decl.kind === "model" && decl.layers) layers(decl.layers);
  }
  const at = d.range.start;
  const holder = items
    .filter((i) => contains(i.span, at) && !(i.condition && contains(i.condition.span, at)))
    .at(-1);
  if (!holder) return undefined;
  if (!holder.condition) {
    const end = rangeOf(holder.span).end;
    return { range: { start: end, end }, newText: ` when ${guard}` };
  }
  const old = exprText(holder.condition as Parameters<typeof exprText>[0]);
  const wrapped = holder.condition.kind === "binary" && / or /.test(old) ? `(${old})` : old;
  return { range: rangeOf(holder.condition.span), newText: `${wrapped} and ${guard}` };
}
