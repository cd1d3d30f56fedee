import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TextDocument } from "vscode-languageserver-textdocument";
import { quickFixes } from "../../src/lsp/actions.js";
import { analyze, occurrences, paramAt } from "../../src/lsp/analysis.js";
import { complete } from "../../src/lsp/completion.js";
import { toLspDiagnostic } from "../../src/lsp/diagnostics.js";
import { hover } from "../../src/lsp/hover.js";
import { documentSymbols } from "../../src/lsp/symbols.js";
import { exampleSpecs } from "../helpers/example-specs.js";

// What an editor sends while a file is being typed: every prefix of every example is a half-written
// spec. The server's answers must never throw on any of them, at any position.
const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const specs = exampleSpecs();

for (const name of specs) {
  test(`${name}: every half-typed prefix is answered at every position without a throw`, () => {
    const full = readFileSync(join(examples, name), "utf8");
    for (let cut = 0; cut <= full.length; cut += 41) {
      const text = full.slice(0, cut);
      const doc = TextDocument.create("file:///x.hpo", "hpo", 1, text);
      const a = analyze(text, join(examples, name), 1, false);
      const diagnostics = a.diagnostics.map((d) => toLspDiagnostic(d, "file:///docs/language.md"));
      assert.ok(Array.isArray(quickFixes(doc.uri, diagnostics, a.ast, (r) => doc.getText(r))));
      assert.ok(Array.isArray(documentSymbols(a.ast)));
      for (let offset = 0; offset <= text.length; offset += 7) {
        const position = doc.positionAt(offset);
        assert.ok(Array.isArray(complete(text, offset, a, "file:///docs/language.md")));
        hover(a, position, "file:///docs/language.md");
        const p = paramAt(a, position);
        if (p) assert.ok(occurrences(a, p.name).length >= 1);
      }
    }
  });
}

test("garbage and odd text: control characters, a byte-order mark, lone surrogates, deep brackets", () => {
  for (const text of [
    "\ufeffstudy x\nspace { a = uniform(0, 1) }",
    "\u0000\u0001\u007f",
    "space { x = \ud800 }",
    `space { x = ${"(".repeat(500)} }`,
    "model { repeat repeat { when when } }",
    "strategy bayes(acquisition = , , = )",
  ]) {
    const a = analyze(text, "odd.hpo", 1, true);
    for (let offset = 0; offset <= text.length; offset++) complete(text, offset, a, "file:///d");
    documentSymbols(a.ast);
  }
  // The byte-order mark (which the front end drops) does not shift positions on the first line.
  const text = "\ufeffspace { a = uniform(0, 1)  constraint a < zz }\n";
  const unknown = analyze(text, "bom.hpo", 1, false).diagnostics.find((d) => d.code === "E020");
  const col = text.indexOf("zz") + 1;
  assert.equal(unknown?.pos, { line: 1, col, endLine: 1, endCol: col + 2 });
});

test.run();
