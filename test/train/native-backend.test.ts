// hpo-native against tfjs's cpu backend: every overridden kernel, forward and gradients, on seeded
// random shapes (odd sizes, strides, every padding kind, dilation, transposes, broadcasting, fused
// activations, NaN), then each model template for five Adam steps from one seed.
import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rngFor } from "../../src/plan/random.js";
import type { Dataset } from "../../src/data/types.js";
import { loadCpu } from "../../src/native/load.js";
import * as nn from "../../src/native/nn.js";
import { lossTensor } from "../../src/train/metrics.js";
import { buildModel } from "../../src/train/model.js";
import { NATIVE_BACKEND, NATIVE_KERNELS, registerNativeBackend } from "../../src/train/native-backend.js";

registerNativeBackend();
tf.env().set("PROD", true);

interface Input {
  values: Float32Array;
  shape: number[];
  dtype?: "float32" | "int32";
}

// Test data only: a fixed generator, not a stream of any study.
const testRng = rngFor(20261206);
const uniform = () => testRng.uniform();
function random(shape: number[], scale = 1): Input {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (2 * uniform() - 1) * scale;
  return { values, shape };
}

/** f's output and its gradients with respect to every input (of sum(f²)/2, so dy = y), on `backend`. */
async function run(backend: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Input[], grads: boolean) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? "float32"));
    const y = f(...xs);
    const outs = [y];
    if (grads) outs.push(...tf.grads((...a: tf.Tensor[]) => tf.mul(tf.sum(tf.square(f(...a))), 0.5))(xs));
    return outs.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) }));
  });
}

/**
 * Asserts hpo-native matches cpu: max|a − b| ≤ tol · max(1, max|b|), tol = 1e-4 · max(1, √(K/16))
 * for a reduction of length K (JS sums in float64 in some kernels, the native ones in float32).
 */
async function same(
  name: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Input[],
  { reduction = 16, grads = true } = {},
) {
  const want = await run("cpu", f, inputs, grads);
  const got = await run(NATIVE_BACKEND, f, inputs, grads);
  const tol = 1e-4 * Math.max(1, Math.sqrt(reduction / 16));
  assert.is(got.length, want.length, name);
  want.forEach((w, i) => {
    const g = got[i];
    const what = i === 0 ? `${name}: output` : `${name}: gradient ${i - 1}`;
    assert.equal(g.shape, w.shape, `${what} shape`);
    let scale = 1;
    for (const v of w.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let j = 0; j < w.values.length; j++) {
      const a = g.values[j];
      const b = w.values[j];
      if (Number.isNaN(b) || Number.isNaN(a)) {
        assert.ok(Number.isNaN(a) && Number.isNaN(b), `${what}[${j}]: ${a} vs ${b} (NaN on one side)`);
        continue;
      }
      if (a === b) continue;
      worst = Math.max(worst, Math.abs(a - b));
    }
    assert.ok(worst <= tol * scale, `${what}: max difference ${worst} > ${tol * scale}`);
  });
}

test("registers hpo-native with every cpu kernel and the overrides", () => {
  const cpu = tf
    .getKernelsForBackend("cpu")
    .map((k) => k.kernelName)
    .sort();
  const native = tf
    .getKernelsForBackend(NATIVE_BACKEND)
    .map((k) => k.kernelName)
    .sort();
  assert.equal(native, cpu);
  for (const name of Object.keys(NATIVE_KERNELS)) assert.ok(cpu.includes(name), name);
  assert.is(registerNativeBackend(), true); // idempotent
});

// ---- matrix products --------------------------------------------------------------------------------
test("BatchMatMul: odd sizes in all four transpose combinations", async () => {
  for (const [m, k, n] of [
    [1, 1, 1],
    [5, 7, 3],
    [13, 33, 17],
    [37, 130, 29],
  ]) {
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const a = random(ta ? [k, m] : [m, k]);
        const b = random(tb ? [n, k] : [k, n]);
        await same(`${m}x${k}x${n} ta=${ta} tb=${tb}`, (x, y) => tf.matMul(x, y, ta, tb), [a, b], {
          reduction: k,
        });
      }
  }
});

