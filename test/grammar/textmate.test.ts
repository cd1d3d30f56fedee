import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { textmateGrammar, textmateGrammarJson } from "../../grammar/textmate.js";
import { lexSource } from "../../src/lang/index.js";
import { exampleSpecs } from "../helpers/example-specs.js";

// The generated TextMate grammar, run by VS Code's own engine (vscode-textmate + oniguruma) on every
// example and compared token by token with the lexer it was generated from.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const grammarFile = join(root, "editors", "vscode", "syntaxes", "hpo.tmLanguage.json");
const examples = join(root, "examples");
const specs = exampleSpecs();

let grammar: vsctm.IGrammar;

test.before(async () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.hpo" ? vsctm.parseRawGrammar(readFileSync(grammarFile, "utf8"), grammarFile) : null,
  });
  const g = await registry.loadGrammar("source.hpo");
  assert.ok(g, "the grammar loads");
  grammar = g;
});

/** The innermost scope of each character of `text` (whitespace included), by offset. */
function scopesByOffset(text: string): string[][] {
  const out: string[][] = [];
  let stack = vsctm.INITIAL;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens)
      for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out.push(t.scopes);
    out.push(["source.hpo"]); // the newline
    stack = r.ruleStack;
  }
  return out;
}

test("the committed grammar is generated from grammar/tokens.ts (npm run grammar:textmate)", () => {
  assert.fixture(readFileSync(grammarFile, "utf8"), textmateGrammarJson());
});

test("every keyword of the language is in the grammar, scoped by its role", () => {
  const json = JSON.stringify(textmateGrammar());
  for (const w of ["study", "space", "objectives", "when", "repeat", "and", "true", "minimize"])
    assert.ok(json.includes(w), w);
});

for (const name of specs) {
  test(`${name}: every token scoped, and as the lexer reads it`, () => {
    const text = readFileSync(join(examples, name), "utf8");
    const scopes = scopesByOffset(text);
    // Every character outside whitespace has a scope beyond the file's own.
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (/\s/.test(ch)) continue;
      assert.ok((scopes[i]?.length ?? 0) > 1, `${name}: \`${ch}\` at offset ${i} has no scope`);
    }
    const innermost = (offset: number) => scopes[offset]!.at(-1)!;
    for (const t of lexSource(text)) {
      const scope = innermost(t.offset);
      const expected =
        t.type === "StringLiteral"
          ? /^string\.quoted\.double/
          : t.type === "NumberLiteral"
            ? /^constant\.numeric\.hpo$/
            : t.type === "Duration"
              ? /^constant\.numeric\.duration/
              : t.type === "True" || t.type === "False"
                ? /^constant\.language\.boolean/
                : t.keyword
                  ? /^keyword\./
                  : t.type === "Identifier"
                    ? /^(?:variable\.other|entity\.name\.function)\.hpo$/
                    : /^(?:keyword\.operator|punctuation)\./;
      assert.match(scope, expected, `${name}: \`${t.image}\` (${t.type}) at offset ${t.offset} is ${scope}`);
      // A token is scoped alike over its whole length (`objectives` is not `objective` + `s`).
      for (let i = t.offset; i < t.endOffset; i++)
        if (innermost(i) !== scope && !scope.startsWith("string"))
          assert.unreachable(`${name}: \`${t.image}\` changes scope at offset ${i}`);
    }
    // Comments are the lexer's too (it keeps them in their own group).
    for (const m of text.matchAll(/^[^"\n]*?(#.*)$/gm)) {
      const at = m.index! + m[0].length - m[1]!.length;
      assert.match(innermost(at), /^comment\.line\.number-sign/, `${name}: comment at ${at}`);
    }
  });
}

test("declarations are keyword.declaration, calls are functions, durations and strings are themselves", () => {
  const text =
    'study s\nbudget {\n  time = 90m\n}\nstrategy tpe(startup = 5) # note\nstorage "sqlite:\\"x\\".db"\n';
  const scopes = scopesByOffset(text);
  const at = (needle: string) => scopes[text.indexOf(needle)]!.at(-1);
  assert.is(at("study"), "keyword.declaration.hpo");
  assert.is(at("budget"), "keyword.declaration.hpo");
  assert.is(at("90m"), "constant.numeric.duration.hpo");
  assert.is(at("tpe"), "entity.name.function.hpo");
  assert.is(at("startup"), "variable.other.hpo");
  assert.is(at("5)"), "constant.numeric.hpo");
  assert.is(at("# note"), "comment.line.number-sign.hpo");
  assert.is(at('"sqlite'), "string.quoted.double.hpo");
  assert.is(at('\\"x'), "constant.character.escape.hpo");
  assert.is(at("="), "keyword.operator.assignment.hpo");
});

test("mistakes the lexer reports are marked invalid: an unclosed string, an unknown unit", () => {
  const text = 'budget {\n  time = 10x\n}\nstudy "open\n';
  const scopes = scopesByOffset(text);
  assert.is(scopes[text.indexOf("10x")]!.at(-1), "invalid.illegal.unknown-unit.hpo");
  assert.is(scopes[text.indexOf('"open')]!.at(-1), "invalid.illegal.unterminated-string.hpo");
});

test.run();
