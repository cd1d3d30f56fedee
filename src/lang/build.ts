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
import type { Reporter } from "./report.js";

type Child = CstNode | IToken;

const isToken = (c: Child): c is IToken => "image" in c;

/** A real token (not one inserted by error recovery, which has no position). */
function tok(node: CstNode, name: string, i = 0): IToken | undefined {
  const c = node.children[name]?.[i];
  if (!c || !isToken(c) || c.isInsertedInRecovery || Number.isNaN(c.startOffset)) return undefined;
  return c;
}

function sub(node: CstNode, name: string, i = 0): CstNode | undefined {
  const c = node.children[name]?.[i];
  return c && !isToken(c) ? c : undefined;
}

function subs(node: CstNode, name: string): CstNode[] {
  return (node.children[name] ?? []).filter((c): c is CstNode => !isToken(c));
}

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

export function joinSpans(a: Span, b: Span): Span {
  return {
    line: a.line,
    col: a.col,
    endLine: b.endLine,
    endCol: b.endCol,
    offset: a.offset,
    endOffset: b.endOffset,
  };
}

const NO_SPAN: Span = { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };

function nodeSpan(node: CstNode, fallback: Span): Span {
  const l = node.location;
  if (!l || Number.isNaN(l.startOffset) || l.startLine === undefined || Number.isNaN(l.startLine))
    return fallback;
  const endOk =
    l.endOffset !== undefined &&
    !Number.isNaN(l.endOffset) &&
    l.endLine !== undefined &&
    !Number.isNaN(l.endLine);
  return {
    line: l.startLine,
    col: l.startColumn ?? 1,
    endLine: endOk ? (l.endLine as number) : l.startLine,
    endCol: endOk ? (l.endColumn as number) + 1 : (l.startColumn ?? 1) + 1,
    offset: l.startOffset,
    endOffset: endOk ? (l.endOffset as number) + 1 : l.startOffset + 1,
  };
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
  constructor(private readonly report: Reporter) {}

  file(cst: CstNode): AstFile {
    const decls: Decl[] = [];
    for (const d of subs(cst, "declaration")) {
      const inner = Object.values(d.children)[0]?.[0];
      if (!inner || isToken(inner)) continue;
      const decl = this.declaration(inner);
      if (decl) decls.push(decl);
    }
    return { decls };
  }

  private declaration(node: CstNode): Decl | undefined {
    const span = nodeSpan(node, this.last);
    this.last = span;
    const kwToken = Object.values(node.children)
      .flat()
      .find((c): c is IToken => isToken(c));
    const keywordSpan = kwToken && !Number.isNaN(kwToken.startOffset) ? tokenSpan(kwToken) : span;
    const base = { span, keywordSpan };
    const call = (): AstCall | undefined => {
      const c = sub(node, "call");
      return c ? this.call(c) : undefined;
    };
    switch (node.name) {
      case "studyDecl": {
        const id = tok(node, "Identifier");
        const str = tok(node, "StringLiteral");
        if (id) return { ...base, kind: "study", name: id.image, quoted: false };
        if (str) return { ...base, kind: "study", name: this.stringValue(str), quoted: true };
        return undefined;
      }
      case "seedDecl": {
        const e = sub(node, "expression");
        return e ? { ...base, kind: "seed", value: this.expression(e) } : undefined;
      }
      case "dataDecl":
      case "strategyDecl":
      case "prunerDecl":
      case "validationDecl": {
        const c = call();
        if (!c) return undefined;
        const kind = node.name.replace("Decl", "") as "data" | "strategy" | "pruner" | "validation";
        return { ...base, kind, call: c };
      }
      case "spaceDecl": {
        const items = subs(node, "spaceItem")
          .map((i) => this.spaceItem(i))
          .filter((i): i is SpaceItem => i !== undefined);
        return { ...base, kind: "space", items, closeSpan: this.close(node, "RCurly", span) };
      }
      case "modelDecl": {
        const template = call();
        if (template) return { ...base, kind: "model", template };
        const block = sub(node, "layerBlock");
        if (!block) return undefined;
        return {
          ...base,
          kind: "model",
          layers: this.layers(block),
          closeSpan: this.close(block, "RCurly", span),
        };
      }
      case "trainDecl":
      case "budgetDecl": {
        const block = sub(node, "settingsBlock");
        if (!block) return undefined;
        const kind = node.name === "trainDecl" ? "train" : "budget";
        return {
          ...base,
          kind,
          settings: this.settings(block),
          closeSpan: this.close(block, "RCurly", span),
        };
      }
      case "evaluateDecl": {
        const str = tok(node, "StringLiteral");
        if (str)
          return { ...base, kind: "evaluate", module: this.stringValue(str), moduleSpan: tokenSpan(str) };
        const c = call();
        if (c) return { ...base, kind: "evaluate", builtin: c };
        const id = tok(node, "Identifier");
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
        const goals = subs(node, "goal")
          .map((g) => this.goal(g))
          .filter((g): g is Goal => g !== undefined);
        const kind = node.name === "objectiveDecl" ? "objective" : "objectives";
        if (kind === "objective" && goals.length === 0) return undefined;
        return {
          ...base,
          kind,
          goals,
          closeSpan: kind === "objectives" ? this.close(node, "RCurly", span) : undefined,
        };
      }
      case "storageDecl": {
        const str = tok(node, "StringLiteral");
        return str
          ? { ...base, kind: "storage", url: this.stringValue(str), urlSpan: tokenSpan(str) }
          : undefined;
      }
      case "unknownDecl": {
        const id = tok(node, "Identifier");
        return id ? { ...base, keywordSpan: tokenSpan(id), kind: "unknown", word: id.image } : undefined;
      }
      default:
        return undefined;
    }
  }

  private close(node: CstNode, name: string, fallback: Span): Span {
    const t = tok(node, name);
    return t ? tokenSpan(t) : { ...fallback, line: fallback.endLine, offset: fallback.endOffset };
  }

  private spaceItem(node: CstNode): SpaceItem | undefined {
    const span = nodeSpan(node, this.last);
    const c = sub(node, "constraintItem");
    if (c) {
      const e = sub(c, "expression");
      return e ? { kind: "constraint", expr: this.expression(e), span: nodeSpan(c, span) } : undefined;
    }
    const p = sub(node, "paramItem");
    if (!p) return undefined;
    const nameNode = sub(p, "name");
    const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
    const value = sub(p, "value");
    if (!nameTok || !value) return undefined;
    const cond = sub(p, "condition");
    return {
      kind: "param",
      name: nameTok.image,
      nameSpan: tokenSpan(nameTok),
      value: this.expression(value),
      condition: cond ? this.expression(cond) : undefined,
      span: nodeSpan(p, span),
    };
  }

  private layers(block: CstNode): LayerItem[] {
    const out: LayerItem[] = [];
    for (const item of subs(block, "layerItem")) {
      const span = nodeSpan(item, this.last);
      const r = sub(item, "repeatItem");
      if (r) {
        const count = sub(r, "count");
        const body = sub(r, "layerBlock");
        if (!count || !body) continue;
        const cond = sub(r, "condition");
        out.push({
          kind: "repeat",
          count: this.expression(count),
          body: this.layers(body),
          condition: cond ? this.expression(cond) : undefined,
          span: nodeSpan(r, span),
          closeSpan: this.close(body, "RCurly", span),
        });
        continue;
      }
      const l = sub(item, "layerCall");
      const c = l && sub(l, "call");
      if (!l || !c) continue;
      const cond = sub(l, "condition");
      out.push({
        kind: "layer",
        call: this.call(c),
        condition: cond ? this.expression(cond) : undefined,
        span: nodeSpan(l, span),
      });
    }
    return out;
  }

  private settings(block: CstNode): Setting[] {
    const out: Setting[] = [];
    for (const s of subs(block, "setting")) {
      const nameNode = sub(s, "name");
      const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
      const e = sub(s, "expression");
      if (!nameTok || !e) continue;
      out.push({
        name: nameTok.image,
        nameSpan: tokenSpan(nameTok),
        value: this.expression(e),
        span: nodeSpan(s, tokenSpan(nameTok)),
      });
    }
    return out;
  }

  private goal(node: CstNode): Goal | undefined {
    const dir = tok(node, "Minimize") ?? tok(node, "Maximize");
    const nameNode = sub(node, "name");
    const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
    if (!dir || !nameTok) return undefined;
    return {
      direction: dir.image as "minimize" | "maximize",
      metric: nameTok.image,
      metricSpan: tokenSpan(nameTok),
      span: joinSpans(tokenSpan(dir), tokenSpan(nameTok)),
    };
  }

  private nameToken(node: CstNode): IToken | undefined {
    return tok(node, "Identifier") ?? tok(node, "Keyword");
  }

  call(node: CstNode): AstCall {
    const span = nodeSpan(node, this.last);
    const callee = tok(node, "callee");
    const args: AstArg[] = [];
    for (const a of subs(node, "argument")) {
      const named = sub(a, "namedArgument");
      if (named) {
        const nameNode = sub(named, "name");
        const nameTok = nameNode ? this.nameToken(nameNode) : undefined;
        const e = sub(named, "expression");
        if (!nameTok || !e) continue;
        args.push({
          name: nameTok.image,
          nameSpan: tokenSpan(nameTok),
          value: this.expression(e),
          span: nodeSpan(named, span),
        });
        continue;
      }
      const e = sub(a, "positional");
      if (e) {
        const value = this.expression(e);
        args.push({ value, span: value.span });
      }
    }
    const calleeSpan = callee ? tokenSpan(callee) : span;
    return { kind: "call", callee: callee?.image ?? "", calleeSpan, args, span };
  }

  expression(node: CstNode): AstExpr {
    const span = nodeSpan(node, this.last);
    switch (node.name) {
      case "expression": {
        const inner = sub(node, "ifExpression") ?? sub(node, "binaryExpression");
        return inner ? this.expression(inner) : { kind: "error", span };
      }
      case "ifExpression": {
        const c = sub(node, "condition");
        const t = sub(node, "then");
        const e = sub(node, "else");
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
        return this.binary(node, span);
      case "primary":
        return this.primary(node, span);
      case "list":
        return { kind: "list", elements: subs(node, "elements").map((e) => this.expression(e)), span };
      case "parenthesized": {
        const e = sub(node, "expression");
        return e ? { kind: "paren", inner: this.expression(e), span } : { kind: "error", span };
      }
      case "call":
        return this.call(node);
      default:
        return { kind: "error", span };
    }
  }

  /**
   * Precedence climbing over the flat `operand (op operand)*` list. Loosest first: or, and, not,
   * comparisons and `in` (not chaining: E015 is flagged), + -, * / %, unary -, ** (right-associative).
   */
  private binary(node: CstNode, span: Span): AstExpr {
    const operands = subs(node, "operands");
    const ops = (node.children.operators ?? []).filter(isToken);
    if (operands.length === 0) return { kind: "error", span };
    const items = operands.map((o) => ({
      prefixes: (o.children.prefixes ?? []).filter(isToken).sort((x, y) => x.startOffset - y.startOffset),
      node: o,
    }));
    let next = 0;
    let prefixAt = 0;
    const unary = (): AstExpr => {
      const item = items[next];
      if (!item) return { kind: "error", span };
      const p = item.prefixes[prefixAt];
      if (p) {
        prefixAt++;
        const operand = climb(p.image === "not" ? PREC_NOT : PREC_NEG);
        const s = Number.isNaN(p.startOffset) ? operand.span : joinSpans(tokenSpan(p), operand.span);
        return { kind: "unary", op: p.image === "not" ? "not" : "neg", operand, span: s };
      }
      next++;
      prefixAt = 0;
      const primary = sub(item.node, "primary");
      return primary ? this.expression(primary) : { kind: "error", span: nodeSpan(item.node, span) };
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

  private primary(node: CstNode, span: Span): AstExpr {
    for (const name in node.children) {
      const c = node.children[name]?.[0];
      if (!c) continue;
      if (!isToken(c)) return this.expression(c);
      if (c.isInsertedInRecovery || Number.isNaN(c.startOffset)) return { kind: "error", span };
      const s = tokenSpan(c);
      switch (name) {
        case "NumberLiteral": {
          const value = Number(c.image);
          if (!Number.isFinite(value)) {
            this.report.add("E003", s, { text: c.image });
            return { kind: "error", span: s };
          }
          return { kind: "num", value, raw: c.image, span: s };
        }
        case "Duration":
          return this.duration(c, s);
        case "BadUnitNumber": {
          const unit = c.image.replace(/^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/, "");
          this.report.add("E004", s, { u: unit });
          return { kind: "error", span: s };
        }
        case "StringLiteral":
          return { kind: "str", value: this.stringValue(c), span: s };
        case "UnterminatedString":
          this.report.add("E002", s);
          return { kind: "error", span: s };
        case "True":
          return { kind: "bool", value: true, span: s };
        case "False":
          return { kind: "bool", value: false, span: s };
        case "Identifier":
          return { kind: "name", name: c.image, span: s };
      }
    }
    return { kind: "error", span };
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
