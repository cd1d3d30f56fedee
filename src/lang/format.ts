/**
 * `hpo fmt`: the canonical layout of a .hpo file. Two-space indentation, one declaration or block
 * item per line, single spaces around `=` and operators, blank lines kept (at most one), comments
 * kept where they were (a comment inside a multi-line item moves just below it). Idempotent.
 */
import type { IToken } from "chevrotain";
import { parseHpo } from "../../grammar/index.js";
import type { AstArg, AstExpr, Decl, Goal, LayerItem, Span } from "./ast.js";
import { AstBuilder } from "./build.js";
import type { Diagnostic } from "./diagnostics.js";
import { Reporter } from "./report.js";

/** The formatted text, or the syntax diagnostics that prevent formatting. */
export function formatSource(text: string, file: string): { text?: string; diagnostics: Diagnostic[] } {
  const parsed = parseHpo(text);
  const report = new Reporter(file);
  const ast = new AstBuilder(report).file(parsed.cst);
  if (
    parsed.lexErrors.length ||
    parsed.parseErrors.length ||
    report.diagnostics.length ||
    ast.decls.some((d) => d.kind === "unknown")
  ) {
    // Let the full front end word the problems.
    return { diagnostics: [] };
  }
  const printer = new Printer(parsed.comments);
  for (const d of ast.decls) printer.decl(d);
  printer.finish();
  return { text: printer.text(), diagnostics: [] };
}

const INDENT = "  ";

class Printer {
  private readonly out: string[] = [];
  private next = 0;
  private prevEndLine = 0;
  private afterOpen = false;

  constructor(private readonly comments: IToken[]) {}

  text(): string {
    return this.out.length ? `${this.out.join("\n")}\n` : "";
  }

  private push(indent: number, line: string): void {
    this.out.push(`${INDENT.repeat(indent)}${line}`);
    return;
  }

  private blankIfNeeded(line: number): void {
    if (this.out.length > 0 && !this.afterOpen && line - this.prevEndLine > 1) this.out.push("");
    this.afterOpen = false;
  }

