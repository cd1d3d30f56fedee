import { test } from "uvu";
import * as assert from "uvu/assert";
import { check, spec } from "./helpers.js";

// Names an Object.prototype lookup would find: each must read as unknown, never as an E000 crash.
const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

const evaluateSpec = (n: string) =>
  [
    "study t",
    `evaluate ${n}`,
    "space {",
    `  x1 = ${n}(-5, 10)`,
    "}",
    `objective minimize ${n}`,
    `strategy ${n}()`,
    `pruner ${n}()`,
    `validation ${n}()`,
    `budget { trials = 3 ${n} = 2 }`,
  ].join("\n");

const trainerSpec = (n: string) =>
  [
    "study t",
    `data ${n}()`,
    "space {",
    "  lr = loguniform(1e-4, 1e-1)",
    "}",
    "model {",
    `  ${n}(units = 8)`,
    `  dense(units = 8, ${n} = 2)`,
    "}",
    "train {",
    `  optimizer = ${n}(lr = lr)`,
    `  schedule = ${n}()`,
    `  early_stopping = ${n}(patience = 2)`,
    `  ${n} = 3`,
    "}",
    `objective minimize ${n}`,
    "budget { trials = 3 }",
  ].join("\n");

const where = (ds: ReturnType<typeof check>) => ds.map((d) => `${d.code}@${d.pos.line}:${d.pos.col}`);

for (const n of NAMES) {
  test(`\`${n}\` in every name position is an unknown name, not an internal error`, () => {
    const a = check(evaluateSpec(n));
    assert.ok(!a.some((d) => d.code === "E000"), where(a).join(" "));
    for (const at of ["E023@2:10", "E023@4:8", "E023@7:10", "E023@8:8", "E023@9:12", "E024@10:21"])
      assert.ok(where(a).includes(at), `${n}: ${at} in ${where(a).join(" ")}`);
    const b = check(trainerSpec(n));
    assert.ok(!b.some((d) => d.code === "E000"), where(b).join(" "));
    for (const at of [
      "E023@2:6",
      "E023@7:3",
      "E024@8:20",
      "E023@11:15",
      "E023@12:14",
      "E023@13:20",
      "E024@14:3",
      "E070@16:20",
    ])
      assert.ok(where(b).includes(at), `${n}: ${at} in ${where(b).join(" ")}`);
    const c = check(
      spec("", "", { budget: "budget { trials = 3 }" }).replace(
        "evaluate branin",
        `evaluate branin\nmodel ${n}()`,
      ),
    );
    assert.ok(!c.some((d) => d.code === "E000"), where(c).join(" "));
  });

  test(`a hyperparameter named \`${n}\` is an ordinary name`, () => {
    const ds = check(spec(`  ${n} = uniform(0, 1)\n  constraint ${n} < 2`));
    assert.equal(
      ds.filter((d) => d.severity === "error").map((d) => d.code),
      [],
    );
  });
}

test.run();
