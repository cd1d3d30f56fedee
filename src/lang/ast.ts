/**
 * The typed AST of a .hpo file: what src/lang/build.ts makes from the CST. Every node carries its
 * span. Nodes may be incomplete after a syntax error (recovery), so consumers check before use.
 */

/** A position in the source: 1-based lines and columns, `endCol` exclusive (what diagnostics carry). */
export interface Pos {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** A source span: 1-based line/col (endCol exclusive) plus character offsets (end exclusive). */
export interface Span extends Pos {
  offset: number;
  endOffset: number;
}

export type AstExpr =
  | { kind: "num"; value: number; raw: string; span: Span }
  | { kind: "dur"; seconds: number; raw: string; span: Span }
  | { kind: "str"; value: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "name"; name: string; span: Span }
  | { kind: "list"; elements: AstExpr[]; span: Span }
  | { kind: "call"; callee: string; calleeSpan: Span; args: AstArg[]; span: Span }
  | { kind: "unary"; op: "neg" | "not"; operand: AstExpr; span: Span }
  | {
      kind: "binary";
      op: BinaryOp;
      left: AstExpr;
      right: AstExpr;
      opSpan: Span;
      chained?: boolean;
      span: Span;
    }
  | { kind: "if"; cond: AstExpr; whenTrue: AstExpr; whenFalse: AstExpr; span: Span }
  | { kind: "paren"; inner: AstExpr; span: Span }
  /** `units[i]`: a member of the parameter family `units`. */
  | { kind: "index"; name: string; nameSpan: Span; index: AstExpr; span: Span }
  /** Left where a syntax or lexical error was already reported. */
  | { kind: "error"; span: Span };

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or"
  | "in";

export interface AstArg {
  name?: string;
  nameSpan?: Span;
  value: AstExpr;
  span: Span;
}

export interface AstCall {
  kind: "call";
  callee: string;
  calleeSpan: Span;
  args: AstArg[];
  span: Span;
}

export type SpaceItem =
  | {
      kind: "param";
      name: string;
      nameSpan: Span;
      value: AstExpr;
      condition?: AstExpr;
      /** A family `name[count] = …`: the count (a parameter's name or a constant). */
      count?: AstExpr;
      span: Span;
    }
  | { kind: "constraint"; expr: AstExpr; span: Span };

export type LayerItem =
  | { kind: "layer"; call: AstCall; condition?: AstExpr; span: Span }
  | { kind: "repeat"; count: AstExpr; body: LayerItem[]; condition?: AstExpr; span: Span; closeSpan: Span };

export interface Setting {
  name: string;
  nameSpan: Span;
  value: AstExpr;
  span: Span;
}

export interface Goal {
  direction: "minimize" | "maximize";
  /** The metric's name, or for an expression its text (what storage, reports and pruners key by). */
  metric: string;
  /** The metric's (or the whole expression's) span. */
  metricSpan: Span;
  /** Set for an objective expression such as `val_loss + 0.02 * log10(params)`; absent for a plain metric. */
  expr?: AstExpr;
  span: Span;
}

interface DeclBase {
  /** The declaration's keyword (or unknown word). */
  keywordSpan: Span;
  span: Span;
  /** For blocks: the closing brace, so comments before it stay inside. */
  closeSpan?: Span;
}

export type Decl = DeclBase &
  (
    | { kind: "study"; name: string; quoted: boolean }
    | { kind: "seed"; value: AstExpr }
    | { kind: "data"; call: AstCall }
    | { kind: "space"; items: SpaceItem[] }
    | { kind: "model"; template?: AstCall; layers?: LayerItem[] }
    | { kind: "train"; settings: Setting[] }
    | { kind: "evaluate"; module?: string; moduleSpan?: Span; builtin?: AstCall }
    | { kind: "objective"; goals: Goal[] }
    | { kind: "objectives"; goals: Goal[] }
    | { kind: "strategy"; call: AstCall }
    | { kind: "pruner"; call: AstCall }
    | { kind: "validation"; call: AstCall }
    | { kind: "budget"; settings: Setting[] }
    | { kind: "storage"; url: string; urlSpan: Span }
    | { kind: "unknown"; word: string }
  );

export type DeclKind = Decl["kind"];

export interface AstFile {
  decls: Decl[];
}
