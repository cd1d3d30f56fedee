import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromNativeError, HpoNativeError, NATIVE_ERROR_CODES } from "../../src/native/errors.js";
import { HpoError } from "../../src/util/errors.js";

const statusHeader = fileURLToPath(new URL("../../../native/common/status.h", import.meta.url));

test("the TypeScript codes are exactly the codes native/common/status.h can produce", () => {
  const text = readFileSync(statusHeader, "utf8");
  const cxx = [...text.matchAll(/return "(HPO_[A-Z_]+)";/g)].map((m) => m[1]);
  const expected = cxx.filter((c) => c !== "HPO_OK" && c !== "HPO_UNKNOWN").sort();
  assert.equal([...NATIVE_ERROR_CODES].sort(), expected);
});

test("an addon error with a status code becomes an HpoNativeError with that code", () => {
  const raw = Object.assign(new Error("cudaMalloc failed"), { code: "HPO_OUT_OF_MEMORY" });
  const err = fromNativeError(raw) as HpoNativeError;
  assert.instance(err, HpoNativeError);
  assert.instance(err, HpoError);
  assert.is(err.code, "HPO_OUT_OF_MEMORY");
  assert.is(err.message, "cudaMalloc failed");
  assert.is(err.cause, raw);
});

test("an error without a known code is HPO_UNKNOWN; argument errors pass through unchanged", () => {
  assert.is((fromNativeError(new Error("odd")) as HpoNativeError).code, "HPO_UNKNOWN");
  assert.is((fromNativeError("text") as HpoNativeError).message, "text");
  const type = new TypeError("x must be a Float64Array");
  assert.is(fromNativeError(type), type);
  const range = new RangeError("bad length");
  assert.is(fromNativeError(range), range);
});

test("an async failure carries the caller's stack captured before the call", () => {
  const callSite = new Error();
  const err = fromNativeError(Object.assign(new Error("late"), { code: "HPO_CUDA_ERROR" }), callSite);
  assert.match(err.stack ?? "", /^HpoNativeError: late\n/);
  assert.match(err.stack ?? "", /errors\.test\.js/);
});

test.run();
