import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type CodeAction,
  CompletionItemKind,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { formatSource } from "../../src/lang/index.js";
import { TestClient } from "./client.js";
import { exampleSpecs } from "../helpers/example-specs.js";

// `hpo lsp` driven through its protocol, as an editor drives it, on the examples.
const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const specs = exampleSpecs();
const read = (name: string) => readFileSync(join(examples, name), "utf8");

let client: TestClient;
let counter = 0;

/** Opens `text` as a new document beside the examples (so relative data paths resolve). */
async function openText(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const { uri, diagnostics } = await client.open(join(examples, `lsp-test-${++counter}.hpo`), text);
  return { uri, diagnostics: diagnostics.diagnostics };
}

/** The LSP position of the `nth` occurrence of `needle` in `text` (+ `shift` characters), in UTF-16 units. */
function positionOf(text: string, needle: string, nth = 0, shift = 0): Position {
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} is in the text`);
  at += shift;
  const before = text.slice(0, at).split("\n");
  return { line: before.length - 1, character: before.at(-1)!.length };
}

function rangeText(text: string, r: Range): string {
  const lines = text.split("\n");
  assert.is(r.start.line, r.end.line, "a one-line range");
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
}

function labels(items: CompletionItem[] | { items: CompletionItem[] } | null): string[] {
  const list = Array.isArray(items) ? items : (items?.items ?? []);
  return list.map((i) => i.label);
}

async function completeAt(text: string, cursorMarker = "|"): Promise<CompletionItem[]> {
  const at = text.indexOf(cursorMarker);
  const clean = text.slice(0, at) + text.slice(at + cursorMarker.length);
  const { uri } = await openText(clean);
  const position = positionOf(clean.slice(0, at) + "\u0000" + clean.slice(at), "\u0000");
  const items = await client.request<CompletionItem[]>("textDocument/completion", {
    textDocument: { uri },
    position,
  });
  await client.close(uri);
  return items;
}

test.before(async () => {
  client = await TestClient.start();
});

test.after(async () => {
  const code = await client.stop();
  assert.is(code, 0, `the server exits cleanly after shutdown (stderr: ${client.stderr})`);
});

test("every example opens with no error diagnostics (the full check on open)", async () => {
  assert.ok(specs.length >= 10);
  for (const name of specs) {
    const { uri, diagnostics } = await client.open(join(examples, name), read(name));
    const errors = diagnostics.diagnostics.filter((d) => d.severity === 1);
    assert.equal(errors, [], name);
    await client.close(uri);
  }
});

test("diagnostics while typing: a misspelled metric, with its code linked to language.md", async () => {
  const text = read("cifar10-cnn.hpo");
  const { uri } = await openText(text);
  const typed = text.replace("maximize val_accuracy", "maximize val_acuracy");
  const published = await client.change(uri, typed);
  const d = published.diagnostics.find((x) => x.code === "E070");
  assert.ok(d, JSON.stringify(published.diagnostics));
  assert.is(d.source, "hpo");
  assert.match(d.codeDescription!.href, /docs\/language\.md#diagnostics$/);
  assert.is(rangeText(typed, d.range), "val_acuracy");
  assert.match(String(d.message), /did you mean `val_accuracy`/);
  // Fixing it clears the error on the next pause.
  const fixed = await client.change(uri, text);
  assert.equal(
    fixed.diagnostics.filter((x) => x.severity === 1),
    [],
  );
  await client.close(uri);
});

test("the fast check while typing, the full check on save", async () => {
  // E052 (unsatisfiable constraints) is one of the slow checks the fast mode skips.
  const text = read("branin.hpo");
  const broken = text.replace("x2 = uniform(0, 15)", "x2 = uniform(0, 15)\n  constraint x1 > 100");
  const { uri } = await openText(text);
  const typing = await client.change(uri, broken);
  assert.not.ok(
    typing.diagnostics.some((d) => d.code === "E052"),
    "the fast check skips satisfiability",
  );
  const saved = await client.save(uri);
  assert.ok(
    saved.diagnostics.some((d) => d.code === "E052"),
    JSON.stringify(saved.diagnostics),
  );
  await client.close(uri);
});

test("rapid edits are debounced: only the last text is checked", async () => {
  // A pause far longer than it takes to send five edits, so that they certainly fall within one.
  const slow = await TestClient.start({ debounceMs: 3000 });
  const text = read("branin.hpo");
  const { uri } = await slow.open(join(examples, "debounce.hpo"), text);
  const last = slow.nextDiagnostics(uri, 6);
  for (let v = 2; v <= 6; v++) {
    await slow.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: v },
      contentChanges: [{ text: text.replace("trials = 60", `trials = 6${v}`) }],
    });
  }
  const published = await last;
  assert.is(published.version, 6);
  const forEdits = slow.allPublished.filter((p) => p.uri === uri && p.version !== 1);
  assert.equal(
    forEdits.map((p) => p.version),
    [6],
  );
  assert.is(await slow.stop(), 0);
});

test("completion after `strategy`: every strategy of the catalogue", async () => {
  const got = labels(await completeAt(`${read("branin.hpo").replace(/strategy .*\n/, "strategy |\n")}`));
  for (const s of ["random", "grid", "qmc", "tpe", "bayes", "evolution", "nsga2", "sha", "asha", "hyperband"])
    assert.ok(got.includes(s), `${s} in ${got}`);
});

test("completion inside a strategy call: its options with type, range and default", async () => {
  const items = await completeAt(read("branin-bayes.hpo").replace("strategy bayes()", "strategy bayes(|)"));
  const acq = items.find((i) => i.label === "acquisition");
  assert.ok(acq, JSON.stringify(labels(items)));
  assert.match(acq.detail!, /"logei" \| "ei" \| "pi" \| "ucb"/);
  assert.match(acq.detail!, /default "logei"/);
  const restarts = items.find((i) => i.label === "restarts");
  assert.match(restarts!.detail!, /int in \[1, 64\], default 4/);
  // After `acquisition =`: its values.
  const values = labels(
    await completeAt(read("branin-bayes.hpo").replace("strategy bayes()", "strategy bayes(acquisition = |)")),
  );
  assert.ok(values.includes('"ucb"'), String(values));
});

test("completion in model, train, objective, evaluate and space", async () => {
  const cnn = read("cifar10-cnn.hpo");
  const layers = labels(await completeAt(cnn.replace("  flatten()", "  |\n  flatten()")));
  for (const l of ["conv2d", "dense", "lstm", "repeat"]) assert.ok(layers.includes(l), `${l} in ${layers}`);
  const layerArgs = await completeAt(
    cnn.replace('conv2d(filters = filters, kernel = kernel, padding = "same"', "conv2d(filters = filters, |"),
  );
  const argNames = labels(layerArgs.filter((i) => i.kind === CompletionItemKind.Field));
  assert.ok(argNames.includes("kernel"));
  assert.not.ok(argNames.includes("filters"), "an argument already given is not offered again");
  assert.match(layerArgs.find((i) => i.label === "kernel")!.detail!, /int ≥ 1, required/);
  const optimizers = labels(await completeAt(cnn.replace("optimizer = adam(lr = lr)", "optimizer = |")));
  for (const o of ["sgd", "adam", "rmsprop"]) assert.ok(optimizers.includes(o));
  const schedules = labels(await completeAt(cnn.replace("schedule = cosine(warmup = 1)", "schedule = |")));
  assert.ok(schedules.includes("step_decay") && schedules.includes("cosine"));
  const settings = labels(await completeAt(cnn.replace("  epochs = 20\n", "  |\n")));
  assert.ok(settings.includes("epochs") && settings.includes("gradient_clip"));
  assert.not.ok(settings.includes("batch_size"), "a setting already given is not offered again");
  const metrics = labels(await completeAt(cnn.replace("maximize val_accuracy", "maximize |")));
  assert.ok(metrics.includes("val_accuracy") && metrics.includes("val_loss"));
  const zdt = read("zdt1-nsga2.hpo");
  assert.equal(labels(await completeAt(zdt.replace("  minimize f2\n", "  |\n"))), ["minimize", "maximize"]);
  const goals = labels(await completeAt(zdt.replace("minimize f2", "minimize |")));
  assert.ok(goals.includes("f2") && goals.includes("val_loss"), String(goals));
  const functions = labels(await completeAt(read("branin.hpo").replace("evaluate branin", "evaluate |")));
  assert.ok(functions.includes("branin") && functions.includes("zdt1"));
  const space = await completeAt(cnn.replace("lr = loguniform(1e-4, 1e-2)", "lr = |"));
  assert.ok(labels(space).includes("loguniform") && labels(space).includes("choice"));
  assert.match(
    space.find((i) => i.label === "int")!.detail!,
    /distribution: int\(low, high, step\?, log\?\)/,
  );
  assert.equal(
    labels(await completeAt(cnn.replace("study cifar10_cnn", "study |"))),
    [],
    "a name comes after `study`",
  );
  const top = labels(await completeAt(`${cnn}\n|`));
  for (const d of ["study", "space", "model", "train", "budget", "storage"]) assert.ok(top.includes(d));
});

test("hover on a parameter: its distribution, condition and where it is used", async () => {
  const text = read("cifar10-cnn.hpo");
  const { uri } = await openText(text);
  const h = await client.request<Hover>("textDocument/hover", {
    textDocument: { uri },
    position: positionOf(text, "adam(lr = lr)", 0, "adam(lr = ".length),
  });
  const md = (h.contents as { value: string }).value;
  assert.match(md, /lr = loguniform\(1e-4, 1e-2\)/);
  assert.match(md, /Present in every trial/);
  assert.match(md, /train \(line \d+\)/);
  assert.is(rangeText(text, h.range!), "lr");
  await client.close(uri);
});

test("hover on a conditional parameter names its condition", async () => {
  const text = read("user-objective.hpo").replace(
    'shape = choice("bowl", "diamond")',
    'shape = choice("bowl", "diamond")\n  w = uniform(0, 1) when shape == "bowl"',
  );
  const { uri } = await openText(text);
  const h = await client.request<Hover>("textDocument/hover", {
    textDocument: { uri },
    position: positionOf(text, "w = uniform"),
  });
  assert.match((h.contents as { value: string }).value, /Present only when `shape == "bowl"`/);
  await client.close(uri);
});

test("hover on a built-in: signature and arguments", async () => {
  const text = read("cifar10-cnn.hpo");
  const { uri } = await openText(text);
  const h = await client.request<Hover>("textDocument/hover", {
    textDocument: { uri },
    position: positionOf(text, "conv2d", 0, 2),
  });
  const md = (h.contents as { value: string }).value;
  assert.match(md, /\*\*conv2d\*\* — layer/);
  assert.match(md, /conv2d\(filters, kernel, stride\?, padding\?, activation\?\)/);
  assert.match(md, /`padding`: "valid" \| "same"/);
  assert.match(md, /A 2-D convolution over images/);
  const s = await client.request<Hover>("textDocument/hover", {
    textDocument: { uri },
    position: positionOf(text, "strategy tpe", 0, "strategy t".length),
  });
  assert.match((s.contents as { value: string }).value, /\*\*tpe\*\* — strategy/);
  await client.close(uri);
});

test("definition, references, highlights and rename of a parameter", async () => {
  const text = read("cifar10-cnn.hpo");
  const { uri } = await openText(text);
  const use = positionOf(text, "dropout(rate = dropout)", 0, "dropout(rate = ".length);
  const def = await client.request<Location>("textDocument/definition", {
    textDocument: { uri },
    position: use,
  });
  assert.equal(def.range.start, positionOf(text, "dropout = choice"));
  const refs = await client.request<Location[]>("textDocument/references", {
    textDocument: { uri },
    position: use,
    context: { includeDeclaration: true },
  });
  assert.is(refs.length, 2);
  for (const r of refs) assert.is(rangeText(text, r.range), "dropout");
  const highlights = await client.request<{ range: Range; kind: number }[]>(
    "textDocument/documentHighlight",
    {
      textDocument: { uri },
      position: use,
    },
  );
  assert.equal(
    highlights.map((h) => [rangeText(text, h.range), h.kind]),
    [
      ["dropout", 3],
      ["dropout", 2],
    ],
    "the declaration is a write, the read a read",
  );
  // The layer `dropout(…)` is a call, not the parameter: it is not renamed.
  const prep = await client.request<{ range: Range; placeholder: string }>("textDocument/prepareRename", {
    textDocument: { uri },
    position: use,
  });
  assert.is(prep.placeholder, "dropout");
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
    textDocument: { uri },
    position: use,
    newName: "drop_rate",
  });
  const edits = edit.changes![uri]!;
  assert.is(edits.length, 2);
  const renamed = applyEdits(text, edits);
  assert.match(renamed, /drop_rate = choice\(0\.2, 0\.5\)/);
  assert.match(renamed, /dropout\(rate = drop_rate\)/);
  const again = await client.change(uri, renamed);
  assert.equal(
    again.diagnostics.filter((d) => d.severity === 1),
    [],
  );
  await client
    .request("textDocument/rename", { textDocument: { uri }, position: use, newName: "model" })
    .then(
      () => assert.unreachable("a reserved word is refused"),
      (err: Error) => assert.match(err.message, /reserved/),
    );
  await client.close(uri);
});

test("a parameter family: `units[i]` goes to its declaration, hovers, and renames with it", async () => {
  const text = read("houses-layer-widths.hpo");
  const { uri } = await openText(text);
  const use = positionOf(text, "units = units[i]", 0, "units = ".length);
  const def = await client.request<Location>("textDocument/definition", {
    textDocument: { uri },
    position: use,
  });
  assert.equal(def.range.start, positionOf(text, "units[num_layers] = choice"));
  const h = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: use });
  assert.match((h.contents as { value: string }).value, /choice\(8, 16, 32, 64\)/);
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
    textDocument: { uri },
    position: use,
    newName: "widths",
  });
  const renamed = applyEdits(text, edit.changes![uri]!);
  assert.match(renamed, /widths\[num_layers\] = choice/);
  assert.match(renamed, /dense\(units = widths\[i\]/, "the layer's argument name `units` is not the family");
  const again = await client.change(uri, renamed);
  assert.equal(
    again.diagnostics.filter((d) => d.severity === 1),
    [],
  );
  await client.close(uri);
});

test("formatting through hpo fmt's formatter", async () => {
  const text = read("branin-bayes.hpo");
  const messy = text
    .replace("x1 = uniform(-5, 10)", "x1   =uniform( -5,10 )")
    .replace("  trials = 40", "      trials=40");
  const { uri } = await openText(messy);
  const edits = await client.request<TextEdit[]>("textDocument/formatting", {
    textDocument: { uri },
    options: { tabSize: 2, insertSpaces: true },
  });
  assert.is(applyEdits(messy, edits), formatSource(messy, "x.hpo").text);
  assert.is(applyEdits(messy, edits), text);
  await client.close(uri);
  const clean = await openText(text);
  assert.equal(
    await client.request("textDocument/formatting", {
      textDocument: { uri: clean.uri },
      options: { tabSize: 2, insertSpaces: true },
    }),
    [],
  );
  await client.close(clean.uri);
});

test("document symbols: the declarations, parameters and layers", async () => {
  const text = read("cifar10-cnn.hpo");
  const { uri } = await openText(text);
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", {
    textDocument: { uri },
  });
  const names = symbols.map((s) => s.name);
  assert.equal(names, [
    "study cifar10_cnn",
    "seed",
    "data cifar10",
    "space",
    "model",
    "train",
    "objective",
    "strategy tpe",
    "budget",
  ]);
  const space = symbols.find((s) => s.name === "space")!;
  assert.equal(
    space.children!.map((c) => c.name),
    ["lr", "blocks", "filters", "kernel", "batch", "dropout"],
  );
  const model = symbols.find((s) => s.name === "model")!;
  assert.equal(
    model.children!.map((c) => c.name),
    ["input", "repeat", "flatten", "dropout", "dense"],
  );
  await client.close(uri);
});

test("quick fixes: did you mean, and a missing `when` guard", async () => {
  const text = read("cifar10-cnn.hpo").replace("maximize val_accuracy", "maximize val_acuracy");
  const { uri, diagnostics } = await openText(text);
  const d = diagnostics.find((x) => x.code === "E070")!;
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.is(actions[0]!.title, "Change to val_accuracy");
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.is(fixed, read("cifar10-cnn.hpo"));
  await client.close(uri);

  // A string value: `padding = "sme"` → "same".
  const pad = read("cifar10-cnn.hpo").replace('padding = "same"', 'padding = "sme"');
  const p = await openText(pad);
  const pd = p.diagnostics.find((x) => x.code === "E046" || x.code === "E030")!;
  assert.ok(pd, JSON.stringify(p.diagnostics));
  const pa = await client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri: p.uri },
    range: pd.range,
    context: { diagnostics: [pd] },
  });
  assert.is(applyEdits(pad, pa[0]!.edit!.changes![p.uri]!), read("cifar10-cnn.hpo"));
  await client.close(p.uri);

  // An unknown strategy and an impossible comparison (E023, E037).
  const typos = read("user-objective.hpo")
    .replace("strategy tpe(startup = 5)", "strategy tp(startup = 5)")
    .replace(
      'shape = choice("bowl", "diamond")',
      'shape = choice("bowl", "diamond")\n  constraint shape != "bowl_" or x > 0',
    );
  const t = await openText(typos);
  for (const [code, want] of [
    ["E023", "tpe"],
    ["E037", '"bowl"'],
  ] as const) {
    const td = t.diagnostics.find((x) => x.code === code);
    assert.ok(td, `${code} in ${JSON.stringify(t.diagnostics)}`);
    const ta = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: t.uri },
      range: td.range,
      context: { diagnostics: [td] },
    });
    assert.is(ta[0]?.title, `Change to ${want}`);
    assert.equal(ta[0]!.edit!.changes![t.uri]!, [{ range: td.range, newText: want }]);
  }
  await client.close(t.uri);

  // E050: a layer reads a parameter that exists only under a condition.
  const guarded = read("cifar10-cnn.hpo")
    .replace("dropout = choice(0.2, 0.5)", "dropout = choice(0.2, 0.5) when kernel == 3")
    .replace("dropout(rate = dropout)", "dropout(rate = dropout)");
  const g = await openText(guarded);
  const gd = g.diagnostics.find((x) => x.code === "E050")!;
  assert.ok(gd, JSON.stringify(g.diagnostics));
  const ga = await client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri: g.uri },
    range: gd.range,
    context: { diagnostics: [gd] },
  });
  assert.is(ga[0]!.title, "Add `when kernel == 3`");
  const withGuard = applyEdits(guarded, ga[0]!.edit!.changes![g.uri]!);
  assert.match(withGuard, /dropout\(rate = dropout\) when kernel == 3/);
  const after = await client.change(g.uri, withGuard);
  assert.not.ok(
    after.diagnostics.some((x) => x.code === "E050"),
    JSON.stringify(after.diagnostics),
  );
  await client.close(g.uri);
});

test("positions are UTF-16 characters: accents, CJK and astral characters before a span", async () => {
  const text = [
    'study "étude 🚀 学習"',
    "seed 0",
    "evaluate branin",
    "space {",
    "  x1 = uniform(-5, 10) # 𝔁₁ — the first 🚀",
    '  x2 = uniform(0, 15) when "é🚀" != "学" or x1 > x11',
    "}",
    "objective minimize value",
    "strategy random()",
    "budget {",
    "  trials = 5",
    "}",
    "",
  ].join("\n");
  const { uri, diagnostics } = await openText(text);
  const d = diagnostics.find((x) => x.code === "E020");
  assert.ok(d, JSON.stringify(diagnostics));
  assert.equal(d.range.start, positionOf(text, "x11"));
  assert.is(rangeText(text, d.range), "x11");
  const h = await client.request<Hover>("textDocument/hover", {
    textDocument: { uri },
    position: positionOf(text, "x1 > x11"),
  });
  assert.ok(h, "hover after astral characters");
  assert.is(rangeText(text, h.range!), "x1");
  const refs = await client.request<Location[]>("textDocument/references", {
    textDocument: { uri },
    position: positionOf(text, "x1 = uniform"),
    context: { includeDeclaration: true },
  });
  assert.equal(
    refs.map((r) => rangeText(text, r.range)),
    ["x1", "x1"],
  );
  await client.close(uri);
});

test("a closed document's diagnostics are cleared", async () => {
  const { uri } = await openText("study broken\nspace {\n");
  const cleared = await client.close(uri);
  assert.equal(cleared.diagnostics, []);
});

/** Applies non-overlapping edits to a text. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

test.run();
