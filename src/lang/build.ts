/**
 * CST → AST: gives the parser's tree its meaning-free shape with a span on every node, and reports
 * the lexical problems found in token texts (E002–E005). Tolerates the holes error recovery leaves.
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  AstArg,
  AstCall,
  AstExpr,
  AstFile,
  BinaryOp,
  Decl,
  Goal,
  LayerItem,
  Setting,
  SpaceItem,
  Span,
} from "./ast.js";
import type {
  BinaryExpressionCstNode,
  CallCstNode,
  DeclarationCstChildren,
  ExpressionCstNode,
  FileCstNode,
  GoalCstNode,
  IfExpressionCstNode,
  IndexedCstNode,
  LayerBlockCstNode,
  ListCstNode,
  NameCstNode,
  ParenthesizedCstNode,
  PrimaryCstNode,
  SettingsBlockCstNode,
  SpaceItemCstNode,
} from "../../grammar/cst.generated.js";
import { tokensOf } from "../../grammar/index.js";
import { show } from "./lower.js";
import type { Reporter } from "./report.js";

/** A real token (not one inserted by error recovery, which has no position). */
function tok(tokens: IToken[] | undefined): IToken | undefined {
  const c = tokens?.[0];
  if (!c || c.isInsertedInRecovery || Number.isNaN(c.startOffset)) return undefined;
  return c;
}

/** The first node of an optional child list (recovery may leave out even a mandatory one). */
function sub<N extends CstNode>(nodes: N[] | undefined): N | undefined {
  return nodes?.[0];
}

/** Any declaration rule's node. */
type DeclNode = NonNullable<DeclarationCstChildren[keyof DeclarationCstChildren]>[number];

/** Any expression rule's node: what `expression` may be handed. */
type ExprNode =
  | ExpressionCstNode
  | IfExpressionCstNode
  | BinaryExpressionCstNode
  | PrimaryCstNode
  | ListCstNode
  | ParenthesizedCstNode
  | CallCstNode;

export function tokenSpan(t: IToken): Span {
  return {
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endCol: (t.endColumn ?? t.startColumn ?? 1) + 1,
    offset: t.startOffset,
    endOffset: (t.endOffset ?? t.startOffset) + 1,
  };
}

function joinSpans(a: Span, b: Span): Span {
  return {
    line: a.line,
    col: a.col,
    endLine: b.endLine,
    endCol: b.endCol,
    offset: a.offset,
    endOffset: b.endOffset,
  };
}

/** The declarations whose whole body is one call. */
const DECL_KIND = {
  dataDecl: "data",
  strategyDecl: "strategy",
  prunerDecl: "pruner",
  validationDecl: "validation",
} as const;

/** A declaration's first token: its keyword (or, for an unknown declaration, its word). */
function keywordToken(node: DeclNode): IToken | undefined {
  for (const children of Object.values(node.children) as (IToken | CstNode)[][])
    for (const c of children) if ("image" in c) return c;
  return undefined;
}

const NO_SPAN: Span = { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };

/**
 * The span of a CST node. The parser tracks offsets only; the first and last tokens (found by binary
 * search in the sorted token vector) give the same lines and columns as chevrotain's full tracking,
 * which copies them from exactly those tokens.
 */
function nodeSpan(node: CstNode, fallbackSpan: Span | (() => Span), tokens: readonly IToken[]): Span {
  // A lazy fallback: most nodes have a location, so the fallback's own span is rarely needed.
  const fallback = () => (typeof fallbackSpan === "function" ? fallbackSpan() : fallbackSpan);
  const l = node.location;
  if (!l || Number.isNaN(l.startOffset)) return fallback();
  const first = l.startLine === undefined ? tokenAt(tokens, l.startOffset, false) : undefined;
  const startLine = first ? first.startLine : l.startLine;
  const startColumn = first ? first.startColumn : l.startColumn;
  if (startLine === undefined || Number.isNaN(startLine)) return fallback();
  let endLine = l.endLine;
  let endColumn = l.endColumn;
  if (l.endLine === undefined && l.endOffset !== undefined && !Number.isNaN(l.endOffset)) {
    const last = tokenAt(tokens, l.endOffset, true);
    endLine = last?.endLine;
    endColumn = last?.endColumn;
  }
  const endOk =
    l.endOffset !== undefined &&
    !Number.isNaN(l.endOffset) &&
    endLine !== undefined &&
    !Number.isNaN(endLine);
  return {
    line: startLine,
    col: startColumn ?? 1,
    endLine: endOk ? (endLine as number) : startLine,
    endCol: endOk ? (endColumn as number) + 1 : (startColumn ?? 1) + 1,
    offset: l.startOffset,
    endOffset: endOk ? (l.endOffset as number) + 1 : l.startOffset + 1,
  };
}

