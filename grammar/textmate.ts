/**
 * The TextMate grammar of .hpo (VS Code's highlighting, and every editor that reads TextMate grammars),
 * generated from the token vocabulary of ./tokens.ts so that it cannot drift: the keywords, number,
 * duration, string and comment patterns are the lexer's own, and every token must have a scope here
 * (a new token without one fails `textmateGrammar()`). `npm run grammar:textmate` writes it to
 * editors/vscode/syntaxes/hpo.tmLanguage.json; a test checks that file is up to date.
 */
import type { TokenType } from "chevrotain";
import * as t from "./tokens.js";

/** The scope of each token, by its name in tokens.ts; keywords are scoped by their role below. */
const SCOPES: Record<string, string | null> = {
  // Skipped or structural: no scope of their own.
  WhiteSpace: null,
  Keyword: null,
  BinaryOperator: null,
  CompareOp: null,
  Comment: "comment.line.number-sign.hpo",
  StringLiteral: "string.quoted.double.hpo",
  UnterminatedString: "invalid.illegal.unterminated-string.hpo",
  Duration: "constant.numeric.duration.hpo",
  BadUnitNumber: "invalid.illegal.unknown-unit.hpo",
  NumberLiteral: "constant.numeric.hpo",
  Identifier: "variable.other.hpo",
  LCurly: "punctuation.section.block.begin.hpo",
  RCurly: "punctuation.section.block.end.hpo",
  LParen: "punctuation.section.parens.begin.hpo",
  RParen: "punctuation.section.parens.end.hpo",
  LBracket: "punctuation.section.brackets.begin.hpo",
  RBracket: "punctuation.section.brackets.end.hpo",
  Comma: "punctuation.separator.comma.hpo",
  EqEq: "keyword.operator.comparison.hpo",
  NotEq: "keyword.operator.comparison.hpo",
  LessEq: "keyword.operator.comparison.hpo",
  GreaterEq: "keyword.operator.comparison.hpo",
  Less: "keyword.operator.comparison.hpo",
  Greater: "keyword.operator.comparison.hpo",
  Equals: "keyword.operator.assignment.hpo",
  Plus: "keyword.operator.arithmetic.hpo",
  Minus: "keyword.operator.arithmetic.hpo",
  Power: "keyword.operator.arithmetic.hpo",
  Star: "keyword.operator.arithmetic.hpo",
  Slash: "keyword.operator.arithmetic.hpo",
  Percent: "keyword.operator.arithmetic.hpo",
};

/** Keywords by role; a keyword in none of these is `keyword.other.hpo`. (A Map: `then` cannot be an object key.) */
const KEYWORD_ROLES = new Map<string, string>([
  ["when", "keyword.control.conditional.hpo"],
  ["if", "keyword.control.conditional.hpo"],
  ["then", "keyword.control.conditional.hpo"],
  ["else", "keyword.control.conditional.hpo"],
  ["repeat", "keyword.control.loop.hpo"],
  ["and", "keyword.operator.logical.hpo"],
  ["or", "keyword.operator.logical.hpo"],
  ["not", "keyword.operator.logical.hpo"],
  ["in", "keyword.operator.logical.hpo"],
  ["true", "constant.language.boolean.hpo"],
  ["false", "constant.language.boolean.hpo"],
]);

const WORD_END = "(?![A-Za-z0-9_])";
const WORD_START = "(?<![A-Za-z0-9_.])";

function source(token: TokenType): string {
  const p = token.PATTERN;
  if (!(p instanceof RegExp)) throw new Error(`token ${token.name} has no regular expression`);
  return p.source;
}

/** The scope of a keyword word. */
export function keywordScope(word: string): string {
  const role = KEYWORD_ROLES.get(word);
  if (role) return role;
  return t.DECLARATION_TOKENS.some((d) => t.keywordWord(d) === word)
    ? "keyword.declaration.hpo"
    : "keyword.other.hpo";
}

function scopeOf(token: TokenType): string {
  const scope = SCOPES[token.name];
  if (scope === undefined)
    throw new Error(`token ${token.name} has no TextMate scope in grammar/textmate.ts`);
  if (scope === null) throw new Error(`token ${token.name} is not highlighted`);
  return scope;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The grammar, as the JSON object a .tmLanguage.json file holds. */
export function textmateGrammar(): Record<string, unknown> {
  for (const token of t.ALL_TOKENS) {
    if (!(token.name in SCOPES) && !t.KEYWORD_TOKENS.includes(token))
      throw new Error(`token ${token.name} has no TextMate scope in grammar/textmate.ts`);
  }
  // Keywords grouped by scope, longest first within a group (`objectives` before `objective`).
  const byScope = new Map<string, string[]>();
  for (const k of t.KEYWORD_TOKENS) {
    const word = t.keywordWord(k);
    const scope = keywordScope(word);
    byScope.set(scope, [...(byScope.get(scope) ?? []), word]);
  }
  const keywords = [...byScope].map(([scope, words]) => ({
    name: scope,
    match: `${WORD_START}(?:${words
      .sort((a, b) => b.length - a.length)
      .map(escapeRegex)
      .join("|")})${WORD_END}`,
  }));
  // Operators and punctuation in the lexer's order (two-character operators before their prefixes).
  const punctuation = t.ALL_TOKENS.filter(
    (k) => SCOPES[k.name] && /^(?:keyword\.operator|punctuation)/.test(SCOPES[k.name]!),
  ).map((k) => ({ name: scopeOf(k), match: source(k) }));
  const identifier = source(t.Identifier);
  const string = source(t.StringLiteral);
  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "hpo",
    scopeName: "source.hpo",
    fileTypes: ["hpo"],
    comment:
      "Generated from grammar/tokens.ts by grammar/textmate.ts (npm run grammar:textmate): do not edit.",
    patterns: [
      { include: "#comment" },
      { include: "#string" },
      { include: "#number" },
      { include: "#keyword" },
      { include: "#call" },
      { include: "#identifier" },
      { include: "#operator" },
    ],
    repository: {
      comment: { name: scopeOf(t.Comment), match: source(t.Comment) },
      string: {
        patterns: [
          {
            name: scopeOf(t.StringLiteral),
            match: string,
            captures: { 0: { patterns: [{ name: "constant.character.escape.hpo", match: "\\\\." }] } },
          },
          { name: scopeOf(t.UnterminatedString), match: source(t.UnterminatedString) },
        ],
      },
      number: {
        patterns: [
          { name: scopeOf(t.Duration), match: `${WORD_START}${source(t.Duration)}` },
          { name: scopeOf(t.BadUnitNumber), match: `${WORD_START}${source(t.BadUnitNumber)}` },
          { name: scopeOf(t.NumberLiteral), match: `${WORD_START}${source(t.NumberLiteral)}` },
        ],
      },
      keyword: { patterns: keywords },
      call: {
        comment: "A name followed by `(`: a distribution, layer, optimizer, strategy or expression function.",
        match: `(${identifier})(?=\\s*\\()`,
        captures: { 1: { name: "entity.name.function.hpo" } },
      },
      identifier: { name: scopeOf(t.Identifier), match: identifier },
      operator: { patterns: punctuation },
    },
  };
}

/** The grammar file's text, as committed. */
export function textmateGrammarJson(): string {
  return `${JSON.stringify(textmateGrammar(), null, 2)}\n`;
}
