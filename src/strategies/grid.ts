import { rngFor, STREAM, shuffle } from "../plan/random.js";
import {
  gridSize,
  gridValue,
  isActive,
  normalQuantile,
  satisfiesConstraints,
  stepOf,
} from "../space/index.js";
import { readOptions } from "../plan/options.js";
import type { Expr, Params, ParamSpec, Scalar } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import type { Proposal, Strategy, StrategyFactory, TrialView } from "./types.js";

/** The most configurations a grid may have: beyond it, enumerating is not a search any more. */
export const MAX_GRID_SIZE = 1_000_000;

/**
 * `grid(points = 0, shuffle = false)`: every combination of the discrete values (choices, ints,
 * stepped floats, fixed values) and, for continuous parameters, `points` evenly spaced values (in
 * log space for log scales; normal parameters at evenly spaced quantiles). Conditional parameters
 * expand only where active; combinations breaking a constraint are dropped. Each ask proposes the
 * next combinations no trial has tried yet, so the grid is exhausted exactly once.
 */
export const createGrid: StrategyFactory = (init) => {
  const options = readOptions("grid", init.options);
  const grid = enumerateGrid(init.space, init.constraints, options.points);
  if (options.shuffle) shuffle(grid, rngFor(init.seed, STREAM.shuffle));
  const keys = grid.map(configKey);

  return {
    name: "grid",
    async ask(context, count) {
      const tried = new Set(context.trials.map((t: TrialView) => configKey(t.params)));
      const out: Proposal[] = [];
      for (let i = 0; i < grid.length && out.length < count; i++)
        if (!tried.has(keys[i] as string)) out.push({ params: { ...(grid[i] as Params) } });
      return out;
    },
  } satisfies Strategy;
};

/** Every configuration of the grid, in declaration order (the last parameter varies fastest). */
export function enumerateGrid(space: ParamSpec[], constraints: Expr[], points: number): Params[] {
  const values = space.map((p) => axis(p, points));
  const out: Params[] = [];
  let leaves = 0;
  const walk = (k: number, params: Params): void => {
    if (k === space.length) {
      if (++leaves > 10 * MAX_GRID_SIZE)
        throw new HpoError(
          `the grid has more than ${(10 * MAX_GRID_SIZE).toLocaleString("en-US")} combinations`,
          {
            hint: "use fewer `points`, coarser steps, or a sampling strategy (random, qmc, tpe)",
          },
        );
      if (satisfiesConstraints(constraints, params)) {
        if (out.length >= MAX_GRID_SIZE)
          throw new HpoError(
            `the grid has more than ${MAX_GRID_SIZE.toLocaleString("en-US")} configurations`,
            {
              hint: "use fewer `points`, coarser steps, or a sampling strategy (random, qmc, tpe)",
            },
          );
        out.push({ ...params });
      }
      return;
    }
    const p = space[k] as ParamSpec;
    if (!isActive(p, params)) {
      walk(k + 1, params);
      return;
    }
    for (const v of values[k] as Scalar[]) {
      params[p.name] = v;
      walk(k + 1, params);
    }
    delete params[p.name];
  };
  walk(0, {});
  return out;
}

/** The values one parameter takes on the grid. */
export function axis(p: ParamSpec, points: number): Scalar[] {
  switch (p.kind) {
    case "fixed":
      return [p.value];
    case "categorical":
      return [...p.choices];
    case "normal":
      return continuous(p, points, (u) => p.mean + p.sd * normalQuantile(u), true);
    case "int":
    case "float": {
      if (stepOf(p) !== undefined && !(p.kind === "float" && p.log)) {
        const n = gridSize(p);
        if (n > MAX_GRID_SIZE)
          throw new HpoError(`\`${p.name}\` has ${n} values: too many for a grid`, {
            hint: "use a larger step",
          });
        return Array.from({ length: n }, (_, k) => gridValue(p, k));
      }
      const { low, high } = p;
      return continuous(p, points, (u) =>
        p.log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low),
      );
    }
  }
}

/** `points` values of a continuous parameter: the ends included, or cell midpoints for a normal. */
function continuous(p: ParamSpec, points: number, at: (u: number) => number, open = false): number[] {
  if (points <= 0)
    throw new HpoError(`grid needs \`points\` for the continuous parameter \`${p.name}\``, {
      hint: "e.g. strategy grid(points = 5)",
    });
  if (open) return Array.from({ length: points }, (_, i) => tidy(at((i + 0.5) / points)));
  if (points === 1) return [tidy(at(0.5))];
  return Array.from({ length: points }, (_, i) => tidy(at(i / (points - 1))));
}

// Rounds away the last-bit noise of linspace so that grid values print as written (0.3, not 0.30000000000000004).
function tidy(v: number): number {
  return Number(v.toPrecision(15));
}

/** A canonical key of a configuration (parameter order does not matter). */
export function configKey(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}
