import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CallValue } from "../../src/plan/types.js";
import { createSchedule } from "../../src/train/schedules.js";

const call = (name: string, kwargs: Record<string, number | string> = {}): CallValue => ({
  call: name,
  args: [],
  kwargs,
});
const close = (actual: number, expected: number, digits: number) =>
  assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${actual} ≉ ${expected}`);

test("time decay 0.1 from 0.001 (language.md numbers)", () => {
  const s = createSchedule(call("time_decay", { decay: 0.1 }), 0.001, 10);
  [0.001, 0.000909091, 0.000757576, 0.000582751].forEach((v, e) => {
    close(s.rate(e, 0), v, 9);
  });
});

test("step decay 0.5 every 20: 0.001 to epoch 18, 0.0005 from 19, 0.00025 from 39", () => {
  const s = createSchedule(call("step_decay", { rate: 0.5, every: 20 }), 0.001, 60);
  for (const e of [0, 10, 18]) close(s.rate(e, 0), 0.001, 12);
  for (const e of [19, 30, 38]) close(s.rate(e, 0), 0.0005, 12);
  for (const e of [39, 50]) close(s.rate(e, 0), 0.00025, 12);
  const started = createSchedule(call("step_decay", { rate: 0.5, every: 20, start: 5 }), 0.001, 60);
  close(started.rate(23, 0), 0.001, 12);
  close(started.rate(24, 0), 0.0005, 12);
});

test("exponential decay 0.03 (language.md numbers)", () => {
  const s = createSchedule(call("exponential_decay", { decay: 0.03 }), 0.001, 10);
  [0.001, 0.00097045, 0.00091393, 0.00083527].forEach((v, e) => {
    close(s.rate(e, 0), v, 8);
  });
});

test("cyclic triangular: min at 0, max at period/2, min at period, per step", () => {
  const s = createSchedule(call("cyclic", { min_lr: 0.001, max_lr: 0.006, period: 8 }), 0.1, 5);
  assert.ok(s.perStep);
  [0.001, 0.00225, 0.0035, 0.00475, 0.006, 0.00475, 0.0035, 0.00225, 0.001, 0.00225].forEach((v, step) => {
    close(s.rate(0, step), v, 12);
  });
  const halving = createSchedule(
    call("cyclic", { min_lr: 0, max_lr: 1, period: 4, mode: "triangular2" }),
    0.1,
    5,
  );
  close(halving.rate(0, 2), 1, 12);
  close(halving.rate(0, 6), 0.5, 12);
});

test("cosine with warm-up: linear ramp, lr after warm-up, min_lr at the last epoch", () => {
  const s = createSchedule(call("cosine", { min_lr: 0.0001, warmup: 2 }), 0.001, 12);
  close(s.rate(0, 0), 0.0005, 12);
  close(s.rate(1, 0), 0.001, 12);
  close(s.rate(2, 0), 0.001, 12);
  // epochs 2..11 span 9 cosine steps: epoch 7 is 5/9 of the way down
  close(s.rate(7, 0), 0.0001 + (0.0009 * (1 + Math.cos((5 * Math.PI) / 9))) / 2, 12);
  close(s.rate(11, 0), 0.0001, 12);
});

test("constant and unknown schedules", () => {
  assert.is(createSchedule(undefined, 0.3, 4).rate(3, 100), 0.3);
  assert.throws(() => createSchedule(call("linear"), 0.1, 3), /unknown schedule `linear`/);
  assert.throws(() => createSchedule(call("time_decay"), 0.1, 3), /time_decay\(\) needs `decay`/);
});

test.run();
