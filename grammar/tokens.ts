/**
 * The token vocabulary of the .hpo language, as one ordered list (chevrotain matches the first pattern
 * that fits, so order matters and each position is explained where it is written).
 */
import { Lexer, createToken, type TokenType } from "chevrotain";

// Whitespace first: it is the most common token. Newlines carry no meaning in .hpo.
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
// Comments go to their own group: the parser never sees them, the formatter puts them back.
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

// Strings: a closed string first; an unclosed one is still a token, so the lexer reports E002 once
// and parsing goes on as if it were closed.
export const StringLiteral = createToken({
  name: "StringLiteral",
  label: "a string",
  pattern: /"(?:[^"\\\n\r]|\\.)*"/,
});
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  label: "a string",
  pattern: /"(?:[^"\\\n\r]|\\.)*/,
});

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.source;
// A duration is a number glued to a unit; it must come before Number, which would take the digits.
export const Duration = createToken({
  name: "Duration",
  label: "a duration",
  pattern: new RegExp(`${NUMBER}(?:ms|s|m|h|d)(?![A-Za-z0-9_])`),
});
// A number glued to any other letters (`10x`, `3mins`): one token, reported as an unknown unit (E004).
export const BadUnitNumber = createToken({
  name: "BadUnitNumber",
  label: "a number",
  pattern: new RegExp(`${NUMBER}(?![eE][+-]?\\d)[A-Za-z_][A-Za-z0-9_]*`),
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  label: "a number",
  pattern: new RegExp(NUMBER),
});

// Identifiers; keywords below set `longer_alt` so that `studying` is one identifier, not `study` + `ing`.
export const Identifier = createToken({
  name: "Identifier",
  label: "a name",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
});
/** Every reserved word belongs to this category, so an argument or setting may still be named `validation`. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });

/** Every infix operator: the parser reads `operand (op operand)*`; src/lang/build.ts applies precedence. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA });

/** Each keyword token's word, as written in a .hpo file. */
const WORDS = new Map<TokenType, string>();

function keyword(word: string, extra: TokenType[] = []): TokenType {
  const t = createToken({
    name: word.charAt(0).toUpperCase() + word.slice(1),
    label: `\`${word}\``,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_])`),
    longer_alt: Identifier,
    categories: [Keyword, ...extra],
  });
  WORDS.set(t, word);
  return t;
}

export const Study = keyword("study");
export const Seed = keyword("seed");
export const Data = keyword("data");
export const Space = keyword("space");
export const Model = keyword("model");
export const Train = keyword("train");
export const Evaluate = keyword("evaluate");
// `objectives` before `objective`, whose pattern is its prefix.
export const Objectives = keyword("objectives");
export const Objective = keyword("objective");
export const Strategy = keyword("strategy");
export const Pruner = keyword("pruner");
export const Validation = keyword("validation");
export const Budget = keyword("budget");
export const Storage = keyword("storage");
export const When = keyword("when");
export const Constraint = keyword("constraint");
export const Minimize = keyword("minimize");
export const Maximize = keyword("maximize");
export const Repeat = keyword("repeat");
export const If = keyword("if");
export const Then = keyword("then");
export const Else = keyword("else");
export const And = keyword("and", [BinaryOperator]);
export const Or = keyword("or", [BinaryOperator]);
export const Not = keyword("not");
// `in` after `if`-free words; its lookahead keeps `index` an identifier.
export const In = keyword("in", [BinaryOperator]);
export const True = keyword("true");
export const False = keyword("false");

/** The reserved words, in the order language.md lists them (`layers` is contextual, see docs/language.md). */
export const KEYWORD_TOKENS: TokenType[] = [
  Study,
  Seed,
  Data,
  Space,
  Model,
  Train,
  Evaluate,
  Objectives,
  Objective,
  Strategy,
  Pruner,
  Validation,
  Budget,
  Storage,
  When,
  Constraint,
  Minimize,
  Maximize,
  Repeat,
  If,
  Then,
  Else,
  And,
  Or,
  Not,
  In,
  True,
  False,
];

/** The keywords that open a top-level declaration, in the order language.md lists them. */
export const DECLARATION_TOKENS: readonly TokenType[] = [
  Study,
  Seed,
  Data,
  Space,
  Model,
  Train,
  Evaluate,
  Objective,
  Objectives,
  Strategy,
  Pruner,
  Validation,
  Budget,
  Storage,
];

/** The word a keyword token stands for (`Study` → `study`). */
export function keywordWord(t: TokenType): string {
  const w = WORDS.get(t);
  if (w === undefined) throw new Error(`${t.name} is not a keyword token`);
  return w;
}

// Punctuation: two-character operators before their one-character prefixes.
export const LCurly = createToken({ name: "LCurly", label: "`{`", pattern: /{/ });
export const RCurly = createToken({ name: "RCurly", label: "`}`", pattern: /}/ });
export const LParen = createToken({ name: "LParen", label: "`(`", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", label: "`)`", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", label: "`[`", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", label: "`]`", pattern: /]/ });
export const Comma = createToken({ name: "Comma", label: "`,`", pattern: /,/ });

export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA });
export const EqEq = createToken({
  name: "EqEq",
  label: "`==`",
  pattern: /==/,
  categories: [CompareOp, BinaryOperator],
});
export const NotEq = createToken({
  name: "NotEq",
  label: "`!=`",
  pattern: /!=/,
  categories: [CompareOp, BinaryOperator],
});
export const LessEq = createToken({
  name: "LessEq",
  label: "`<=`",
  pattern: /<=/,
  categories: [CompareOp, BinaryOperator],
});
export const GreaterEq = createToken({
  name: "GreaterEq",
  label: "`>=`",
  pattern: />=/,
  categories: [CompareOp, BinaryOperator],
});
export const Less = createToken({
  name: "Less",
  label: "`<`",
  pattern: /</,
  categories: [CompareOp, BinaryOperator],
});
export const Greater = createToken({
  name: "Greater",
  label: "`>`",
  pattern: />/,
  categories: [CompareOp, BinaryOperator],
});
export const Equals = createToken({ name: "Equals", label: "`=`", pattern: /=/ });

export const Plus = createToken({
  name: "Plus",
  label: "`+`",
  pattern: /\+/,
  categories: [BinaryOperator],
});
export const Minus = createToken({
  name: "Minus",
  label: "`-`",
  pattern: /-/,
  categories: [BinaryOperator],
});
export const Power = createToken({
  name: "Power",
  label: "`**`",
  pattern: /\*\*/,
  categories: [BinaryOperator],
});
export const Star = createToken({
  name: "Star",
  label: "`*`",
  pattern: /\*/,
  categories: [BinaryOperator],
});
export const Slash = createToken({
  name: "Slash",
  label: "`/`",
  pattern: /\//,
  categories: [BinaryOperator],
});
export const Percent = createToken({
  name: "Percent",
  label: "`%`",
  pattern: /%/,
  categories: [BinaryOperator],
});

/** All tokens, in matching order. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  Duration,
  BadUnitNumber,
  NumberLiteral,
  Keyword,
  BinaryOperator,
  ...KEYWORD_TOKENS,
  Identifier,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  CompareOp,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Power,
  Star,
  Slash,
  Percent,
];

/** The lexer; `positionTracking: "full"` gives every token its line and column. */
export const hpoLexer = new Lexer(ALL_TOKENS, { positionTracking: "full", ensureOptimizations: false });
