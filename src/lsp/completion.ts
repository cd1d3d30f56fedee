/**
 * Completion: what may come at the cursor, read from the tokens typed before it (which survive any
 * syntax error), offered from the one catalogue (src/plan/catalog) with each argument's type, range
 * and default in the detail.
 */
import { type CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind } from "vscode-languageserver";
import {
  type ArgSpec,
  BUDGET_SETTINGS,
  type FunctionSpec,
  TEST_FUNCTIONS,
  TRAINER_METRICS,
  TRAIN_SETTINGS,
} from "../plan/catalog.js";
import { DECLARATIONS, type LexToken, lexSource } from "../lang/index.js";
import type { Analysis } from "./analysis.js";
import { argDetail, BUILTINS, type BuiltinKind, builtinMarkdown, builtinOf, signature } from "./builtins.js";

/** An open bracket before the cursor, with what opened it. */
interface Frame {
  open: string;
  /** The top-level declaration it is in. */
  decl?: string;
  /** For `(`: the function called. */
  callee?: string;
  /** For `(`: whether it is a `model NAME(…)` template call. */
  template?: boolean;
  /** Argument names already given in this call. */
  given: Set<string>;
}

const CLOSERS: Record<string, string> = { "}": "{", ")": "(", "]": "[" };

/** Declaration keywords that take a call or a name after them, and the kind of that name. */
const AFTER_KEYWORD: Record<string, BuiltinKind> = {
  strategy: "strategy",
  pruner: "pruner",
  validation: "validation",
  data: "reader",
  evaluate: "test function",
  model: "template",
};

/** Keywords that leave the cursor inside an expression. */
const EXPRESSION_KEYWORDS = new Set([
  "when",
  "if",
  "then",
  "else",
  "and",
  "or",
  "not",
  "in",
  "constraint",
  "repeat",
]);

/** The completion items at `offset` in `text`, given the document's last analysis (for its parameters). */
export function complete(
  text: string,
  offset: number,
  analysis: Analysis | undefined,
  docsUrl: string,
): CompletionItem[] {
  const toks = lexSource(text.slice(0, offset));
  // A word being typed is what completion replaces, not context.
  const lastTok = toks.at(-1);
  if (lastTok && lastTok.endOffset === offset && (lastTok.type === "Identifier" || lastTok.keyword))
    toks.pop();
  const cursorLine = text.slice(0, offset).split(/\r\n|\r|\n/).length;
  const stack = frames(toks);
  const last = toks.at(-1);
  const beforeLast = toks.at(-2);
  const params = paramItems(analysis);
  const top = stack.at(-1);
  const fns = (kind: BuiltinKind) => functionItems(kind, docsUrl);
  const expression = () => [...params, ...fns("function")];

  if (top?.open === "(" && top.callee !== undefined) {
    const found = top.template
      ? { table: BUILTINS.template, spec: BUILTINS.template.functions[top.callee] }
      : builtinOf(top.callee, top.decl);
    const spec = found?.spec;
    if (last?.image === "=" && beforeLast?.type === "Identifier" && spec) {
      const arg = spec.args.find((a) => a.name === beforeLast.image);
      return [...valueItems(arg?.oneOf, arg?.type), ...expression()];
    }
    if (spec && (last?.image === "(" || last?.image === ","))
      return [...argumentItems(spec, top.given), ...expression()];
    return expression();
  }
  if (top?.open === "[" || top?.open === "(") return expression();

  if (last && (last.image === "minimize" || last.image === "maximize") && last.line === cursorLine)
    return metricItems();
  if (top?.open === "{") {
    const block = top.decl;
    if (last?.image === "=") {
      const setting = beforeLast?.image;
      if (block === "space") return [...fns("distribution"), ...expression()];
      if (block === "train") {
        if (setting === "optimizer") return fns("optimizer");
        if (setting === "schedule") return fns("schedule");
        if (setting === "early_stopping") return fns("callback");
        const spec = setting ? TRAIN_SETTINGS[setting] : undefined;
        if (spec?.oneOf) return valueItems(spec.oneOf, spec.type);
      }
      return expression();
    }
    if (last && (EXPRESSION_KEYWORDS.has(last.image) || last.type === "Equals" || isOperator(last))) {
      return [
        ...expression(),
        ...(block === "model" ? [keywordItem("i", "the repeat's index (0-based)")] : []),
      ];
    }
    const atItemStart = !last || last.image === "{" || last.image === "}" || last.line < cursorLine;
    if (!atItemStart)
      return block === "space" || block === "model" ? [keywordItem("when", "a condition")] : [];
    if (block === "space") return [keywordItem("constraint", "a condition every configuration must meet")];
    if (block === "model")
      return [...fns("layer"), keywordItem("repeat", "repeat N { … }: the layers N times")];
    if (block === "train" || block === "budget") {
      // Given before the cursor, or anywhere in the block as last analysed.
      const given = new Set(top.given);
      for (const d of analysis?.ast?.decls ?? [])
        if (d.kind === block) for (const setting of d.settings) given.add(setting.name);
      return settingItems(block === "train" ? TRAIN_SETTINGS : BUDGET_SETTINGS, given);
    }
    if (block === "objectives") return goalItems();
    return [];
  }

  if (last?.keyword && last.line === cursorLine) {
    const kind = AFTER_KEYWORD[last.image];
    if (kind) return fns(kind);
    if (last.image === "objective") return goalItems();
  }
  // Mid-declaration (`study |`, `seed |`, after a complete one): nothing; a new line starts a declaration.
  if (last && last.line === cursorLine) return [];
  return DECLARATIONS.map((w) => keywordItem(w, "declaration"));
}

