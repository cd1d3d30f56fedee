/**
 * The grammar's entry point: lexes and parses a .hpo text and returns the CST with every lexing and
 * parsing problem (it never throws). Meaning is given by src/lang/.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from "chevrotain";
import type { FileCstNode } from "./cst.generated.js";
import { hpoParser } from "./parser.js";
import { hpoLexer } from "./tokens.js";

export interface ParseResult {
  /** The tree of the entry rule `file`, typed by grammar/cst.generated.ts. */
  cst: FileCstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
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
  hpoParser.input = lexed.tokens;
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
    parseErrors,
  };
}

export { hpoParser, HpoParser } from "./parser.js";
export * as tokens from "./tokens.js";
