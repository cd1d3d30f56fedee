import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  BUILTIN_DOCS,
  CALLBACKS,
  DISTRIBUTIONS,
  EXPR_FUNCTIONS,
  LAYERS,
  OPTIMIZERS,
  PRUNER_OPTIONS,
  READERS,
  SCHEDULES,
  STRATEGY_OPTIONS,
  TEMPLATES,
  TEST_FUNCTIONS,
  VALIDATIONS,
} from "../../src/plan/catalog.js";

// Every built-in the language knows has its one sentence, and no sentence names a built-in that is gone.
const TABLES: Record<keyof typeof BUILTIN_DOCS, string[]> = {
  distribution: Object.keys(DISTRIBUTIONS),
  reader: Object.keys(READERS),
  template: Object.keys(TEMPLATES),
  layer: Object.keys(LAYERS),
  optimizer: Object.keys(OPTIMIZERS),
  schedule: Object.keys(SCHEDULES),
  callback: Object.keys(CALLBACKS),
  validation: Object.keys(VALIDATIONS),
  strategy: Object.keys(STRATEGY_OPTIONS),
  pruner: Object.keys(PRUNER_OPTIONS),
  "test function": Object.keys(TEST_FUNCTIONS),
  function: EXPR_FUNCTIONS,
};

for (const [kind, names] of Object.entries(TABLES) as [keyof typeof BUILTIN_DOCS, string[]][]) {
  test(`every ${kind} has a sentence, and only those`, () => {
    const docs: Record<string, string> = BUILTIN_DOCS[kind];
    assert.equal(Object.keys(docs).sort(), [...names].sort());
    for (const [name, doc] of Object.entries(docs))
      assert.match(doc, /^\S[^\n]*\.$/, `${kind} ${name}: one sentence`);
  });
}

test.run();
