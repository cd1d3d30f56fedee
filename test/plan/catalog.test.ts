/**
 * `hpo check` passing means `hpo run` accepts the spec: every strategy and pruner option the checker
 * accepts (defaults, minima, maxima, every choice) is accepted by the runtime, every value either one
 * rejects is rejected by both, and the runtime reads no option the checker does not know.
 */
import { join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource, type Diagnostic } from "../../src/lang/index.js";
import {
  type OptionOwner,
  type OptionSpec,
  OPTION_TABLES,
  PRUNER_OPTIONS,
  PRUNERS,
  STRATEGIES,
  STRATEGY_OPTIONS,
  TRAINER_STRATEGIES,
} from "../../src/plan/catalog.js";
import { readOptions } from "../../src/plan/options.js";
import type { Plan, Value } from "../../src/plan/types.js";
import { createStrategy, STRATEGIES as STRATEGY_FACTORIES } from "../../src/strategies/index.js";
import { createPruner, PRUNERS as PRUNER_FACTORIES } from "../../src/strategies/pruners/index.js";
import { HpoError } from "../../src/util/errors.js";

// A user objective module (it exists, so E093 stays quiet): any metric and any strategy but pbt fit
// it; pbt gets the built-in trainer on the examples' houses.csv.
const FILE = join(resolve("examples"), "catalog-test.hpo");
const TRAINER = [
  'data csv(path = "data/houses.csv", target = "price")',
  "model mlp(units = x + 1)",
  'train { optimizer = adam(lr = 0.01)  loss = "mse" }',
];

/** The smallest spec that `strategy`/`pruner` fits: nsga2 needs two goals, pbt a trainer, the others one goal. */
function specWith(owner: OptionOwner, call: string): string {
  const isPruner = Object.hasOwn(PRUNER_OPTIONS, owner);
  const trainer = (TRAINER_STRATEGIES as readonly string[]).includes(owner);
  return [
    "study t",
    ...(trainer ? TRAINER : ['evaluate "./objective.mjs"']),
    "space {",
    "  x = int(0, 10)",
    "}",
    owner === "nsga2"
      ? "objectives {\n  minimize a\n  minimize b\n}"
      : `objective minimize ${trainer ? "val_loss" : "loss"}`,
    isPruner ? `pruner ${call}` : `strategy ${call}`,
    "budget { trials = 10 }",
  ].join("\n");
}

function compile(owner: OptionOwner, options: Record<string, Value>) {
  const args = Object.entries(options).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return compileSource(specWith(owner, `${owner}(${args.join(", ")})`), FILE);
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const show = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.message}`).join(" | ");

/** The runtime's verdict on a compiled Plan: its strategy or pruner built from the Plan's options. */
function run(owner: OptionOwner, plan: Plan): void {
  if (Object.hasOwn(PRUNER_OPTIONS, owner)) {
    createPruner(plan.pruner);
    return;
  }
  createStrategy(plan.strategy, {
    space: plan.space,
    constraints: plan.constraints,
    objectives: plan.objectives,
    options: {},
    seed: plan.seed,
    budget: plan.budget,
  });
}

/** Values the catalogue allows for one option: its default, its bounds and every choice. */
function accepted(spec: OptionSpec): Value[] {
  switch (spec.type) {
    case "bool":
      return [true, false];
    case "string":
      return [...spec.oneOf];
    default: {
      const out: Value[] = [spec.default];
      if (spec.min !== undefined && !spec.exclusiveLow) out.push(spec.min);
      if (spec.max !== undefined) out.push(spec.max);
      return out;
    }
  }
}

/** Values the catalogue refuses for one option: just past each bound, a fraction for a whole number, a wrong type. */
function refused(spec: OptionSpec): Value[] {
  switch (spec.type) {
    case "bool":
      return ["yes", 1];
    case "string":
      return ["no_such_choice", 3];
    default: {
      const out: Value[] = ["3"];
      if (spec.min !== undefined) out.push(spec.exclusiveLow ? spec.min : spec.min - 1);
      if (spec.max !== undefined) out.push(spec.type === "int" ? spec.max + 1 : spec.max * 2);
      if (spec.type === "int") out.push(spec.default + 0.5);
      return out;
    }
  }
}

/** Other options a value needs to stand alone (elitism below population; min_epochs and interval at most max_epochs). A population alone needs nothing: elitism 0 means all of it. */
function companions(owner: OptionOwner, name: string, value: Value): Record<string, Value> {
  if (owner === "pbt" && name === "interval" && typeof value === "number")
    return { max_epochs: Math.max(value, 20) };
  if (owner === "pbt" && name === "max_epochs" && typeof value === "number")
    return { interval: Math.min(value, 2) };
  if (owner === "evolution" && name === "elitism" && typeof value === "number")
    return { population: Math.max(value + 1, 2) };
  if (name === "min_epochs" && typeof value === "number") return { max_epochs: Math.max(value, 27) };
  if (name === "max_epochs" && typeof value === "number") return { min_epochs: Math.min(value, 1) };
  return {};
}

const owners = Object.keys(OPTION_TABLES) as OptionOwner[];

test("the runtime has a factory for every strategy and pruner of the catalogue, and no other", () => {
  assert.equal(Object.keys(STRATEGY_FACTORIES).sort(), Object.keys(STRATEGY_OPTIONS).sort());
  assert.equal(Object.keys(PRUNER_FACTORIES).sort(), Object.keys(PRUNER_OPTIONS).sort());
});

test("the checker's option lists are the runtime reader's, with the same defaults", () => {
  for (const owner of owners) {
    const checker = (STRATEGIES[owner] ?? PRUNERS[owner])!;
    const runtime = readOptions(owner, {});
    assert.equal(
      Object.fromEntries(checker.args.map((a) => [a.name, a.default])),
      { ...runtime },
      `${owner}: the checker's defaults`,
    );
  }
});

