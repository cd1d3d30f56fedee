/**
 * The grammar's entry point: lexes and parses a .hpo text and returns the CST with every lexing and
 * parsing problem (it never throws). Meaning is given by src/lang/.
 */
import {
  type CstNode,
  type ILexingError,
  type IRecognitionException,
  type IToken,
  tokenMatcher,
} from "chevrotain";
import type { FileCstNode } from "./cst.generated.js";
import { hpoParser } from "./parser.js";
import * as T from "./tokens.js";
import { hpoLexer } from "./tokens.js";

export interface ParseResult {
  /** The tree of the entry rule `file`, typed by grammar/cst.generated.ts. */
  cst: FileCstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
  /** Set when the text nests deeper than MAX_NESTING: it was lexed but not parsed (the CST is empty). */
  tooDeep?: IToken;
}

/**
 * How deep brackets and prefix operators (`-`, `not`) may nest. The parser and every pass after it
 * recurse once per level; far below any real spec, and far above what a stack can hold.
 */
export const MAX_NESTING = 64;

/**
 * How many operators one expression may chain (`1 + 1 + …`): each is a level of the tree the passes
 * after the parser recurse through.
 */
export const MAX_CHAIN = 1000;

/**
 * The first token that nests deeper than `max` (brackets, or a run of prefix operators) or chains more
 * than MAX_CHAIN operators in one expression (counted between `,`, `=`, `{` and `}`), if any.
 */
export function nestingBeyond(tokens: IToken[], max: number): IToken | undefined {
  let depth = 0;
  let prefixRun = 0;
  let chain = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LCurly) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RCurly) depth = Math.max(0, depth - 1);
    prefixRun = type === T.Minus || type === T.Not ? prefixRun + 1 : 0;
    if (type === T.Comma || type === T.Equals || type === T.LCurly || type === T.RCurly) chain = 0;
    else if (type === T.Minus || type === T.Not || tokenMatcher(t, T.BinaryOperator) || type === T.If)
      chain++;
    if (depth > max || prefixRun > max || chain > MAX_CHAIN) return t;
  }
  return undefined;
}

const tokensByCst = new WeakMap<CstNode, IToken[]>();

/**
 * The token vector a CST was parsed from (sorted by offset): node locations hold offsets only, and
 * their lines and columns are those of the tokens at those offsets.
 */
export function tokensOf(cst: CstNode): IToken[] | undefined {
  return tokensByCst.get(cst);
}

/** Lexes and parses `text`; the CST is partial when there were errors (recovery fills the gaps). */
export function parseHpo(text: string): ParseResult {
  const lexed = hpoLexer.tokenize(text);
  const tooDeep = nestingBeyond(lexed.tokens, MAX_NESTING);
  hpoParser.input = tooDeep ? [] : lexed.tokens;
  // `file` is the entry rule, so its node is a FileCstNode (chevrotain types every rule's result as CstNode).
  const cst = hpoParser.file() as FileCstNode;
  tokensByCst.set(cst, lexed.tokens);
  const parseErrors = [...hpoParser.errors];
  // The shared parser would otherwise keep this text's tokens alive until the next parse.
  hpoParser.input = [];
  return {
    cst,
    tokens: lexed.tokens,
    comments: lexed.groups.comments ?? [],
    lexErrors: lexed.errors,
    parseErrors: tooDeep ? [] : parseErrors,
    ...(tooDeep ? { tooDeep } : {}),
  };
}

export { hpoParser, HpoParser } from "./parser.js";
export * as tokens from "./tokens.js";