test("BatchMatMul: 4-D attention shapes, one-sided batch broadcast, a large product", async () => {
  await same("attention scores", (q, kk) => tf.matMul(q, kk, false, true), [
    random([3, 4, 9, 8]),
    random([3, 4, 9, 8]),
  ]);
  await same("attention values", (p, v) => tf.matMul(p, v), [random([3, 4, 9, 9]), random([3, 4, 9, 8])]);
  // tfjs's BatchMatMul gradient cannot reduce a broadcast batch (on any backend): forward only.
  await same("broadcast a", (x, y) => tf.matMul(x, y), [random([1, 5, 6]), random([4, 6, 3])], {
    grads: false,
  });
  await same("broadcast b", (x, y) => tf.matMul(x, y, true, false), [random([2, 3, 6, 5]), random([6, 7])], {
    grads: false,
  });
  await same("large", (x, y) => tf.matMul(x, y), [random([70, 300]), random([300, 90])], { reduction: 300 });
});

test("BatchMatMul: numpy broadcasting when both sides broadcast", async () => {
  // The cpu kernel indexes such batches wrongly; compare with an explicit tile on cpu instead.
  const a = random([2, 1, 3, 4]);
  const b = random([1, 3, 4, 2]);
  const want = await run(
    "cpu",
    (x, y) => tf.matMul(tf.tile(x, [1, 3, 1, 1]), tf.tile(y, [2, 1, 1, 1])),
    [a, b],
    false,
  );
  const got = await run(NATIVE_BACKEND, (x, y) => tf.matMul(x, y), [a, b], false);
  assert.equal(got[0].shape, [2, 3, 3, 2]);
  got[0].values.forEach((v, i) => {
    assert.ok(Math.abs(v - want[0].values[i]) < 1e-5, `element ${i}`);
  });
});

test("_FusedMatMul: bias and every activation, leakyrelu alpha, prelu per channel and scalar", async () => {
  const activations = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const;
  for (const activation of activations) {
    await same(
      `fused ${activation}`,
      (x, w, bias) => tf.fused.matMul({ a: x, b: w, bias, activation, leakyreluAlpha: 0.3 }),
      [random([9, 11], 2), random([11, 6]), random([6])],
      { grads: activation === "linear" },
    );
  }
  await same(
    "fused prelu per channel",
    (x, w, bias, alpha) =>
      tf.fused.matMul({ a: x, b: w, bias, activation: "prelu", preluActivationWeights: alpha }),
    [random([9, 11], 2), random([11, 6]), random([6]), random([6])],
    { grads: false },
  );
  await same(
    "fused prelu scalar, transposed",
    (x, w, alpha) =>
      tf.fused.matMul({ a: x, b: w, transposeB: true, activation: "prelu", preluActivationWeights: alpha }),
    [random([9, 11], 2), random([6, 11]), random([1])],
    { grads: false },
  );
  // Under a tape tfjs runs the linear fused kernel with a custom gradient: check that path too.
  await same("fused linear with gradients", (x, w, bias) => tf.fused.matMul({ a: x, b: w, bias }), [
    random([8, 5]),
    random([5, 7]),
    random([7]),
  ]);
});

test("relu and relu6 propagate NaN through the fused epilogue (Math.max semantics)", async () => {
  const x = random([4, 3]);
  x.values[0] = Number.NaN;
  for (const activation of ["relu", "relu6"] as const)
    await same(`NaN ${activation}`, (a, w) => tf.fused.matMul({ a, b: w, activation }), [x, random([3, 5])], {
      grads: false,
    });
  const y = await run(
    NATIVE_BACKEND,
    (a, w) => tf.fused.matMul({ a, b: w, activation: "relu" }),
    [x, random([3, 5])],
    false,
  );
  assert.ok(Number.isNaN(y[0].values[0]));
});

// ---- convolutions -----------------------------------------------------------------------------------
type Pad =
  | "same"
  | "valid"
  | number
  | [[number, number], [number, number], [number, number], [number, number]];