  /** Comments before `offset`, each on its own line. */
  private leading(indent: number, offset: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.startOffset < offset) {
      const c = this.comments[this.next++]!;
      this.blankIfNeeded(c.startLine ?? 0);
      this.push(indent, c.image.trimEnd());
      this.prevEndLine = c.startLine ?? this.prevEndLine;
    }
  }

  /** One item: leading comments, its lines, comments inside it, a trailing comment on its last line. */
  private item(
    indent: number,
    span: Span,
    lines: string[],
    endLine = span.endLine,
    endOffset = span.endOffset,
    trailingBefore = Number.POSITIVE_INFINITY,
  ): void {
    this.leading(indent, span.offset);
    this.blankIfNeeded(span.line);
    for (const l of lines) this.push(indent, l);
    const inside: IToken[] = [];
    while (this.next < this.comments.length && this.comments[this.next]!.startOffset < endOffset)
      inside.push(this.comments[this.next++]!);
    const after = this.comments[this.next];
    if (after && after.startLine === endLine && inside.length === 0 && after.startOffset < trailingBefore) {
      this.out[this.out.length - 1] += `  ${after.image.trimEnd()}`;
      this.next++;
    }
    for (const c of inside) this.push(indent, c.image.trimEnd());
    this.prevEndLine = endLine;
  }

  private open(indent: number, span: Span, header: string, headerEnd: number, firstChild?: Span): void {
    this.item(indent, span, [`${header} {`], span.line, headerEnd, firstChild?.offset);
    this.afterOpen = true;
  }

  private close(indent: number, closeSpan: Span | undefined): void {
    if (closeSpan) this.leading(indent + 1, closeSpan.offset);
    this.afterOpen = false;
    if (closeSpan) this.item(indent, closeSpan, ["}"]);
    else this.push(indent, "}");
  }

  finish(): void {
    this.leading(0, Number.POSITIVE_INFINITY);
  }

  decl(d: Decl): void {
    const kwEnd = d.keywordSpan.endOffset;
    switch (d.kind) {
      case "study":
        this.item(0, d.span, [`study ${d.quoted ? str(d.name) : d.name}`]);
        return;
      case "seed":
        this.item(0, d.span, [`seed ${expr(d.value)}`]);
        return;
      case "data":
      case "strategy":
      case "pruner":
      case "validation":
        this.item(0, d.span, [`${d.kind} ${expr(d.call)}`]);
        return;
      case "storage":
        this.item(0, d.span, [`storage ${str(d.url)}`]);
        return;
      case "evaluate":
        if (d.module !== undefined) {
          this.item(0, d.span, [`evaluate ${str(d.module)}`]);
          return;
        }
        this.item(0, d.span, [
          `evaluate ${d.builtin && (d.builtin.args.length || d.builtin.span !== d.builtin.calleeSpan) ? expr(d.builtin) : d.builtin?.callee}`,
        ]);
        return;
      case "objective":
        this.item(0, d.span, [`objective ${d.goals[0]!.direction} ${goalText(d.goals[0]!)}`]);
        return;
      case "objectives":
        this.open(0, d.span, "objectives", kwEnd, d.goals[0]?.span);
        for (const g of d.goals) this.item(1, g.span, [`${g.direction} ${goalText(g)}`]);
        this.close(0, d.closeSpan);
        return;
      case "space":
        this.open(0, d.span, "space", kwEnd, d.items[0]?.span);
        for (const it of d.items) {
          if (it.kind === "constraint") this.item(1, it.span, [`constraint ${expr(it.expr)}`]);
          else
            this.item(1, it.span, [
              `${it.name}${it.count ? `[${expr(it.count)}]` : ""} = ${expr(it.value)}${it.condition ? ` when ${expr(it.condition)}` : ""}`,
            ]);
        }
        this.close(0, d.closeSpan);
        return;
      case "model":
        if (d.template) {
          this.item(0, d.span, [`model ${expr(d.template)}`]);
          return;
        }
        this.open(0, d.span, "model", kwEnd, d.layers?.[0]?.span);
        this.layers(1, d.layers ?? []);
        this.close(0, d.closeSpan);
        return;
      case "train":
      case "budget":
        this.open(0, d.span, d.kind, kwEnd, d.settings[0]?.span);
        for (const s of d.settings) this.item(1, s.span, [`${s.name} = ${expr(s.value)}`]);
        this.close(0, d.closeSpan);
        return;
      case "unknown":
        return;
    }
  }

  private layers(indent: number, items: LayerItem[]): void {
    for (const it of items) {
      const when = it.condition ? ` when ${expr(it.condition)}` : "";
      if (it.kind === "layer") {
        this.item(indent, it.span, [`${expr(it.call)}${when}`]);
        continue;
      }
      this.open(indent, it.span, `repeat ${expr(it.count)}`, it.count.span.endOffset, it.body[0]?.span);
      this.layers(indent + 1, it.body);
      this.leading(indent + 1, it.closeSpan.offset);
      this.afterOpen = false;
      this.item(indent, { ...it.closeSpan }, [`}${when}`], it.span.endLine, it.span.endOffset);
    }
  }
}

/** A string literal with the language's escapes. */
export function str(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

function arg(a: AstArg): string {
  return a.name !== undefined ? `${a.name} = ${expr(a.value)}` : expr(a.value);
}

function goalText(g: Goal): string {
  return g.expr ? expr(g.expr) : g.metric;
}

/** An expression in canonical form; the user's parentheses are kept. */
export function expr(e: AstExpr): string {
  switch (e.kind) {
    case "num":
    case "dur":
      return e.raw;
    case "str":
      return str(e.value);
    case "bool":
      return String(e.value);
    case "name":
      return e.name;
    case "list":
      return `[${e.elements.map(expr).join(", ")}]`;
    case "call":
      return `${e.callee}(${e.args.map(arg).join(", ")})`;
    case "unary":
      return e.op === "neg" ? `-${expr(e.operand)}` : `not ${expr(e.operand)}`;
    case "binary":
      return `${expr(e.left)} ${e.op} ${expr(e.right)}`;
    case "if":
      return `if ${expr(e.cond)} then ${expr(e.whenTrue)} else ${expr(e.whenFalse)}`;
    case "paren":
      return `(${expr(e.inner)})`;
    case "index":
      return `${e.name}[${expr(e.index)}]`;
    case "error":
      return "";
  }
}
