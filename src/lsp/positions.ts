/**
 * The front end's positions (1-based lines and columns, end column exclusive, counted in UTF-16 code
 * units as JavaScript strings are) as LSP ranges (0-based lines, UTF-16 characters): the same units,
 * so the mapping is a shift by one, and it holds for any text, accented or astral.
 */
import type { Range } from "vscode-languageserver";
import type { Pos } from "../lang/index.js";

export function rangeOf(pos: Pos): Range {
  return {
    start: { line: pos.line - 1, character: pos.col - 1 },
    end: { line: pos.endLine - 1, character: pos.endCol - 1 },
  };
}