const CONVS: {
  name: string;
  x: number[];
  f: number[];
  stride: number | [number, number];
  pad: Pad;
  round?: "floor" | "round" | "ceil";
}[] = [
  { name: "same 3x3 stride 1", x: [2, 9, 7, 3], f: [3, 3, 3, 5], stride: 1, pad: "same" },
  { name: "same 3x3 stride 2 (asymmetric)", x: [2, 8, 10, 3], f: [3, 3, 3, 4], stride: 2, pad: "same" },
  { name: "same even 4x2 stride 2", x: [1, 9, 9, 2], f: [4, 2, 2, 3], stride: 2, pad: "same" },
  { name: "valid 3x3 stride [2,1]", x: [3, 11, 8, 4], f: [3, 3, 4, 6], stride: [2, 1], pad: "valid" },
  {
    name: "explicit padding",
    x: [2, 7, 6, 2],
    f: [3, 2, 2, 3],
    stride: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { name: "numeric pad 1, floor", x: [2, 8, 8, 3], f: [3, 3, 3, 2], stride: 2, pad: 1, round: "floor" },
  { name: "numeric pad 1, ceil", x: [2, 8, 8, 3], f: [3, 3, 3, 2], stride: 2, pad: 1, round: "ceil" },
  { name: "numeric pad 1, round", x: [2, 8, 8, 3], f: [3, 3, 3, 2], stride: 2, pad: 1, round: "round" },
  { name: "1x1 pointwise", x: [2, 5, 6, 7], f: [1, 1, 7, 4], stride: 1, pad: "valid" },
  { name: "1x1 stride 2", x: [2, 5, 6, 7], f: [1, 1, 7, 4], stride: 2, pad: "same" },
  { name: "inC 1", x: [3, 12, 12, 1], f: [5, 5, 1, 8], stride: 1, pad: "same" },
  { name: "H 1 (Conv1D)", x: [4, 1, 17, 5], f: [1, 3, 5, 6], stride: 1, pad: "same" },
  {
    name: "batch 1, the cnn template's conv2",
    x: [1, 14, 14, 16],
    f: [3, 3, 16, 32],
    stride: 1,
    pad: "same",
  },
];

test("Conv2D with both gradients: odd sizes, strides, every padding kind, 1x1, inC 1, H 1, batch 1", async () => {
  for (const c of CONVS) {
    const k = c.f[0] * c.f[1] * c.f[2];
    const pixels = c.x[0] * c.x[1] * c.x[2];
    await same(
      c.name,
      (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad, "NHWC", 1, c.round),
      [random(c.x), random(c.f)],
      { reduction: Math.max(k, pixels) },
    );
  }
});

test("Conv2D forward with dilation 2; Conv1D through Conv2D", async () => {
  await same(
    "dilation 2",
    (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same", "NHWC", 2),
    [random([2, 11, 9, 3]), random([3, 3, 3, 4])],
    { grads: false, reduction: 27 },
  );
  await same(
    "dilation [2,1] valid",
    (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "valid", "NHWC", [2, 1]),
    [random([2, 11, 9, 3]), random([3, 2, 3, 4])],
    { grads: false, reduction: 18 },
  );
  await same(
    "conv1d",
    (x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 2, "same"),
    [random([3, 19, 4]), random([5, 4, 6])],
    {
      reduction: 60,
    },
  );
});

test("FusedConv2D: bias and every activation, leakyrelu alpha, prelu", async () => {
  for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const) {
    await same(
      `fused conv ${activation}`,
      (x, f, bias) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: 2,
          pad: "same",
          bias,
          activation,
          leakyreluAlpha: 0.1,
        }),
      [random([2, 7, 9, 3], 2), random([3, 3, 3, 5]), random([5])],
      { grads: activation === "linear", reduction: 27 },
    );
  }
  await same(
    "fused conv prelu",
    (x, f, bias, alpha) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: f as tf.Tensor4D,
        strides: 1,
        pad: "valid",
        bias,
        activation: "prelu",
        preluActivationWeights: alpha,
      }),
    [random([2, 6, 6, 3], 2), random([3, 3, 3, 4]), random([4]), random([4])],
    { grads: false, reduction: 27 },
  );
});

