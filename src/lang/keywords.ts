/**
 * The language's words as the checker needs them, derived from the keyword tokens of grammar/tokens.ts
 * (the one list): declaration words for E013's suggestion, reserved words for E014.
 */
import { tokens } from "../../grammar/index.js";

/** The top-level declaration words, in the order language.md lists them. */
export const DECLARATIONS: readonly string[] = tokens.DECLARATION_TOKENS.map(tokens.keywordWord);

/** Every reserved word; `layers` is deliberately absent: see docs/language.md. */
export const RESERVED: ReadonlySet<string> = new Set(tokens.KEYWORD_TOKENS.map(tokens.keywordWord));
