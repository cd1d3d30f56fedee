/**
 * The tokens of a text as an editor reads them around its cursor: what was typed before it decides
 * what may come next (completion). Comments and whitespace are left out; lexing never fails.
 */
import { tokenMatcher } from "chevrotain";
import { tokens } from "../../grammar/index.js";

export interface LexToken {
  image: string;
  /** The token's name in grammar/tokens.ts: `Identifier`, `LParen`, `Strategy`, … */
  type: string;
  /** A reserved word. */
  keyword: boolean;
  /** Character offsets, end exclusive. */
  offset: number;
  endOffset: number;
  /** 1-based. */
  line: number;
}

export function lexSource(text: string): LexToken[] {
  return tokens.hpoLexer.tokenize(text).tokens.map((t) => ({
    image: t.image,
    type: t.tokenType.name,
    keyword: tokenMatcher(t, tokens.Keyword),
    offset: t.startOffset,
    endOffset: t.startOffset + t.image.length,
    line: t.startLine ?? 1,
  }));
}
