import { test } from "uvu";
import * as assert from "uvu/assert";
import { seededRandom } from "../../src/lang/analysis.js";
import { compileSource, formatDiagnostics, formatSource } from "../../src/lang/index.js";
import { exampleSources } from "../helpers/example-specs.js";

const sources = exampleSources();
const rand = seededRandom(12345);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
const SNIPPETS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  "=",
  "==",
  "when",
  "if",
  "then",
  "else",
  "repeat",
  '"',
  "#",
  "1e999",
  "-",
  "**",
  "x1",
  "space",
  "study",
  "\n",
  "\\",
  "i",
  "10x",
  "and",
  "in",
];

function mutate(text: string): string {
  const tokens = text.split(/(\s+|[{}()[\],=])/).filter((t) => t !== "");
  switch (Math.floor(rand() * 5)) {
    case 0:
      tokens.splice(Math.floor(rand() * tokens.length), 1);
      return tokens.join("");
    case 1:
      tokens.splice(Math.floor(rand() * tokens.length), 0, pick(SNIPPETS));
      return tokens.join("");
    case 2: {
      const a = Math.floor(rand() * tokens.length);
      const b = Math.floor(rand() * tokens.length);
      [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
      return tokens.join("");
    }
    case 3: {
      const at = Math.floor(rand() * text.length);
      return text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 256)) + text.slice(at + 1);
    }
    default:
      return text.slice(0, Math.floor(rand() * text.length));
  }
}

test("thousands of random edits of the examples only ever give diagnostics", () => {
  let withErrors = 0;
  for (let n = 0; n < 1500; n++) {
    const { file, text } = pick(sources);
    let mutated = mutate(text);
    if (rand() < 0.3) mutated = mutate(mutated);
    const r = compileSource(mutated, file);
    assert.ok(Array.isArray(r.diagnostics));
    assert.not.ok(
      r.diagnostics.some((d) => d.code === "E000"),
      `internal error on:\n${mutated}\n${formatDiagnostics(r.diagnostics, mutated)}`,
    );
    if (r.diagnostics.some((d) => d.severity === "error")) {
      withErrors++;
      assert.is(r.plan, undefined);
    }
    assert.type(formatDiagnostics(r.diagnostics, mutated), "string");
    const f = formatSource(mutated, file);
    if (f.text !== undefined)
      assert.is(formatSource(f.text, file).text, f.text, `fmt not idempotent on:\n${mutated}`);
  }
  assert.ok(withErrors > 300, `only ${withErrors} mutants had errors`);
});

test("every line-truncated prefix of every example is handled", () => {
  for (const { file, text } of sources) {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const r = compileSource(lines.slice(0, i).join("\n"), file);
      assert.not.ok(r.diagnostics.some((d) => d.code === "E000"));
    }
  }
});

test.run();
