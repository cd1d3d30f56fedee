import { test } from "uvu";
import * as assert from "uvu/assert";
import { tokens } from "../../grammar/index.js";
import { DECLARATIONS, RESERVED } from "../../src/lang/keywords.js";

test("each declaration word lexes as the keyword token it was derived from", () => {
  assert.is(DECLARATIONS.length, tokens.DECLARATION_TOKENS.length);
  for (const [i, word] of DECLARATIONS.entries()) {
    const lexed = tokens.hpoLexer.tokenize(word).tokens;
    assert.is(lexed.length, 1, word);
    assert.is(lexed[0]!.tokenType, tokens.DECLARATION_TOKENS[i], word);
  }
});

test("the reserved words are exactly the keyword tokens, declarations included", () => {
  assert.is(RESERVED.size, tokens.KEYWORD_TOKENS.length);
  for (const d of DECLARATIONS) assert.ok(RESERVED.has(d), d);
  for (const w of ["when", "constraint", "repeat", "if", "then", "else", "and", "or", "not", "in", "true"])
    assert.ok(RESERVED.has(w), w);
  assert.not.ok(RESERVED.has("layers"), "`layers` is contextual, not reserved");
});

test("keywordWord refuses a token that is no keyword", () => {
  assert.throws(() => tokens.keywordWord(tokens.Identifier), /not a keyword/);
});

test.run();
