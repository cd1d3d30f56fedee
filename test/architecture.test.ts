import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";

// The import graph between hpo's layers, read from the sources with TypeScript's own pre-parser
// (static, type-only, re-exports and dynamic `import()` alike).
const root = fileURLToPath(new URL("../../", import.meta.url));

/** The layer a source file belongs to: its top-level folder under src/ (`index` for src/index.ts), or `grammar`. */
function layerOf(file: string): string {
  const parts = relative(root, file).split(sep);
  if (parts[0] === "grammar") return "grammar";
  return parts.length > 2 ? (parts[1] as string) : (parts[1] as string).replace(/\.ts$/, "");
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Every arrow between two layers, with the files that draw it. */
function layerGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of [...sources(join(root, "src")), ...sources(join(root, "grammar"))]) {
    const from = layerOf(file);
    for (const ref of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!ref.fileName.startsWith(".")) continue; // packages and node: builtins
      const target = resolve(dirname(file), ref.fileName.replace(/\.js$/, ".ts"));
      const to = layerOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), relative(root, file)]);
    }
  }
  return graph;
}

/**
 * Arrows no layer may draw, and why. Data flows text → lang → Plan → study → storage; nothing below
 * reaches back up.
 */
const NEVER: { from: string; to: string[]; why: string }[] = [
  { from: "strategies", to: ["storage", "train"], why: "a strategy is testable on a math function alone" },
  { from: "plan", to: ["lang"], why: "the Plan knows no AST" },
  { from: "grammar", to: ["lang"], why: "the grammar knows syntax only" },
  { from: "train", to: ["strategies"], why: "the trainer reports, it does not decide" },
  { from: "report", to: ["study"], why: "the report reads what was stored" },
  { from: "lang", to: ["study", "strategies", "train"], why: "the front end runs nothing" },
  {
    from: "study",
    to: ["cli", "lang"],
    why: "the runtime runs compiled Plans; the composition root is in cli/",
  },
];

/** Storage is a leaf: it may lean on the Plan's vocabulary and the utilities, nothing above them. */
const STORAGE_MAY_IMPORT = new Set(["plan", "util"]);

/**
 * The language server reads text through the front end and the catalogue (plan's tables), and runs
 * nothing: no study, strategy, trainer, storage or addon.
 */
const LSP_MAY_IMPORT = new Set(["lang", "plan", "util"]);

test("the layers import one another without a cycle", () => {
  const graph = layerGraph();
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (layer: string): void => {
    state.set(layer, "open");
    path.push(layer);
    for (const [next, files] of graph.get(layer) ?? []) {
      if (state.get(next) === "open") {
        const cycle = [...path.slice(path.indexOf(next)), next].join(" → ");
        assert.unreachable(`import cycle ${cycle} (the last arrow from ${files.join(", ")})`);
      }
      if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(layer, "done");
  };
  for (const layer of graph.keys()) if (!state.has(layer)) visit(layer);
  assert.ok(graph.size >= 10, `only ${graph.size} layers found: is the source tree where the test looks?`);
});

test("no layer draws an arrow the architecture forbids", () => {
  const graph = layerGraph();
  const broken: string[] = [];
  for (const rule of NEVER)
    for (const to of rule.to) {
      const files = graph.get(rule.from)?.get(to);
      if (files) broken.push(`${rule.from} → ${to} (${rule.why}): ${files.join(", ")}`);
    }
  for (const [to, files] of graph.get("storage") ?? [])
    if (!STORAGE_MAY_IMPORT.has(to)) broken.push(`storage → ${to} (storage is a leaf): ${files.join(", ")}`);
  for (const [to, files] of graph.get("lsp") ?? [])
    if (!LSP_MAY_IMPORT.has(to))
      broken.push(`lsp → ${to} (the language server runs nothing): ${files.join(", ")}`);
  assert.equal(broken, []);
  // The rules above are only worth something while the layers they name exist.
  const layers = new Set([...sources(join(root, "src")), ...sources(join(root, "grammar"))].map(layerOf));
  for (const rule of NEVER)
    for (const name of [rule.from, ...rule.to]) assert.ok(layers.has(name), `no layer \`${name}\``);
});

test.run();