test("a spec without options gets the runtime's defaults in its Plan", () => {
  for (const owner of owners) {
    const { plan, diagnostics } = compile(owner, {});
    assert.ok(plan, `${owner}: ${show(diagnostics)}`);
    const options = Object.hasOwn(PRUNER_OPTIONS, owner) ? plan.pruner!.options : plan.strategy.options;
    assert.equal(options, { ...readOptions(owner, {}) }, owner);
  }
});

test("every default, bound and choice the checker accepts, the runtime accepts", () => {
  for (const owner of owners)
    for (const [name, spec] of Object.entries(OPTION_TABLES[owner].options))
      for (const value of accepted(spec)) {
        // The GPU is a device question, not an option one: `cuda` is checked where a device exists.
        if (name === "device" && value === "cuda") continue;
        const options = { ...companions(owner, name, value), [name]: value };
        const label = `${owner}(${JSON.stringify(options)})`;
        const { plan, diagnostics } = compile(owner, options);
        assert.equal(errors(diagnostics), [], `${label} is accepted by the checker: ${show(diagnostics)}`);
        assert.ok(plan, label);
        try {
          run(owner, plan);
        } catch (err) {
          assert.unreachable(`${label} passed the checker but the runtime refused it: ${err}`);
        }
      }
});

test("every value out of range or of the wrong type is refused by both the checker and the runtime", () => {
  for (const owner of owners)
    for (const [name, spec] of Object.entries(OPTION_TABLES[owner].options))
      for (const value of refused(spec)) {
        const options = { [name]: value };
        const label = `${owner}(${JSON.stringify(options)})`;
        const { diagnostics } = compile(owner, options);
        assert.ok(
          errors(diagnostics).some((d) => d.message.includes(name)),
          `${label}: the checker names \`${name}\` (${show(diagnostics)})`,
        );
        assert.throws(
          () => readOptions(owner, options),
          (e: unknown) => e instanceof HpoError && e.message.includes(`\`${name}\``),
          `${label}: the runtime names \`${name}\``,
        );
      }
});

test("an unknown option is refused by both", () => {
  for (const owner of owners) {
    assert.ok(
      errors(compile(owner, { no_such_option: 1 }).diagnostics).some((d) => d.code === "E024"),
      owner,
    );
    assert.throws(
      () => readOptions(owner, { no_such_option: 1 }),
      (e: unknown) => e instanceof HpoError && /has no option `no_such_option`/.test(e.message),
    );
  }
});

test("orderings between options hold in both: min_epochs ≤ max_epochs, elitism < population, interval ≤ max_epochs", () => {
  const cases: [OptionOwner, Record<string, Value>][] = [
    ["sha", { min_epochs: 9, max_epochs: 3 }],
    ["asha", { min_epochs: 9, max_epochs: 3 }],
    ["hyperband", { min_epochs: 9, max_epochs: 3 }],
    ["evolution", { population: 4, elitism: 4 }],
    ["pbt", { interval: 5, max_epochs: 4 }],
  ];
  for (const [owner, options] of cases) {
    const label = `${owner}(${JSON.stringify(options)})`;
    assert.ok(errors(compile(owner, options).diagnostics).length > 0, `${label}: the checker`);
    assert.throws(
      () => readOptions(owner, options),
      (e: unknown) => e instanceof HpoError,
      `${label}: the runtime`,
    );
  }
  for (const [owner, options] of [
    ["sha", { min_epochs: 3, max_epochs: 3 }],
    ["evolution", { population: 4, elitism: 3 }],
    // 0 is automatic in either: no ordering to keep
    ["evolution", { population: 0, elitism: 30 }],
    ["evolution", { population: 4, elitism: 0 }],
  ] as const) {
    assert.equal(errors(compile(owner, options).diagnostics), [], owner);
    readOptions(owner, options);
  }
});

test("regression: `strategy bayes(restarts = 0)` fails `hpo check`, as `hpo run` would", () => {
  const { plan, diagnostics } = compile("bayes", { restarts: 0 });
  assert.is(plan, undefined);
  const e084 = errors(diagnostics).find((d) => d.code === "E084");
  assert.ok(e084, show(diagnostics));
  assert.match(e084!.message, /`bayes` option `restarts` must be in \[1, 64\], got 0/);
  assert.throws(
    () => readOptions("bayes", { restarts: 0 }),
    /option `restarts` of `bayes` must be in \[1, 64\], got 0/,
  );
});

test.run();
