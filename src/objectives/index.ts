import { TEST_FUNCTIONS, type TestFunctionName } from "../plan/catalog.js";
import type { Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";

/**
 * The built-in test functions of `evaluate NAME(args)`: standard benchmark problems with their usual
 * domains and published optima (Surjanovic & Bingham's Virtual Library of Simulation Experiments,
 * sfu.ca/~ssurjano; ZDT1 from Zitzler, Deb & Thiele 2000). Parameters are named x1…xN; the
 * n-dimensional ones take `dim` (named, or the first positional argument, key "0").
 */
export interface BuiltinObjective {
  name: string;
  /** The metrics `evaluate` returns: ["value"], or ["f1", "f2"] for zdt1. */
  metrics: string[];
  dims(args: Record<string, Value>): number;
  domain(args: Record<string, Value>): [number, number][];
  evaluate(x: number[], args: Record<string, Value>): Record<string, number>;
  /** The global minimum (and one minimizer) where it is known. */
  optimum?(args: Record<string, Value>): { value: number; x?: number[] };
}

type Args = Record<string, Value>;

/**
 * The `dim` argument: a whole number, at least the catalogue's `minDim`, `fallback` when absent; any
 * other argument is an error.
 */
function dimOf(name: TestFunctionName, args: Args, fallback: number): number {
  const min = TEST_FUNCTIONS[name]!.minDim ?? 1;
  for (const k of Object.keys(args))
    if (k !== "dim" && k !== "0") throw new HpoError(`\`${name}\` takes only \`dim\`, not \`${k}\``);
  const v = args.dim ?? args["0"] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new HpoError(`\`${name}(dim)\` needs a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function noArgs(name: string, args: Args): void {
  const extra = Object.keys(args);
  if (extra.length) throw new HpoError(`\`${name}\` takes no arguments, got \`${extra[0]}\``);
}

function check(name: string, x: number[], n: number): void {
  if (x.length !== n) throw new HpoError(`\`${name}\` needs ${n} inputs (x1…x${n}), got ${x.length}`);
  for (const [i, v] of x.entries())
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new HpoError(`\`${name}\`: x${i + 1} must be a finite number, got ${JSON.stringify(v)}`);
}

/** A fixed-dimension function. */
function fixedDim(
  name: TestFunctionName,
  box: [number, number][],
  f: (x: number[]) => number,
  optimum: { value: number; x: number[] },
): BuiltinObjective {
  return {
    name,
    metrics: TEST_FUNCTIONS[name]!.metrics,
    dims: (args) => {
      noArgs(name, args);
      return box.length;
    },
    domain: (args) => {
      noArgs(name, args);
      return box.map((b) => [...b] as [number, number]);
    },
    evaluate: (x, args) => {
      noArgs(name, args);
      check(name, x, box.length);
      return { value: f(x) };
    },
    optimum: (args) => {
      noArgs(name, args);
      return { value: optimum.value, x: [...optimum.x] };
    },
  };
}

/** An n-dimensional function over the box [low, high]^n. */
function anyDim(
  name: TestFunctionName,
  low: number,
  high: number,
  fallback: number,
  f: (x: number[]) => number,
  optimum: (n: number) => { value: number; x: number[] },
): BuiltinObjective {
  const n = (args: Args) => dimOf(name, args, fallback);
  return {
    name,
    metrics: TEST_FUNCTIONS[name]!.metrics,
    dims: n,
    domain: (args) => Array.from({ length: n(args) }, () => [low, high] as [number, number]),
    evaluate: (x, args) => {
      check(name, x, n(args));
      return { value: f(x) };
    },
    optimum: (args) => optimum(n(args)),
  };
}

// Branin–Hoo, a = 1, b = 5.1/(4π²), c = 5/π, r = 6, s = 10, t = 1/(8π).
function branin([x1, x2]: number[]): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2! - b * x1! * x1! + c * x1! - 6) ** 2 + 10 * (1 - t) * Math.cos(x1!) + 10;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

function hartmann6(x: number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (x[j]! - H6_P[i]![j]! * 1e-4) ** 2;
    sum += H6_ALPHA[i]! * Math.exp(-inner);
  }
  return -sum;
}

function rosenbrock(x: number[]): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return s;
}

function ackley(x: number[]): number {
  const n = x.length;
  let sq = 0;
  let cos = 0;
  for (const v of x) {
    sq += v * v;
    cos += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(sq / n)) - Math.exp(cos / n) + 20 + Math.E;
}

