import { test } from "uvu";
import * as assert from "uvu/assert";
import { seedValue } from "../../../src/lang/checks/seed.js";
import { storageUrlForm } from "../../../src/lang/checks/storage.js";
import { decl } from "../../../src/lang/checked.js";
import { checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

test("seedValue: a non-negative integer constant", () => {
  const c = checkedOf(spec("", "seed 1.5"));
  expectDiagnostic(runCheck(seedValue, decl(c, "seed")!, c), "E030", 10, 6, /non-negative integer/);
  const named = checkedOf(spec("", "seed x1"));
  expectDiagnostic(runCheck(seedValue, decl(named, "seed")!, named), "E034", 10, 6);
  const ok = checkedOf(spec("", "seed 7"));
  assert.equal(runCheck(seedValue, decl(ok, "seed")!, ok), []);
  assert.is(ok.seed, 7);
});

test("storageUrlForm: a URL hpo can open", () => {
  const c = checkedOf(spec("", 'storage "mysql://x"'));
  expectDiagnostic(runCheck(storageUrlForm, decl(c, "storage")!, c), "E091", 10, 9);
  for (const url of ["memory:", "sqlite:x.db", "postgresql://h/db"]) {
    const ok = checkedOf(spec("", `storage "${url}"`));
    assert.equal(runCheck(storageUrlForm, decl(ok, "storage")!, ok), [], url);
  }
});

test.run();
