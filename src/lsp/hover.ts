/** Hover: a parameter's distribution, condition and reads; a built-in's signature and arguments. */
import { type Hover, MarkupKind, type Position } from "vscode-languageserver";
import { exprText } from "../lang/index.js";
import { type Analysis, contains, occurrences, paramAt } from "./analysis.js";
import { BUILTINS, builtinMarkdown, builtinOf } from "./builtins.js";
import { rangeOf } from "./positions.js";

export function hover(a: Analysis, at: Position, docsUrl: string): Hover | null {
  const param = paramAt(a, at);
  if (param) {
    const where = occurrences(a, param.name).slice(1);
    const usedIn = where.map((s) => {
      const ref = a.refs.find((r) => r.span === s);
      return `${ref?.decl ?? "?"} (line ${s.line})`;
    });
    const lines = [
      `**${param.name}** — hyperparameter`,
      "",
      "```hpo",
      `${param.name} = ${exprText(param.value)}${param.condition ? ` when ${exprText(param.condition)}` : ""}`,
      "```",
      "",
      param.condition ? `Present only when \`${exprText(param.condition)}\`.` : "Present in every trial.",
      "",
      usedIn.length ? `Used in: ${usedIn.join(", ")}.` : "Not used anywhere.",
    ];
    const span = [param.nameSpan, ...a.refs.filter((r) => r.name === param.name).map((r) => r.span)].find(
      (s) => contains(s, at),
    );
    return {
      contents: { kind: MarkupKind.Markdown, value: lines.join("\n") },
      ...(span ? { range: rangeOf(span) } : {}),
    };
  }
  const call = a.calls.find((c) => contains(c.calleeSpan, at));
  if (!call) return null;
  const found = call.template
    ? { table: BUILTINS.template, spec: BUILTINS.template.functions[call.callee] }
    : builtinOf(call.callee, call.decl);
  if (!found?.spec) return null;
  return {
    contents: {
      kind: MarkupKind.Markdown,
      value: builtinMarkdown(call.callee, found.table, found.spec, docsUrl),
    },
    range: rangeOf(call.calleeSpan),
  };
}
