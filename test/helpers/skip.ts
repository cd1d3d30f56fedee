import type { Test } from "uvu";

/**
 * Registers `name` as skipped, printing a one-line reason the test runner shows,
 * e.g. when no CUDA device is present. Use only for checks that need hardware or a server.
 */
export function skipWithReason(test: Test, name: string, reason: string): void {
  console.log(`  skip: ${name} (${reason})`);
  test.skip(name, () => {});
}
