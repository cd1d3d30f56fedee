/** Document symbols: the declarations, with a space's parameters, a model's layers and a block's settings inside. */
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver";
import type { AstFile, Decl, LayerItem, Span } from "../lang/index.js";
import { rangeOf } from "./positions.js";

function symbol(
  name: string,
  kind: SymbolKind,
  span: Span,
  selection: Span,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const s: DocumentSymbol = { name, kind, range: rangeOf(span), selectionRange: rangeOf(selection) };
  if (children?.length) s.children = children;
  return s;
}

function layers(items: LayerItem[]): DocumentSymbol[] {
  return items.map((l) =>
    l.kind === "layer"
      ? symbol(l.call?.callee ?? "layer", SymbolKind.Function, l.span, l.call?.calleeSpan ?? l.span)
      : symbol("repeat", SymbolKind.Array, l.span, l.span, layers(l.body)),
  );
}

function declSymbol(d: Decl): DocumentSymbol {
  switch (d.kind) {
    case "study":
      return symbol(`study ${d.name}`, SymbolKind.Module, d.span, d.keywordSpan);
    case "space":
      return symbol(
        "space",
        SymbolKind.Namespace,
        d.span,
        d.keywordSpan,
        d.items.flatMap((i) =>
          i.kind === "param" ? [symbol(i.name, SymbolKind.Variable, i.span, i.nameSpan)] : [],
        ),
      );
    case "model":
      return symbol(
        d.template ? `model ${d.template.callee}` : "model",
        SymbolKind.Class,
        d.span,
        d.keywordSpan,
        d.layers ? layers(d.layers) : [],
      );
    case "train":
    case "budget":
      return symbol(
        d.kind,
        SymbolKind.Object,
        d.span,
        d.keywordSpan,
        d.settings.map((s) => symbol(s.name, SymbolKind.Property, s.span, s.nameSpan)),
      );
    case "data":
    case "strategy":
    case "pruner":
    case "validation":
      return symbol(`${d.kind} ${d.call?.callee ?? ""}`, SymbolKind.Function, d.span, d.keywordSpan);
    case "evaluate":
      return symbol(
        `evaluate ${d.builtin?.callee ?? JSON.stringify(d.module ?? "")}`,
        SymbolKind.Function,
        d.span,
        d.keywordSpan,
      );
    case "objective":
    case "objectives":
      return symbol(
        d.kind,
        SymbolKind.Event,
        d.span,
        d.keywordSpan,
        d.goals.map((g) => symbol(`${g.direction} ${g.metric}`, SymbolKind.Field, g.span, g.metricSpan)),
      );
    default:
      return symbol(d.kind, SymbolKind.Key, d.span, d.keywordSpan);
  }
}

export function documentSymbols(ast: AstFile | undefined): DocumentSymbol[] {
  return (ast?.decls ?? []).filter((d) => d.kind !== "unknown").map(declSymbol);
}
