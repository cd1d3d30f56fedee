import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile, formatSource } from "../../src/lang/index.js";
import { exampleSpecs } from "../helpers/example-specs.js";

const dir = fileURLToPath(new URL("../../../examples/", import.meta.url));
const specs = exampleSpecs();
const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(root, "test", "fixtures", "plans");

/** The Plan as committed JSON: machine-specific absolute paths replaced by `<root>/`. */
function portable(plan: unknown): string {
  return `${JSON.stringify(plan, null, 2).split(root).join("<root>/")}\n`;
}

test("every example named in language.md is present", () => {
  for (const f of [
    "fashion-softmax",
    "shakespeare-lstm",
    "cifar10-cnn",
    "translation-transformer",
    "houses-kfold",
    "pareto-nsga2",
    "mnist-hyperband",
    "user-objective",
    "branin-bayes",
    "branin",
    "zdt1-nsga2",
  ])
    assert.ok(specs.includes(`${f}.hpo`), f);
});

for (const f of specs) {
  test(`${f} parses, checks without a diagnostic and compiles`, () => {
    const r = compileFile(join(dir, f));
    assert.equal(
      r.diagnostics.map((d) => `${d.code} ${d.message}`),
      [],
    );
    assert.ok(r.plan);
    assert.equal(JSON.parse(JSON.stringify(r.plan)), r.plan);
    assert.ok(r.source.startsWith("#"), "leading comment");
  });
  test(`${f} is in canonical layout (fmt changes nothing) and fmt is idempotent`, () => {
    const r = compileFile(join(dir, f));
    const once = formatSource(r.source, f).text;
    assert.is(once, r.source);
    assert.is(formatSource(once!, f).text, once);
  });
}

for (const f of specs) {
  test(`${f} compiles to the committed Plan test/fixtures/plans/${f.replace(".hpo", ".json")}`, () => {
    const r = compileFile(join(dir, f));
    const fixture = join(fixtures, f.replace(".hpo", ".json"));
    // HPO_UPDATE_FIXTURES=1 rewrites them after an intended change of the Plan.
    if (process.env.HPO_UPDATE_FIXTURES === "1" || !existsSync(fixture)) {
      mkdirSync(fixtures, { recursive: true });
      writeFileSync(fixture, portable(r.plan));
    }
    assert.equal(JSON.parse(portable(r.plan)), JSON.parse(readFileSync(fixture, "utf8")));
  });
}

test("branin uses the default SQLite storage beside the spec", () => {
  const r = compileFile(join(dir, "branin.hpo"));
  assert.is(r.plan?.storage, `sqlite:${join(dir, ".hpo", "branin.db")}`);
  assert.equal(r.plan?.strategy, {
    name: "tpe",
    options: {
      startup: 10,
      candidates: 0,
      prior_weight: 1,
      consider_endpoints: false,
      magic_clip: "shared",
      multivariate: true,
      constant_liar: true,
    },
  });
});

test("fmt keeps comments and rewrites a messy layout canonically", () => {
  const messy =
    "# head\nstudy   t # name\nspace{x1=uniform(-5,10)  # one\n x2 = uniform(0,15)\n\n\n  # before constraint\n constraint x1<x2}\nbudget{trials=3}\n";
  const out = formatSource(messy, "m.hpo").text!;
  assert.is(
    out,
    "# head\nstudy t  # name\nspace {\n  x1 = uniform(-5, 10)  # one\n  x2 = uniform(0, 15)\n\n  # before constraint\n  constraint x1 < x2\n}\nbudget {\n  trials = 3\n}\n",
  );
  assert.is(formatSource(out, "m.hpo").text, out);
});

test.run();
