/**
 * The grammar's entry point: lexes and parses a .hpo text and returns the CST with every lexing and
 * parsing problem (it never throws). Meaning is given by src/lang/.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from "chevrotain";
import { hpoParser } from "./parser.js";
import { hpoLexer } from "./tokens.js";

export interface ParseResult {
  cst: CstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
}

/** Lexes and parses `text`; the CST is partial when there were errors (recovery fills the gaps). */
export function parseHpo(text: string): ParseResult {
  const lexed = hpoLexer.tokenize(text);
  hpoParser.input = lexed.tokens;
  const cst = hpoParser.file();
  return {
    cst,
    tokens: lexed.tokens,
    comments: lexed.groups.comments ?? [],
    lexErrors: lexed.errors,
    parseErrors: [...hpoParser.errors],
  };
}

export { hpoParser, HpoParser } from "./parser.js";
export * as tokens from "./tokens.js";