/** The brackets open before the cursor, each with the top-level declaration it is in. */
function frames(toks: LexToken[]): Frame[] {
  const stack: Frame[] = [];
  let decl: string | undefined;
  for (const [i, t] of toks.entries()) {
    if (stack.length === 0 && t.keyword && DECLARATIONS.includes(t.image)) decl = t.image;
    const prev = toks[i - 1];
    if (t.image === "{" || t.image === "[") stack.push({ open: t.image, decl, given: new Set() });
    else if (t.image === "(") {
      const frame: Frame = { open: "(", decl, given: new Set() };
      if (prev?.type === "Identifier") {
        frame.callee = prev.image;
        frame.template = stack.length === 0 && toks[i - 2]?.image === "model";
      }
      stack.push(frame);
    } else if (t.image in CLOSERS) {
      const at = stack.findLastIndex((f) => f.open === CLOSERS[t.image]);
      if (at >= 0) stack.splice(at);
    } else if (t.image === "=" && prev?.type === "Identifier") stack.at(-1)?.given.add(prev.image);
  }
  return stack;
}

function isOperator(t: LexToken): boolean {
  return /^(?:[-+*/%<>]|\*\*|==|!=|<=|>=)$/.test(t.image);
}

function keywordItem(word: string, detail: string): CompletionItem {
  return { label: word, kind: CompletionItemKind.Keyword, detail };
}

/** The functions of one kind, inserted with their parentheses. */
function functionItems(kind: BuiltinKind, docsUrl: string): CompletionItem[] {
  const table = BUILTINS[kind];
  return Object.entries(table.functions).map(([name, spec]) => ({
    label: name,
    kind:
      kind === "distribution" || kind === "function" ? CompletionItemKind.Function : CompletionItemKind.Class,
    detail: `${kind}: ${signature(name, spec)}`,
    documentation: { kind: MarkupKind.Markdown, value: builtinMarkdown(name, table, spec, docsUrl) },
    insertText: `${name}($1)`,
    insertTextFormat: InsertTextFormat.Snippet,
  }));
}

/** `name = ` for each argument not given yet, required ones first. */
function argumentItems(spec: FunctionSpec, given: Set<string>): CompletionItem[] {
  return spec.args
    .filter((a) => !given.has(a.name))
    .map((a, i) => ({
      label: a.name,
      kind: CompletionItemKind.Field,
      detail: argDetail(a),
      insertText: `${a.name} = `,
      sortText: `${a.required ? 0 : 1}${String(i).padStart(3, "0")}`,
    }));
}

/** The settings of a `train` or `budget` block not given yet. */
function settingItems(table: Record<string, ArgSpec>, given: Set<string>): CompletionItem[] {
  return Object.values(table)
    .filter((a) => !given.has(a.name))
    .map((a) => ({
      label: a.name,
      kind: CompletionItemKind.Property,
      detail: argDetail(a),
      insertText: `${a.name} = `,
    }));
}

/** The values an argument allows: its strings, or true/false. */
function valueItems(oneOf: string[] | undefined, type: string | undefined): CompletionItem[] {
  if (oneOf) return oneOf.map((s) => ({ label: JSON.stringify(s), kind: CompletionItemKind.EnumMember }));
  if (type === "bool") return ["true", "false"].map((b) => ({ label: b, kind: CompletionItemKind.Keyword }));
  return [];
}

function paramItems(analysis: Analysis | undefined): CompletionItem[] {
  return [...(analysis?.params.values() ?? [])].map((p) => ({
    label: p.name,
    kind: CompletionItemKind.Variable,
    detail: "hyperparameter",
  }));
}

function goalItems(): CompletionItem[] {
  return [keywordItem("minimize", "a goal to minimize"), keywordItem("maximize", "a goal to maximize")];
}

/** The trainer's metrics and the test functions' values. */
function metricItems(): CompletionItem[] {
  const names = new Set<string>([
    ...TRAINER_METRICS,
    ...Object.values(TEST_FUNCTIONS).flatMap((f) => f.metrics),
  ]);
  return [...names].map((m) => ({ label: m, kind: CompletionItemKind.Value, detail: "metric" }));
}