function levy(x: number[]): number {
  const w = x.map((v) => 1 + (v - 1) / 4);
  const n = w.length;
  let s = Math.sin(Math.PI * w[0]!) ** 2;
  for (let i = 0; i + 1 < n; i++) s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
  const last = w[n - 1]!;
  return s + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
}

function rastrigin(x: number[]): number {
  let s = 10 * x.length;
  for (const v of x) s += v * v - 10 * Math.cos(2 * Math.PI * v);
  return s;
}

function styblinskiTang(x: number[]): number {
  let s = 0;
  for (const v of x) s += v ** 4 - 16 * v * v + 5 * v;
  return s / 2;
}

// Styblinski–Tang's 1-D minimizer: the root of 4x³ − 32x + 5 = 0 near −2.9035.
const ST_ARGMIN = -2.903534027771177;
const ST_MIN_PER_DIM = (ST_ARGMIN ** 4 - 16 * ST_ARGMIN ** 2 + 5 * ST_ARGMIN) / 2;

const zdt1: BuiltinObjective = {
  name: "zdt1",
  metrics: TEST_FUNCTIONS.zdt1!.metrics,
  dims: (args) => dimOf("zdt1", args, 30),
  domain: (args) => Array.from({ length: dimOf("zdt1", args, 30) }, () => [0, 1] as [number, number]),
  evaluate: (x, args) => {
    const n = dimOf("zdt1", args, 30);
    check("zdt1", x, n);
    const f1 = x[0]!;
    let rest = 0;
    for (let i = 1; i < n; i++) rest += x[i]!;
    const g = 1 + (9 * rest) / (n - 1);
    return { f1, f2: g * (1 - Math.sqrt(f1 / g)) };
  },
};

const ones = (n: number) => new Array<number>(n).fill(1);
const zeros = (n: number) => new Array<number>(n).fill(0);

/** Every built-in objective by the name `evaluate` uses: one per test function of the catalogue. */
const objectives = {
  branin: fixedDim(
    "branin",
    [
      [-5, 10],
      [0, 15],
    ],
    branin,
    { value: 0.39788735772973816, x: [Math.PI, 2.275] },
  ),
  hartmann6: fixedDim("hartmann6", new Array(6).fill([0, 1]), hartmann6, {
    value: -3.3223680114155147,
    x: [0.20168951, 0.15001069, 0.47687398, 0.27533243, 0.31165162, 0.65730053],
  }),
  rosenbrock: anyDim("rosenbrock", -5, 10, 2, rosenbrock, (n) => ({ value: 0, x: ones(n) })),
  ackley: anyDim("ackley", -32.768, 32.768, 2, ackley, (n) => ({ value: 0, x: zeros(n) })),
  levy: anyDim("levy", -10, 10, 2, levy, (n) => ({ value: 0, x: ones(n) })),
  rastrigin: anyDim("rastrigin", -5.12, 5.12, 2, rastrigin, (n) => ({ value: 0, x: zeros(n) })),
  styblinski_tang: anyDim("styblinski_tang", -5, 5, 2, styblinskiTang, (n) => ({
    value: n * ST_MIN_PER_DIM,
    x: new Array<number>(n).fill(ST_ARGMIN),
  })),
  zdt1,
} satisfies Record<TestFunctionName, BuiltinObjective>;
export const BUILTIN_OBJECTIVES: Record<string, BuiltinObjective> = objectives;

/** The built-in objective called `name`, or a clear error listing the others. */
export function builtinObjective(name: string): BuiltinObjective {
  const f = Object.hasOwn(BUILTIN_OBJECTIVES, name) ? BUILTIN_OBJECTIVES[name] : undefined;
  if (!f)
    throw new HpoError(`unknown built-in objective \`${name}\``, {
      hint: `built-ins: ${Object.keys(BUILTIN_OBJECTIVES).join(", ")}`,
    });
  return f;
}

/**
 * Evaluates a built-in objective on a trial's parameters x1…xN (the space must declare them all):
 * returns its metrics, e.g. { value } or { f1, f2 }.
 */
export function evaluateBuiltin(
  name: string,
  args: Record<string, Value>,
  params: Record<string, unknown>,
): Record<string, number> {
  const f = builtinObjective(name);
  const n = f.dims(args);
  const x: number[] = [];
  for (let i = 1; i <= n; i++) {
    const v = Object.hasOwn(params, `x${i}`) ? params[`x${i}`] : undefined;
    if (typeof v !== "number")
      throw new HpoError(
        `\`${name}\` needs a number for x${i}, got ${v === undefined ? "nothing" : JSON.stringify(v)}`,
        {
          hint: `declare x1…x${n} in the space`,
        },
      );
    x.push(v);
  }
  return f.evaluate(x, args);
}