/** The token starting (or, with `byEnd`, ending) at `offset`, by binary search. */
function tokenAt(tokens: readonly IToken[], offset: number, byEnd: boolean): IToken | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = tokens[mid]!;
    const at = byEnd ? (t.endOffset ?? t.startOffset) : t.startOffset;
    if (at === offset) return t;
    if (at < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

const PREC_NOT = 3;
const PREC_COMPARE = 4;
const PREC_NEG = 7;
const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  "==": PREC_COMPARE,
  "!=": PREC_COMPARE,
  "<": PREC_COMPARE,
  "<=": PREC_COMPARE,
  ">": PREC_COMPARE,
  ">=": PREC_COMPARE,
  in: PREC_COMPARE,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "**": 8,
};

/** Builds the AST of a parsed file, reporting lexical problems inside tokens. */
export class AstBuilder {
  private last: Span = NO_SPAN;
  private tokens: readonly IToken[] = [];
  constructor(private readonly report: Reporter) {}

  file(cst: FileCstNode): AstFile {
    this.tokens = tokensOf(cst) ?? [];
    const decls: Decl[] = [];
    for (const d of cst.children.declaration ?? []) {
      const inner = Object.values(d.children)[0]?.[0] as DeclNode | undefined;
      if (!inner) continue;
      const decl = this.declaration(inner);
      if (decl) decls.push(decl);
    }
    return { decls };
  }

  private declaration(node: DeclNode): Decl | undefined {
    const span = nodeSpan(node, this.last, this.tokens);
    this.last = span;
    const kwToken = keywordToken(node);
    const keywordSpan = kwToken && !Number.isNaN(kwToken.startOffset) ? tokenSpan(kwToken) : span;
    const base = { span, keywordSpan };
    const call = (nodes: CallCstNode[] | undefined): AstCall | undefined => {
      const c = sub(nodes);
      return c ? this.call(c) : undefined;
    };
    switch (node.name) {
      case "studyDecl": {
        const id = tok(node.children.Identifier);
        const str = tok(node.children.StringLiteral);
        if (id) return { ...base, kind: "study", name: id.image, quoted: false };
        if (str) return { ...base, kind: "study", name: this.stringValue(str), quoted: true };
        return undefined;
      }
      case "seedDecl": {
        const e = sub(node.children.expression);
        return e ? { ...base, kind: "seed", value: this.expression(e) } : undefined;
      }
      case "dataDecl":
      case "strategyDecl":
      case "prunerDecl":
      case "validationDecl": {
        const c = call(node.children.call);
        if (!c) return undefined;
        const kind = DECL_KIND[node.name];
        return { ...base, kind, call: c };
      }
      case "spaceDecl": {
        const items = (node.children.spaceItem ?? [])
          .map((i) => this.spaceItem(i))
          .filter((i): i is SpaceItem => i !== undefined);
        return { ...base, kind: "space", items, closeSpan: this.close(node.children.RCurly, span) };
      }
      case "modelDecl": {
        const template = call(node.children.call);
        if (template) return { ...base, kind: "model", template };
        const block = sub(node.children.layerBlock);
        if (!block) return undefined;
        return {
          ...base,
          kind: "model",
          layers: this.layers(block),
          closeSpan: this.close(block.children.RCurly, span),
        };
      }
      case "trainDecl":
      case "budgetDecl": {
        const block = sub(node.children.settingsBlock);
        if (!block) return undefined;
        const kind = node.name === "trainDecl" ? "train" : "budget";
        return {
          ...base,
          kind,
          settings: this.settings(block),
          closeSpan: this.close(block.children.RCurly, span),
        };
      }
      case "evaluateDecl": {
        const str = tok(node.children.StringLiteral);
        if (str)
          return { ...base, kind: "evaluate", module: this.stringValue(str), moduleSpan: tokenSpan(str) };
        const c = call(node.children.call);
        if (c) return { ...base, kind: "evaluate", builtin: c };
        const id = tok(node.children.Identifier);
        if (!id) return undefined;
        const s = tokenSpan(id);
        return {
          ...base,
          kind: "evaluate",
          builtin: { kind: "call", callee: id.image, calleeSpan: s, args: [], span: s },
        };
      }
      case "objectiveDecl":
      case "objectivesDecl": {
        const goals = (node.children.goal ?? [])
          .map((g) => this.goal(g))
          .filter((g): g is Goal => g !== undefined);
        const kind = node.name === "objectiveDecl" ? "objective" : "objectives";
        if (kind === "objective" && goals.length === 0) return undefined;
        return {
          ...base,
          kind,
          goals,
          closeSpan: node.name === "objectivesDecl" ? this.close(node.children.RCurly, span) : undefined,
        };
      }
      case "storageDecl": {
        const str = tok(node.children.StringLiteral);
        return str
          ? { ...base, kind: "storage", url: this.stringValue(str), urlSpan: tokenSpan(str) }
          : undefined;
      }
      case "unknownDecl": {
        const id = tok(node.children.Identifier);
        return id ? { ...base, keywordSpan: tokenSpan(id), kind: "unknown", word: id.image } : undefined;
      }
      default:
        return undefined;
    }
  }

