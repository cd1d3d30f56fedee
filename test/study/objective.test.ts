import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadObjective } from "../../src/study/objective.js";
import { HpoError } from "../../src/util/errors.js";
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

const scratch = mkdtempSync(join(tmpdir(), "hpo-objective-"));

/** The HpoError loading a module (written into `folder`) throws. */
async function loadFailure(folder: string, name: string, text: string, pkg?: object): Promise<HpoError> {
  const at = join(scratch, folder);
  mkdirSync(at, { recursive: true });
  if (pkg) writeFileSync(join(at, "package.json"), JSON.stringify(pkg));
  writeFileSync(join(at, name), text);
  try {
    await loadObjective({ kind: "module", path: join(at, name) });
  } catch (err) {
    assert.instance(err, HpoError);
    return err as HpoError;
  }
  throw new Error(`${name} loaded`);
}

test("a syntax error in an objective module names FILE:LINE:COL", async () => {
  const err = await loadFailure(
    "syntax",
    "obj.mjs",
    "export default async function (p) {\n  return p.x +;\n}\n",
  );
  assert.match(err.message, /syntax error in the objective module .*obj\.mjs:2:15: Unexpected token ';'/);
  assert.is(err.hint, undefined);
});

test("ES module syntax in a .js file under type commonjs gets the .mjs / type module hint", async () => {
  const err = await loadFailure("cjs", "obj.js", "export default function (p) {\n  return p.x;\n}\n", {
    type: "commonjs",
  });
  assert.match(err.message, /obj\.js:1:1: Unexpected token 'export'/);
  assert.match(err.hint ?? "", /rename it to `\.mjs`, or set `"type": "module"`/);
});

test.run();