test("fallbacks: NCHW and int32 run the cpu kernels and still agree", async () => {
  await same(
    "NCHW",
    (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same", "NCHW"),
    [random([2, 3, 6, 5]), random([3, 3, 3, 4])],
    { grads: false, reduction: 27 },
  );
  const ints = (shape: number[]): Input => {
    const r = random(shape, 5);
    return { values: r.values.map(Math.round), shape, dtype: "int32" };
  };
  await same("int32 matMul", (a, b) => tf.matMul(a, b), [ints([4, 5]), ints([5, 3])], { grads: false });
});

// ---- pooling ----------------------------------------------------------------------------------------
test("MaxPool and AvgPool with gradients: windows, strides, padding, odd sizes", async () => {
  const cases: {
    x: number[];
    size: number | [number, number];
    stride: number | [number, number];
    pad: "same" | "valid" | number;
  }[] = [
    { x: [2, 8, 8, 3], size: 2, stride: 2, pad: "valid" },
    { x: [2, 7, 9, 4], size: 3, stride: 2, pad: "same" },
    { x: [1, 9, 5, 2], size: [3, 2], stride: [1, 2], pad: "same" },
    { x: [3, 6, 6, 1], size: 3, stride: 1, pad: 1 },
    { x: [2, 1, 11, 5], size: [1, 3], stride: [1, 2], pad: "valid" },
  ];
  for (const c of cases) {
    // Distinct values (no ties): the first maximum is then the only one.
    await same(`max ${JSON.stringify(c)}`, (x) => tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad), [
      random(c.x),
    ]);
    await same(`avg ${JSON.stringify(c)}`, (x) => tf.avgPool(x as tf.Tensor4D, c.size, c.stride, c.pad), [
      random(c.x),
    ]);
  }
});

test("MaxPool ignores NaN as tfjs does and keeps the first maximum of ties", async () => {
  const x = random([1, 4, 4, 1]);
  x.values.set([Number.NaN, 1, 1, 0.5], 0);
  await same("NaN and ties", (t) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid"), [x]);
});

// ---- elementwise, reductions, data movement ---------------------------------------------------------
test("binary ops with every broadcasting pattern, gradients included", async () => {
  const shapes: [number[], number[]][] = [
    [
      [7, 5],
      [7, 5],
    ],
    [[7, 5], []],
    [[1], [3, 4]],
    [[2, 3, 4, 5], [5]],
    [
      [2, 3, 4, 5],
      [1, 3, 1, 5],
    ],
    [
      [4, 1, 6],
      [1, 5, 1],
    ],
    [
      [3, 300, 70],
      [3, 1, 70],
    ],
  ];
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ["add", tf.add],
    ["sub", tf.sub],
    ["mul", tf.mul],
    ["div", tf.div],
    ["maximum", tf.maximum],
    ["minimum", tf.minimum],
    ["squaredDifference", tf.squaredDifference],
  ];
  for (const [sa, sb] of shapes)
    for (const [name, op] of ops) {
      const b = random(sb);
      if (name === "div")
        b.values.forEach((v, i) => {
          b.values[i] = v < 0 ? v - 0.5 : v + 0.5;
        });
      await same(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, op, [random(sa), b], {
        // tfjs has no broadcasting gradient for squaredDifference, nor a useful one for maximum/minimum
        grads:
          !["maximum", "minimum"].includes(name) && (name !== "squaredDifference" || sa.join() === sb.join()),
      });
    }
  const nan = random([2, 3]);
  nan.values[1] = Number.NaN;
  await same("maximum with NaN", tf.maximum, [nan, random([3])], { grads: false });
});

test("unary ops match, NaN included; Step keeps its alpha", async () => {
  const x = random([5, 301], 3);
  x.values[7] = Number.NaN;
  const positive: Input = { values: x.values.map((v) => Math.abs(v) + 0.1), shape: x.shape };
  const ops: [string, (t: tf.Tensor) => tf.Tensor, Input][] = [
    ["relu", tf.relu, x],
    ["sqrt", tf.sqrt, positive],
    ["rsqrt", tf.rsqrt, positive],
    ["square", tf.square, x],
    ["exp", tf.exp, x],
    ["log", tf.log, positive],
    ["neg", tf.neg, x],
    ["tanh", tf.tanh, x],
    ["sigmoid", tf.sigmoid, x],
    ["elu", tf.elu, x],
    ["abs", tf.abs, x],
    ["step", (t) => tf.step(t, 0.25), x],
  ];
  for (const [name, op, input] of ops) await same(name, op, [input], { grads: false });
  const clean = random([4, 9], 3);
  for (const [name, op] of ops.filter(([n]) => !["sqrt", "rsqrt", "log", "step", "abs"].includes(n)))
    await same(`${name} gradient`, op, [clean]);
});