  private close(closing: IToken[] | undefined, fallback: Span): Span {
    const t = tok(closing);
    return t ? tokenSpan(t) : { ...fallback, line: fallback.endLine, offset: fallback.endOffset };
  }

  private spaceItem(node: SpaceItemCstNode): SpaceItem | undefined {
    const span = () => nodeSpan(node, this.last, this.tokens);
    const c = sub(node.children.constraintItem);
    if (c) {
      const e = sub(c.children.expression);
      return e
        ? { kind: "constraint", expr: this.expression(e), span: nodeSpan(c, span, this.tokens) }
        : undefined;
    }
    const p = sub(node.children.paramItem);
    if (!p) return undefined;
    const nameNode = sub(p.children.name);
    const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
    const value = sub(p.children.value);
    if (!nameTok || !value) return undefined;
    const cond = sub(p.children.condition);
    const count = sub(p.children.count);
    const item: SpaceItem = {
      kind: "param",
      name: nameTok.image,
      nameSpan: tokenSpan(nameTok),
      value: this.expression(value),
      condition: cond ? this.expression(cond) : undefined,
      span: nodeSpan(p, span, this.tokens),
    };
    if (count) item.count = this.expression(count);
    return item;
  }

  private layers(block: LayerBlockCstNode): LayerItem[] {
    const out: LayerItem[] = [];
    for (const item of block.children.layerItem ?? []) {
      const itemSpan = () => nodeSpan(item, this.last, this.tokens);
      const r = sub(item.children.repeatItem);
      if (r) {
        const span = itemSpan();
        const count = sub(r.children.count);
        const body = sub(r.children.layerBlock);
        if (!count || !body) continue;
        const cond = sub(r.children.condition);
        out.push({
          kind: "repeat",
          count: this.expression(count),
          body: this.layers(body),
          condition: cond ? this.expression(cond) : undefined,
          span: nodeSpan(r, span, this.tokens),
          closeSpan: this.close(body.children.RCurly, span),
        });
        continue;
      }
      const l = sub(item.children.layerCall);
      const c = l && sub(l.children.call);
      if (!l || !c) continue;
      const cond = sub(l.children.condition);
      out.push({
        kind: "layer",
        call: this.call(c),
        condition: cond ? this.expression(cond) : undefined,
        span: nodeSpan(l, itemSpan, this.tokens),
      });
    }
    return out;
  }

  private settings(block: SettingsBlockCstNode): Setting[] {
    const out: Setting[] = [];
    for (const s of block.children.setting ?? []) {
      const nameNode = sub(s.children.name);
      const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
      const e = sub(s.children.expression);
      if (!nameTok || !e) continue;
      out.push({
        name: nameTok.image,
        nameSpan: tokenSpan(nameTok),
        value: this.expression(e),
        span: nodeSpan(s, tokenSpan(nameTok), this.tokens),
      });
    }
    return out;
  }

