import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { tokens } from "../../grammar/index.js";
import { textmateGrammar } from "../../grammar/textmate.js";
import { compileSource, DECLARATIONS } from "../../src/lang/index.js";

// The VS Code extension (editors/vscode/) agrees with itself and with the language: its manifest's
// contributions point at files that exist, the grammar and language configuration follow
// grammar/tokens.ts, each declaration has a snippet that parses, and the client reads only the settings
// it declares. (Packaging the .vsix is `npm run package:vscode`, outside the test suite.)
const root = fileURLToPath(new URL("../../../", import.meta.url));
const ext = join(root, "editors", "vscode");
const json = (file: string) => JSON.parse(readFileSync(join(ext, file), "utf8"));
const manifest = json("package.json");

interface Snippet {
  prefix: string;
  body: string[];
  description: string;
}

test("the manifest contributes the hpo language, its grammar, configuration and snippets", () => {
  const [language] = manifest.contributes.languages;
  assert.is(language.id, "hpo");
  assert.equal(language.extensions, [".hpo"]);
  assert.ok(existsSync(join(ext, language.configuration)), language.configuration);
  const [grammar] = manifest.contributes.grammars;
  assert.is(grammar.language, "hpo");
  assert.is(grammar.scopeName, textmateGrammar().scopeName);
  assert.ok(existsSync(join(ext, grammar.path)), grammar.path);
  assert.is(json(grammar.path).scopeName, grammar.scopeName);
  const [snippets] = manifest.contributes.snippets;
  assert.is(snippets.language, "hpo");
  assert.ok(existsSync(join(ext, snippets.path)));
  assert.ok(manifest.activationEvents.includes("onLanguage:hpo"));
  // `main` is the esbuild bundle of extension.js (built by `npm run package:vscode`, not committed).
  assert.match(manifest.scripts.bundle, /^esbuild extension\.js --bundle /);
  assert.ok(manifest.scripts.bundle.includes(`--outfile=${manifest.main.replace(/^\.\//, "")}`));
  assert.ok(
    manifest.scripts.bundle.includes("--external:vscode"),
    "vscode is the host's module, never bundled",
  );
  assert.ok(manifest.dependencies["vscode-languageclient"], "the client library is a runtime dependency");
  assert.ok(manifest.devDependencies["@vscode/vsce"], "vsce packages the extension");
  assert.ok(manifest.engines.vscode);
});

test("the client registers the commands and reads only the settings the manifest declares", () => {
  const source = readFileSync(join(ext, "extension.js"), "utf8");
  for (const c of manifest.contributes.commands) assert.ok(source.includes(`"${c.command}"`), c.command);
  const declared = Object.keys(manifest.contributes.configuration.properties);
  for (const m of source.matchAll(/getConfiguration\("hpo"\)\.get\("([\w.]+)"/g))
    assert.ok(declared.includes(`hpo.${m[1]}`), `hpo.${m[1]} is read but not declared`);
  assert.match(source, /\["lsp"/, "the client starts `hpo lsp`");
  assert.match(source, /node_modules", "\.bin"/, "the workspace's own hpo comes first");
});

test("the language configuration follows the lexer: # comments and the three bracket pairs", () => {
  const conf = json("language-configuration.json");
  assert.is(conf.comments.lineComment, (tokens.Comment.PATTERN as RegExp).source[0]);
  const pairs = [
    [tokens.LCurly, tokens.RCurly],
    [tokens.LBracket, tokens.RBracket],
    [tokens.LParen, tokens.RParen],
  ].map(([o, c]) => [
    (o!.PATTERN as RegExp).source.replace("\\", ""),
    (c!.PATTERN as RegExp).source.replace("\\", ""),
  ]);
  assert.equal(conf.brackets, pairs);
  for (const [open, close] of pairs)
    assert.ok(
      conf.autoClosingPairs.some(
        (p: { open: string; close: string }) => p.open === open && p.close === close,
      ),
    );
  assert.ok(new RegExp(conf.wordPattern).test("learning_rate"));
});

test("one snippet per declaration, each of which parses once its placeholders are filled", () => {
  const snippets: Record<string, Snippet> = json("snippets/hpo.json");
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  assert.equal([...prefixes].sort(), [...DECLARATIONS].sort());
  // Placeholders take their default (or first choice); the file is then checked for syntax errors only.
  const fill = (body: string[]) =>
    body
      .join("\n")
      .replace(/\$\{\d+\|([^,|]+)[^|]*\|\}/g, "$1")
      .replace(/\$\{\d+:((?:[^{}]|\{[^{}]*\})*)\}/g, (_, d: string) => d.replace(/\$\{\d+:([^{}]*)\}/g, "$1"))
      .replace(/\$\{?\d+\}?/g, "");
  for (const group of [
    ["study", "space", "data", "model", "train", "objective", "strategy", "pruner", "budget", "storage"],
    ["study", "space", "evaluate", "objectives", "validation", "budget"],
    ["seed"],
  ]) {
    const text = group.map((p) => fill(Object.values(snippets).find((s) => s.prefix === p)!.body)).join("\n");
    const syntax = compileSource(text, "snippets.hpo").diagnostics.filter((d) => /^E0[01]/.test(d.code));
    assert.equal(syntax, [], text);
  }
});

test("the extension's README has no relative links (vsce refuses them without a repository URL)", () => {
  const readme = readFileSync(join(ext, "README.md"), "utf8");
  assert.equal(
    [...readme.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)].map((m) => m[1]),
    [],
  );
});

test("the extension's own dependencies and package stay out of git", () => {
  const ignored = readFileSync(join(ext, ".gitignore"), "utf8");
  assert.match(ignored, /^node_modules\/$/m);
  assert.match(ignored, /^\*\.vsix$/m);
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.ok(rootManifest.scripts["package:vscode"]);
  assert.ok(rootManifest.scripts["grammar:textmate"]);
});

test.run();