test("Sum and Mean over contiguous axes (keepDims too); other axes fall back", async () => {
  const x = random([4, 6, 5, 3]);
  for (const axis of [0, 3, -1, [0, 1], [1, 2], [0, 1, 2], [1, 2, 3], [0, 1, 2, 3]] as (
    | number
    | number[]
  )[]) {
    for (const keepDims of [false, true]) {
      await same(`sum ${JSON.stringify(axis)} ${keepDims}`, (t) => tf.sum(t, axis, keepDims), [x], {
        reduction: 360,
      });
      await same(`mean ${JSON.stringify(axis)} ${keepDims}`, (t) => tf.mean(t, axis, keepDims), [x], {
        reduction: 360,
      });
    }
  }
  await same("sum over axes 0 and 2", (t) => tf.sum(t, [0, 2]), [x]);
  await same("sum of everything, long", (t) => tf.sum(t), [random([70000])], { reduction: 70000 });
});

test("Transpose, strided Slice and SplitV move the same values", async () => {
  const x = random([3, 4, 5, 6]);
  for (const perm of [
    [0, 2, 1, 3],
    [3, 2, 1, 0],
    [0, 1, 3, 2],
    [1, 0, 2, 3],
  ])
    await same(`transpose ${perm}`, (t) => tf.transpose(t, perm), [x]);
  await same("slice last axis", (t) => tf.slice(t, [0, 0, 0, 2], [3, 4, 5, 3]), [x]);
  await same("slice middle", (t) => tf.slice(t, [1, 1, 2, 0], [2, 2, 3, 6]), [x]);
  await same("slice contiguous (cpu view)", (t) => tf.slice(t, [1, 0, 0, 0], [2, 4, 5, 6]), [x]);
  await same(
    "splitV last axis",
    (t) =>
      tf.concat(
        tf.split(t, [1, 3, 2], 3).map((p, i) => tf.mul(p, i + 1)),
        3,
      ),
    [x],
  );
  await same("split middle axis", (t) => tf.stack(tf.split(t, 2, 1)), [x]);
});

test("Softmax over the last axis and Tile match cpu, with gradients", async () => {
  await same("softmax 4-D", (t) => tf.softmax(t), [random([3, 4, 7, 9], 5)]);
  await same("softmax 2-D", (t) => tf.softmax(t), [random([5, 1000], 5)]);
  for (const [shape, reps] of [
    [
      [3, 1, 4],
      [2, 5, 3],
    ],
    [
      [4, 5],
      [3, 1],
    ],
    [
      [2, 3, 1],
      [1, 1, 64],
    ],
    [[7], [1]],
  ] as [number[], number[]][])
    await same(`tile ${shape} × ${reps}`, (t) => tf.tile(t, reps), [random(shape)]);
});

test("a float32 tensor over another array type (a cast from bool) runs the cpu kernel", async () => {
  await same(
    "cast mask × x",
    (x, y) => tf.mul(tf.cast(tf.greater(x, 0), "float32"), y),
    [random([4, 6]), random([6])],
    {
      grads: false,
    },
  );
  await same(
    "cast mask matMul",
    (x, y) => tf.matMul(tf.cast(tf.greater(x, 0), "float32"), y),
    [random([4, 6]), random([6, 3])],
    {
      grads: false,
    },
  );
});

// ---- the Tile gradient ------------------------------------------------------------------------------
test("Tile's gradient (reshape + sum) equals tfjs's slice-and-add one", async () => {
  const x = random([3, 1, 4]);
  const reps = [2, 5, 3];
  const got = await run(NATIVE_BACKEND, (t) => tf.tile(t, reps), [x], true);
  // The expected gradient of sum(y²)/2: each x element times its number of copies (30).
  got[1].values.forEach((v, i) => {
    assert.ok(Math.abs(v - 30 * x.values[i]) < 1e-4, `element ${i}`);
  });
  await same("tile rank 2", (t) => tf.tile(t, [3, 2]), [random([4, 5])]);
});