  private goal(node: GoalCstNode): Goal | undefined {
    const dir = tok(node.children.Minimize) ?? tok(node.children.Maximize);
    const e = sub(node.children.expression);
    if (!dir || !e) return undefined;
    const value = this.expression(e);
    if (value.kind === "error") return undefined;
    const goal: Goal = {
      direction: dir.image as "minimize" | "maximize",
      metric: value.kind === "name" ? value.name : show(value),
      metricSpan: value.span,
      span: joinSpans(tokenSpan(dir), value.span),
    };
    if (value.kind !== "name") goal.expr = value;
    return goal;
  }

  private nameToken(node: NameCstNode): IToken | undefined {
    return tok(node.children.Identifier) ?? tok(node.children.Keyword);
  }

  call(node: CallCstNode): AstCall {
    const span = nodeSpan(node, this.last, this.tokens);
    const callee = tok(node.children.callee);
    const args: AstArg[] = [];
    for (const a of node.children.argument ?? []) {
      const named = sub(a.children.namedArgument);
      if (named) {
        const nameNode = sub(named.children.name);
        const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
        const e = sub(named.children.expression);
        if (!nameTok || !e) continue;
        args.push({
          name: nameTok.image,
          nameSpan: tokenSpan(nameTok),
          value: this.expression(e),
          span: nodeSpan(named, span, this.tokens),
        });
        continue;
      }
      const e = sub(a.children.positional);
      if (e) {
        const value = this.expression(e);
        args.push({ value, span: value.span });
      }
    }
    const calleeSpan = callee ? tokenSpan(callee) : span;
    return { kind: "call", callee: callee?.image ?? "", calleeSpan, args, span };
  }

  expression(node: ExprNode): AstExpr {
    // Most nodes take their span from their parts, so the node's own is computed only when needed.
    const spanOf = () => nodeSpan(node, this.last, this.tokens);
    switch (node.name) {
      case "expression": {
        const inner = sub(node.children.ifExpression) ?? sub(node.children.binaryExpression);
        return inner ? this.expression(inner) : { kind: "error", span: spanOf() };
      }
      case "ifExpression": {
        const span = spanOf();
        const c = sub(node.children.condition);
        const t = sub(node.children.then);
        const e = sub(node.children.else);
        if (!c || !t || !e) return { kind: "error", span };
        return {
          kind: "if",
          cond: this.expression(c),
          whenTrue: this.expression(t),
          whenFalse: this.expression(e),
          span,
        };
      }
      case "binaryExpression":
        return this.binary(node, spanOf);
      case "primary":
        return this.primary(node, spanOf);
      case "list": {
        const span = spanOf();
        return {
          kind: "list",
          elements: (node.children.elements ?? []).map((e) => this.expression(e)),
          span,
        };
      }
      case "parenthesized": {
        const span = spanOf();
        const e = sub(node.children.expression);
        return e ? { kind: "paren", inner: this.expression(e), span } : { kind: "error", span };
      }
      case "call":
        return this.call(node);
      default:
        return { kind: "error", span: spanOf() };
    }
  }

  /**
   * Precedence climbing over the flat `operand (op operand)*` list. Loosest first: or, and, not,
   * comparisons and `in` (not chaining: E015 is flagged), + -, * / %, unary -, ** (right-associative).
   */
  private binary(node: BinaryExpressionCstNode, spanOf: () => Span): AstExpr {
    const operands = node.children.operands ?? [];
    if (operands.length === 0) return { kind: "error", span: spanOf() };
    const only = operands[0]!;
    if (operands.length === 1 && !node.children.operators?.length && !only.children.prefixes?.length) {
      // A lone operand (most expressions): what the climb below gives, without its bookkeeping.
      const primary = sub(only.children.primary);
      return primary
        ? this.expression(primary)
        : { kind: "error", span: nodeSpan(only, spanOf(), this.tokens) };
    }
    const ops = node.children.operators ?? [];
    const items = operands.map((o) => ({
      prefixes: [...(o.children.prefixes ?? [])].sort((x, y) => x.startOffset - y.startOffset),
      node: o,
    }));
    let next = 0;
    let prefixAt = 0;
    const unary = (): AstExpr => {
      const item = items[next];
      if (!item) return { kind: "error", span: spanOf() };
      const p = item.prefixes[prefixAt];
      if (p) {
        prefixAt++;
        const operand = climb(p.image === "not" ? PREC_NOT : PREC_NEG);
        const s = Number.isNaN(p.startOffset) ? operand.span : joinSpans(tokenSpan(p), operand.span);
        return { kind: "unary", op: p.image === "not" ? "not" : "neg", operand, span: s };
      }
      next++;
      prefixAt = 0;
      const primary = sub(item.node.children.primary);
      return primary
        ? this.expression(primary)
        : { kind: "error", span: nodeSpan(item.node, spanOf(), this.tokens) };
    };
    const climb = (minPrec: number): AstExpr => {
      let left = unary();
      while (next < items.length) {
        const t = ops[next - 1];
        const op = (t?.image ?? "+") as BinaryOp;
        const prec = PRECEDENCE[op] ?? 5;
        if (prec < minPrec) break;
        const right = climb(op === "**" ? prec : prec + 1);
        const opSpan = t && !Number.isNaN(t.startOffset) ? tokenSpan(t) : right.span;
        const chained =
          prec === PREC_COMPARE && left.kind === "binary" && PRECEDENCE[left.op] === PREC_COMPARE;
        left = { kind: "binary", op, left, right, opSpan, span: joinSpans(left.span, right.span) };
        if (chained) left.chained = true;
      }
      return left;
    };
    return climb(0);
  }

