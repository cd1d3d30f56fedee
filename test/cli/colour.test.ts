import { test } from "uvu";
import * as assert from "uvu/assert";
import pc from "picocolors";
import { colourEnabled, paintDiagnostics } from "../../src/cli/colour.js";

test("colour follows the terminal unless NO_COLOR or FORCE_COLOR say otherwise", () => {
  assert.is(colourEnabled(true, {}), true);
  assert.is(colourEnabled(false, {}), false);
  assert.is(colourEnabled(undefined, {}), false);
  assert.is(colourEnabled(true, { TERM: "dumb" }), false);
  assert.is(colourEnabled(true, { NO_COLOR: "1" }), false);
  assert.is(colourEnabled(false, { FORCE_COLOR: "1" }), true);
  assert.is(colourEnabled(true, { FORCE_COLOR: "0" }), false);
  assert.is(colourEnabled(false, { FORCE_COLOR: "1", NO_COLOR: "1" }), false);
  // An empty NO_COLOR does not count (no-color.org).
  assert.is(colourEnabled(true, { NO_COLOR: "" }), true);
});

test("paintDiagnostics colours severities and help lines, and leaves text alone without colour", () => {
  const text = "a.hpo:1:1: error[E013]: unknown\n   = help: try\nb.hpo:2:1: warning[W003]: unused\n";
  assert.is(paintDiagnostics(text, pc.createColors(false)), text);
  const painted = paintDiagnostics(text, pc.createColors(true));
  assert.match(painted, /\x1b\[31merror\[E013\]/);
  assert.match(painted, /\x1b\[33mwarning\[W003\]/);
  assert.match(painted, /\x1b\[36m {3}= help:/);
});

test.run();
