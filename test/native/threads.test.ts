import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  KERNEL_THREADS_ENV,
  kernelThreadShare,
  parseKernelThreads,
  workerEnv,
} from "../../src/native/threads.js";
import { throwsHpo } from "../helpers/throws.js";

test("a worker's share is the cores divided by the trials run at once, at least one", () => {
  assert.is(kernelThreadShare(2, 1), 2);
  assert.is(kernelThreadShare(2, 2), 1);
  assert.is(kernelThreadShare(2, 3), 1);
  assert.is(kernelThreadShare(16, 2), 8);
  assert.is(kernelThreadShare(16, 3), 5); // never more busy threads than cores
  assert.is(kernelThreadShare(1, 1), 1);
  assert.is(kernelThreadShare(0, 0), 1);
});

test("HPO_KERNEL_THREADS: unset or empty means no choice; a positive integer is the budget", () => {
  assert.is(parseKernelThreads(undefined), undefined);
  assert.is(parseKernelThreads(""), undefined);
  assert.is(parseKernelThreads(" "), undefined);
  assert.is(parseKernelThreads("1"), 1);
  assert.is(parseKernelThreads("12"), 12);
});

test("a malformed HPO_KERNEL_THREADS is an HpoError naming the variable and the value", () => {
  for (const bad of ["0", "-2", "1.5", "two", "99999"])
    throwsHpo(() => parseKernelThreads(bad), new RegExp(`^${KERNEL_THREADS_ENV} must be .*got \`${bad}\``));
});

test("a worker's environment carries its share, or the user's own budget, and leaves the study's alone", () => {
  const env = { PATH: "/bin" };
  assert.equal(workerEnv(2, env, 2), { PATH: "/bin", [KERNEL_THREADS_ENV]: "1" });
  assert.equal(workerEnv(1, env, 2), { PATH: "/bin", [KERNEL_THREADS_ENV]: "2" });
  assert.equal(workerEnv(4, env, 16), { PATH: "/bin", [KERNEL_THREADS_ENV]: "4" });
  assert.equal(env, { PATH: "/bin" });
  const chosen = { PATH: "/bin", [KERNEL_THREADS_ENV]: "3" };
  assert.equal(workerEnv(2, chosen, 16), chosen);
  throwsHpo(() => workerEnv(2, { [KERNEL_THREADS_ENV]: "x" }, 2), /HPO_KERNEL_THREADS must be/);
});

test.run();