  private primary(node: PrimaryCstNode, spanOf: () => Span): AstExpr {
    const k = node.children;
    const indexed = sub(k.indexed);
    if (indexed) return this.indexed(indexed, spanOf);
    const inner = sub(k.list) ?? sub(k.parenthesized) ?? sub(k.call);
    if (inner) return this.expression(inner);
    const c =
      k.NumberLiteral?.[0] ??
      k.Duration?.[0] ??
      k.BadUnitNumber?.[0] ??
      k.StringLiteral?.[0] ??
      k.UnterminatedString?.[0] ??
      k.True?.[0] ??
      k.False?.[0] ??
      k.Identifier?.[0];
    if (!c || c.isInsertedInRecovery || Number.isNaN(c.startOffset)) return { kind: "error", span: spanOf() };
    const s = tokenSpan(c);
    if (k.NumberLiteral) {
      const value = Number(c.image);
      if (!Number.isFinite(value)) {
        this.report.add("E003", s, { text: c.image });
        return { kind: "error", span: s };
      }
      return { kind: "num", value, raw: c.image, span: s };
    }
    if (k.Duration) return this.duration(c, s);
    if (k.BadUnitNumber) {
      const unit = c.image.replace(/^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/, "");
      this.report.add("E004", s, { u: unit });
      return { kind: "error", span: s };
    }
    if (k.StringLiteral) return { kind: "str", value: this.stringValue(c), span: s };
    if (k.UnterminatedString) {
      this.report.add("E002", s);
      return { kind: "error", span: s };
    }
    if (k.True) return { kind: "bool", value: true, span: s };
    if (k.False) return { kind: "bool", value: false, span: s };
    return { kind: "name", name: c.image, span: s };
  }

  /** `units[i]`: a family member read. */
  private indexed(node: IndexedCstNode, spanOf: () => Span): AstExpr {
    const id = tok(node.children.Identifier);
    const index = sub(node.children.index);
    const span = nodeSpan(node, spanOf, this.tokens);
    if (!id || !index || id.isInsertedInRecovery || Number.isNaN(id.startOffset))
      return { kind: "error", span };
    return { kind: "index", name: id.image, nameSpan: tokenSpan(id), index: this.expression(index), span };
  }

  private duration(t: IToken, s: Span): AstExpr {
    const m = /^(.*?)(ms|s|m|h|d)$/.exec(t.image);
    const n = Number(m?.[1]);
    const scale: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
    const seconds = n * (scale[m?.[2] ?? "s"] ?? 1);
    if (!Number.isFinite(seconds)) {
      this.report.add("E003", s, { text: t.image });
      return { kind: "error", span: s };
    }
    return { kind: "dur", seconds, raw: t.image, span: s };
  }

  /** The value of a string token; unknown escapes are reported (E005) and kept literally. */
  stringValue(t: IToken): string {
    const body = t.image.slice(1, t.image.endsWith('"') && t.image.length > 1 ? -1 : undefined);
    let out = "";
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const next = body[++i] ?? "";
      const map: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };
      if (next in map) out += map[next];
      else {
        const s = tokenSpan(t);
        const col = s.col + 1 + i - 1;
        this.report.add(
          "E005",
          { ...s, col, endCol: col + 2, offset: s.offset + i, endOffset: s.offset + i + 2 },
          { c: next },
        );
        out += `\\${next}`;
      }
    }
    return out;
  }
}
