import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadObjective } from "../../src/study/objective.js";
import { fixture } from "../helpers/runtime-deps.js";
import { rejects } from "../helpers/runtime-plans.js";

test("loads a built-in by name and refuses an unknown one with the list", async () => {
  const from = new URL(`file://${fixture("builtins.mjs")}`).href;
  const fn = await loadObjective({ kind: "builtin", name: "sphere", args: { dim: 3 }, from });
  const ctx = {} as Parameters<typeof fn>[1];
  assert.equal(await fn({ x1: 1, x2: 2, x3: 3 }, ctx), { value: 14 });
  await rejects(
    () => loadObjective({ kind: "builtin", name: "sphear", args: {}, from }),
    /unknown built-in objective `sphear`/,
  );
});

test("a factory source builds the objective from its argument", async () => {
  const from = new URL(`file://${fixture("factory.mjs")}`).href;
  const fn = await loadObjective({ kind: "factory", from, name: "makeObjective", arg: { offset: 10 } });
  assert.is(await fn({ x1: 1 }, {} as Parameters<typeof fn>[1]), 11);
  await rejects(
    () => loadObjective({ kind: "factory", from, name: "nope", arg: {} }),
    /exports no function `nope`/,
  );
});

test("a missing module is a clear error naming it", async () => {
  await rejects(
    () => loadObjective({ kind: "module", path: "/nonexistent/obj.mjs" }),
    /cannot load the objective module `\/nonexistent\/obj\.mjs`/,
  );
  await rejects(() => loadObjective({ kind: "module", path: "relative.mjs" }), /must be absolute/);
});

test.run();
