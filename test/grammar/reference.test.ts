import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { grammarEbnf, railroadHtml } from "../../grammar/reference.js";
import { parseHpo } from "../../grammar/index.js";

const dir = fileURLToPath(new URL("../../../grammar/reference/", import.meta.url));
const stale = "out of date: run `npm run grammar:reference` and commit grammar/reference/";

test("grammar/reference/grammar.ebnf matches the parser", () => {
  assert.is(readFileSync(`${dir}grammar.ebnf`, "utf8"), grammarEbnf(), stale);
});

test("grammar/reference/railroad.html matches the parser and loads nothing from the network", () => {
  const html = readFileSync(`${dir}railroad.html`, "utf8");
  assert.is(html, railroadHtml(), stale);
  assert.not.match(html, /<script src=|<link rel=/);
});

test("the parser recovers: a broken declaration does not hide the ones after it", () => {
  const r = parseHpo("study t\nspace { a = uniform(0, 1)) }\nbudget { trials = 3 }\n");
  assert.ok(r.parseErrors.length >= 1);
  const decls = (r.cst.children.declaration ?? []).length;
  assert.ok(decls >= 3, `only ${decls} declarations survived`);
});

test.run();
