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

/**
 * A pbt study: 3 members, 3 rounds of 2 epochs. Round 1: member 2 (the worst) copies member 0 and
 * explores lr; round 2: member 1's trial failed once and was retried, member 1 then copies member 2.
 */
export function pbtStudy(): StudyData {
  const rows: [number, number, number, number | undefined, number | undefined, number][] = [
    // number, member, round, resumedFrom, value, lr
    [0, 0, 0, undefined, 0.5, 0.01],
    [1, 1, 0, undefined, 0.6, 0.02],
    [2, 2, 0, undefined, 0.9, 0.05],
    [3, 0, 1, 0, 0.4, 0.01],
    [4, 1, 1, 1, 0.7, 0.02],
    [5, 2, 1, 0, 0.3, 0.012],
    [6, 0, 2, 3, 0.35, 0.01],
    [7, 1, 2, 5, undefined, 0.0144],
    [8, 2, 2, 5, 0.25, 0.012],
    [9, 1, 2, 5, 0.28, 0.0144],
  ];
  return {
    name: "population",
    objectives: [{ metric: "val_loss", direction: "minimize" }],
    space: [
      { name: "lr", kind: "float", low: 1e-3, high: 1e-1, log: true },
      { name: "units", kind: "int", low: 8, high: 64, log: false, step: 1 },
    ],
    trials: rows.map(([number, member, round, resumedFrom, value, lr]) => ({
      number,
      state: value === undefined ? "failed" : "complete",
      params: { lr, units: 16 + member },
      ...(value === undefined ? { error: "the worker crashed" } : { values: [value] }),
      intermediate: [],
      fidelity: {
        resource: 2 * (round + 1),
        ...(resumedFrom === undefined ? {} : { resumedFrom }),
        member,
        round,
      },
    })),
  };
}
