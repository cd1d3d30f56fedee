import * as assert from "uvu/assert";
import { HpoError } from "../../src/util/errors.js";

/** Asserts that `fn` throws an HpoError whose message matches `pattern`. */
export function throwsHpo(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, HpoError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable("expected an HpoError");
}
