/**
 * The language's built-in functions as an editor sees them: each catalogue table of src/plan/catalog
 * under the kind of call it holds, the declaration it belongs in, and the section of docs/language.md
 * that documents it. Nothing is listed here that the catalogue does not define: a new layer,
 * optimizer or strategy option shows up in completion and hover without a change to the server.
 */
import {
  type ArgSpec,
  builtinDoc,
  EXPR_FUNCTIONS,
  FUNCTION_KINDS,
  type FunctionKind,
  type FunctionSpec,
  TEST_FUNCTIONS,
} from "../plan/catalog.js";
import { testFunctionSpec } from "../lang/bind.js";

export type BuiltinKind = FunctionKind | "test function" | "function";

export interface BuiltinTable {
  kind: BuiltinKind;
  functions: Record<string, FunctionSpec>;
  /** The heading of docs/language.md that documents this kind. */
  section: string;
}

const testFunctions: Record<string, FunctionSpec> = Object.fromEntries(
  Object.entries(TEST_FUNCTIONS).map(([name, fn]) => [name, testFunctionSpec(fn)]),
);
/** Expression functions take positional numbers; the catalogue names them, src/plan/expr.ts computes them. */
const exprFunctions: Record<string, FunctionSpec> = Object.fromEntries(
  EXPR_FUNCTIONS.map((name) => [name, { args: [], variadic: true }]),
);

/** The heading of docs/language.md that documents each kind. */
const SECTIONS: Record<BuiltinKind, string> = {
  distribution: "space",
  reader: "data",
  template: "model",
  layer: "model",
  optimizer: "train",
  schedule: "train",
  callback: "train",
  validation: "strategy, pruner, validation",
  strategy: "strategy, pruner, validation",
  pruner: "strategy, pruner, validation",
  "test function": "evaluate",
  function: "Expressions",
};

const tables: Record<BuiltinKind, Record<string, FunctionSpec>> = {
  ...FUNCTION_KINDS,
  "test function": testFunctions,
  function: exprFunctions,
};

/** Every table, keyed by kind: the catalogue's kinds (FUNCTION_KINDS), test functions and expression functions. */
export const BUILTINS = Object.fromEntries(
  (Object.keys(SECTIONS) as BuiltinKind[]).map((kind) => [
    kind,
    { kind, functions: tables[kind], section: SECTIONS[kind] },
  ]),
) as Record<BuiltinKind, BuiltinTable>;

/** The kinds of call a declaration holds, most likely first (a name found in none is an expression function). */
export const KINDS_BY_DECL: Record<string, BuiltinKind[]> = {
  space: ["distribution", "function"],
  data: ["reader", "function"],
  model: ["template", "layer", "function"],
  train: ["optimizer", "schedule", "callback", "function"],
  evaluate: ["test function"],
  strategy: ["strategy"],
  pruner: ["pruner"],
  validation: ["validation"],
  budget: ["function"],
  seed: ["function"],
};

/** The kind of a call to `name` inside declaration `decl`, if the catalogue knows it there (or anywhere). */
export function builtinOf(
  name: string,
  decl: string | undefined,
): { table: BuiltinTable; spec: FunctionSpec } | undefined {
  const preferred = (decl && KINDS_BY_DECL[decl]) || [];
  for (const kind of [...preferred, ...(Object.keys(BUILTINS) as BuiltinKind[])]) {
    const table = BUILTINS[kind];
    const spec = Object.hasOwn(table.functions, name) ? table.functions[name] : undefined;
    if (spec) return { table, spec };
  }
  return undefined;
}

/** An argument's type, range, choices and default in a few words: `int ≥ 1, default 10`. */
export function argDetail(a: ArgSpec): string {
  const parts: string[] = [];
  if (a.oneOf) parts.push(a.oneOf.map((s) => JSON.stringify(s)).join(" | "));
  else {
    let range = "";
    if (a.min !== undefined && a.max !== undefined)
      range = a.exclusiveLow ? ` in (${a.min}, ${a.max}]` : ` in [${a.min}, ${a.max}]`;
    else if (a.min !== undefined) range = a.exclusiveLow ? ` > ${a.min}` : ` ≥ ${a.min}`;
    else if (a.max !== undefined) range = ` ≤ ${a.max}`;
    parts.push(`${a.type}${range}`);
  }
  if (a.required) parts.push("required");
  if (a.default !== undefined) parts.push(`default ${JSON.stringify(a.default)}`);
  return parts.join(", ");
}

/** A call's signature: `adam(lr, beta1?, beta2?, epsilon?)`; `choice(…)` for variadic functions. */
export function signature(name: string, spec: FunctionSpec): string {
  const args = spec.args.map((a) => (a.required ? a.name : `${a.name}?`));
  if (spec.variadic) args.unshift("…");
  return `${name}(${args.join(", ")})`;
}

/** Markdown for a built-in: its kind, signature, and one line per argument. */
export function builtinMarkdown(
  name: string,
  table: BuiltinTable,
  spec: FunctionSpec,
  docsUrl: string,
): string {
  const lines = [`**${name}** — ${table.kind}`, "", "```hpo", signature(name, spec), "```"];
  const doc = builtinDoc(table.kind, name);
  if (doc) lines.push("", doc);
  if (spec.args.length) {
    lines.push("");
    for (const [i, a] of spec.args.entries()) {
      const positional = spec.positional !== undefined && i < spec.positional ? " (positional)" : "";
      lines.push(`- \`${a.name}\`: ${argDetail(a)}${positional}`);
    }
  }
  lines.push("", `[docs/language.md — ${table.section}](${docsUrl}#${anchorOf(table.section)})`);
  return lines.join("\n");
}

/** GitHub's anchor for a markdown heading. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");
}
