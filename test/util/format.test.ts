import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatNumber } from "../../src/util/format.js";
import { PAGE_SCRIPT } from "../../src/report/page-script.js";

test("hpo formats every number one way, in the terminal and the report", () => {
  assert.is(formatNumber(undefined), "");
  assert.is(formatNumber(3), "3");
  assert.is(formatNumber(12345), "12345");
  assert.is(formatNumber(0.1234567), "0.123457");
  assert.is(formatNumber(2.5e-4), "2.5000e-4");
  assert.is(formatNumber(1234567.5), "1.2346e+6");
  assert.is(formatNumber(0), "0");
  assert.is(formatNumber(Number.NaN), "NaN");
});

test("the page script formats with the same function", () => {
  assert.ok(PAGE_SCRIPT.includes(`var formatNumber = ${formatNumber.toString()};`));
});

test.run();
