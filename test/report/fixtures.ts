import type { StudyData, TrialRecord } from "../../src/report/data.js";
import type { ParamSpec } from "../../src/plan/types.js";

/** A small single-objective study with every trial state, a log, an int and a categorical parameter. */
export function smallStudy(): StudyData {
  const space: ParamSpec[] = [
    { name: "lr", kind: "float", low: 1e-4, high: 1e-1, log: true },
    { name: "layers", kind: "int", low: 1, high: 4, log: false, step: 1 },
    { name: "act", kind: "categorical", choices: ["relu", "tanh"], ordered: false },
  ];
  const t0 = Date.UTC(2026, 0, 1);
  const base: Omit<TrialRecord, "intermediate">[] = [
    { number: 0, state: "complete", params: { lr: 0.01, layers: 2, act: "relu" }, values: [0.5] },
    { number: 1, state: "complete", params: { lr: 0.001, layers: 3, act: "tanh" }, values: [0.3] },
    { number: 2, state: "failed", params: { lr: 0.05, layers: 1, act: "relu" }, error: "NaN loss" },
    { number: 3, state: "pruned", params: { lr: 0.0002, layers: 4, act: "tanh" } },
    { number: 4, state: "complete", params: { lr: 0.003, layers: 2, act: "tanh" }, values: [0.4] },
    { number: 5, state: "running", params: { lr: 0.02, layers: 1, act: "relu" } },
  ];
  const trials: TrialRecord[] = base.map((t, i) => ({
    ...t,
    intermediate: [1, 2, 3].map((s) => ({ step: s, value: 1 / (s + i) })),
    startedAt: t0 + i * 10_000,
    ...(t.state === "running" ? {} : { finishedAt: t0 + i * 10_000 + 2500 }),
  }));
  return {
    name: "small",
    objectives: [{ metric: "loss", direction: "minimize" }],
    space,
    specText: 'study "small"\n',
    trials,
  };
}

/** A two-objective study (minimize f1, maximize f2). */
export function twoObjectiveStudy(points: [number, number][]): StudyData {
  return {
    name: "two",
    objectives: [
      { metric: "f1", direction: "minimize" },
      { metric: "f2", direction: "maximize" },
    ],
    trials: points.map(([a, b], i) => ({
      number: i,
      state: "complete",
      params: { x: i },
      values: [a, b],
      intermediate: [],
    })),
  };
}
