import { test } from "uvu";
import * as assert from "uvu/assert";
import { DECL_CHECKS, FILE_CHECKS, runChecks, SLOW_CHECKS } from "../../../src/lang/checks/index.js";
import * as budget from "../../../src/lang/checks/budget.js";
import * as data from "../../../src/lang/checks/data.js";
import * as declarations from "../../../src/lang/checks/declarations.js";
import * as evaluate from "../../../src/lang/checks/evaluate.js";
import * as model from "../../../src/lang/checks/model.js";
import * as objectives from "../../../src/lang/checks/objectives.js";
import * as pruner from "../../../src/lang/checks/pruner.js";
import * as satisfiability from "../../../src/lang/checks/satisfiability.js";
import * as seed from "../../../src/lang/checks/seed.js";
import * as shapes from "../../../src/lang/checks/shapes.js";
import * as space from "../../../src/lang/checks/space.js";
import * as storage from "../../../src/lang/checks/storage.js";
import * as strategy from "../../../src/lang/checks/strategy.js";
import * as train from "../../../src/lang/checks/train.js";
import * as trial from "../../../src/lang/checks/trial.js";
import * as unused from "../../../src/lang/checks/unused.js";
import * as validation from "../../../src/lang/checks/validation.js";
import type { CheckedAst } from "../../../src/lang/checked.js";
import { Reporter } from "../../../src/lang/report.js";
import { checkedOf, spec } from "../helpers.js";

const registered = new Set<unknown>([...FILE_CHECKS, ...SLOW_CHECKS, ...Object.values(DECL_CHECKS).flat()]);

test("every check a group exports is registered (helpers aside)", () => {
  const groups = [budget, data, declarations, evaluate, model, objectives, pruner, satisfiability, seed]
    .concat([shapes, space, storage, strategy, train, trial, unused, validation] as never[])
    .map((g) => Object.entries(g as Record<string, unknown>));
  const helpers = new Set(["trainerRuns"]);
  for (const [name, f] of groups.flat()) {
    if (typeof f !== "function" || helpers.has(name)) continue;
    assert.ok(registered.has(f), `${name} is exported but not registered`);
  }
});

test("a check that throws becomes one E000 naming it; the other checks still run", () => {
  const c = checkedOf(spec("  constraint x1 < x2", "seed -1"));
  const broken = {
    ...c,
    exprs: new Proxy(c.exprs, {
      get(target, key, receiver) {
        if (key === "check")
          return () => {
            throw new Error("boom");
          };
        return Reflect.get(target, key, receiver);
      },
    }),
  } as CheckedAst;
  const report = new Reporter(c.file);
  runChecks(broken, report);
  const internal = report.diagnostics.filter((d) => d.code === "E000");
  assert.is(internal.length, 1);
  assert.match(internal[0]!.message, /constraintExpressions.*boom/);
  assert.ok(
    report.diagnostics.some((d) => d.code === "E030"),
    "the seed check ran after it",
  );
});

test("fast mode skips the slow checks only", () => {
  const src = spec("  constraint x1 > 20", "seed -1");
  const slow = new Reporter("x");
  runChecks(checkedOf(src), slow);
  const fast = new Reporter("x");
  runChecks({ ...checkedOf(src), fast: true }, fast);
  assert.ok(slow.diagnostics.some((d) => d.code === "E052"));
  assert.not.ok(fast.diagnostics.some((d) => d.code === "E052"));
  assert.ok(
    fast.diagnostics.some((d) => d.code === "E030"),
    "the seed check runs in fast mode",
  );
});

test.run();