// ---- direct calls -----------------------------------------------------------------------------------
test("nn.ts names the argument of a bad call; the addon rejects a direct bad call without crashing", () => {
  assert.throws(
    () => nn.pool("max", new Float32Array(3), geometry()),
    /nn: x must be 32 elements long, got 3/,
  );
  assert.throws(
    () => nn.conv2d(new Float32Array(32), new Float32Array(1), { ...geometry(), padTop: -1 }),
    /geometry.padTop/,
  );
  assert.throws(
    () =>
      nn.matMul(new Float32Array(6), new Float32Array(5), {
        m: 2,
        n: 2,
        k: 3,
        transposeA: false,
        transposeB: false,
        aBatches: 1,
        bBatches: 1,
        aIndex: Int32Array.of(0),
        bIndex: Int32Array.of(0),
      }),
    /nn: b must be 6 elements long, got 5/,
  );
  const addon = loadCpu();
  assert.throws(
    () => addon.nnMaxPool(new Float32Array(32), new Float32Array(8), new Int32Array(3)),
    /geometry must have 15 elements/,
  );
  assert.throws(() => addon.nnMatMul(new Float64Array(6)), /dims must be a Int32Array, got undefined/);
});

function geometry(): nn.ConvGeometry {
  return {
    batch: 2,
    inHeight: 4,
    inWidth: 4,
    inChannels: 1,
    outHeight: 2,
    outWidth: 2,
    outChannels: 1,
    filterHeight: 2,
    filterWidth: 2,
    strideHeight: 2,
    strideWidth: 2,
    dilationHeight: 1,
    dilationWidth: 1,
    padTop: 0,
    padLeft: 0,
  };
}

// ---- whole models -----------------------------------------------------------------------------------
function dataset(
  task: "classification" | "language_model",
  inputShape: number[],
  n: number,
  classes: number,
): Dataset {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * size);
  const y = new Float32Array(n);
  for (let i = 0; i < x.length; i++)
    x[i] = task === "language_model" ? Math.floor(uniform() * classes) : uniform();
  for (let i = 0; i < n; i++) y[i] = Math.floor(uniform() * classes);
  return { task, n, inputShape, x, y, numClasses: classes, vocabSize: classes };
}

async function fiveSteps(
  backend: string,
  spec: Parameters<typeof buildModel>[0],
  ds: Dataset,
): Promise<number[]> {
  await tf.setBackend(backend);
  const { model } = buildModel(spec, ds, 7);
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  const batch = 16;
  for (let s = 0; s < 5; s++) {
    const loss = tf.tidy(() => {
      const lo = (s * batch) % ds.n;
      const size = ds.inputShape.reduce((a, b) => a * b, 1);
      const xs = tf.tensor(ds.x.slice(lo * size, (lo + batch) * size), [batch, ...ds.inputShape]);
      const ys = tf.tensor(ds.y.slice(lo, lo + batch));
      const { value, grads } = tf.variableGrads(
        () => lossTensor("crossentropy", ds.task, model.apply(xs, { training: true }) as tf.Tensor, ys),
        model.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      optimizer.applyGradients(grads as unknown as tf.NamedTensorMap as never);
      return value.dataSync()[0];
    });
    losses.push(loss);
  }
  model.dispose();
  optimizer.dispose();
  return losses;
}

const TEMPLATES: { name: string; args: Record<string, unknown>; ds: () => Dataset }[] = [
  { name: "mlp", args: { units: 32 }, ds: () => dataset("classification", [12, 12, 1], 80, 10) },
  {
    name: "cnn",
    args: { blocks: 2, filters: [4, 8], kernel: 3, dense: 16 },
    ds: () => dataset("classification", [12, 12, 1], 80, 10),
  },
  {
    name: "rnn",
    args: { cell: "lstm", units: 16, embedding: 8 },
    ds: () => dataset("language_model", [12], 80, 20),
  },
  {
    name: "transformer",
    args: { layers: 1, heads: 2, d_model: 16, d_ff: 32 },
    ds: () => dataset("language_model", [12], 80, 20),
  },
];

for (const t of TEMPLATES) {
  test(`template ${t.name}: five Adam steps give the same losses on cpu and hpo-native (1e-3 relative)`, async () => {
    const ds = t.ds();
    const spec = { kind: "template" as const, name: t.name, args: t.args } as Parameters<
      typeof buildModel
    >[0];
    const want = await fiveSteps("cpu", spec, ds);
    const got = await fiveSteps(NATIVE_BACKEND, spec, ds);
    want.forEach((w, i) => {
      assert.ok(Number.isFinite(got[i]), `step ${i}: ${got[i]}`);
      assert.ok(Math.abs(got[i] - w) <= 1e-3 * Math.abs(w), `step ${i}: ${got[i]} vs ${w}`);
    });
  });
}

test.run();
