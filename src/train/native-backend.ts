/**
 * `hpo-native`: a TensorFlow.js backend whose heavy kernels run in hpo's addon (native/nn/ through
 * src/native/nn.ts). It is the cpu backend (same storage: each tensor's values are a plain
 * Float32Array in `data.get(id).values`, which the addon reads and writes in place) with every cpu
 * kernel copied under the new name and these overridden (NATIVE_KERNELS): BatchMatMul, _FusedMatMul,
 * Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool, AvgPool and their
 * gradients; broadcasting binary ops, the unary ops training uses, Sum/Mean over contiguous axes,
 * Softmax and Transpose (native); strided Slice/SplitV and Tile as block copies (TypeScript). An
 * override handles float32 (NHWC for images) only; any other case (NCHW, int32, a bias it cannot
 * broadcast) runs the saved cpu kernel. Design: training-backend.md in the project's design notes.
 *
 * The name has no underscore: tfjs's kernel registry splits `${backend}_${kernel}` at the first one.
 */
import * as tf from "@tensorflow/tfjs";
import * as nn from "../native/nn.js";

export const NATIVE_BACKEND = "hpo-native";

/** The part of tfjs's MathBackendCPU the overrides use. */
interface CpuBackend extends tf.KernelBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: CpuBackend;
  attrs?: tf.NamedAttrMap;
}

/** A native kernel: the output(s), or undefined to run the cpu kernel instead. */
type Override = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | undefined;

const values = (backend: CpuBackend, t: tf.TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
/**
 * Float32 tensors whose values are a Float32Array: the cpu backend may keep another array type under a
 * float32 tensor (a cast from bool keeps the Uint8Array), which the native kernels must not read.
 */
const allFloat32 = (backend: CpuBackend, ...ts: (tf.TensorInfo | undefined)[]) =>
  ts.every(
    (t) =>
      t === undefined || (t.dtype === "float32" && backend.data.get(t.dataId).values instanceof Float32Array),
  );
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A per-channel vector for an epilogue: shape [..1.., n] (or one value when `allowScalar`), else null. */
function channelVector(
  backend: CpuBackend,
  t: tf.TensorInfo | undefined,
  n: number,
  allowScalar: boolean,
): Float32Array | undefined | null {
  if (t === undefined) return undefined;
  const count = size(t.shape);
  const vector = count === n && (t.shape.length === 0 || t.shape[t.shape.length - 1] === n);
  if (!allFloat32(backend, t) || !(vector || (allowScalar && count === 1))) return null;
  return values(backend, t);
}

/** The fused epilogue of _FusedMatMul / FusedConv2D, or null when the native kernel cannot apply it. */
function fusedEpilogue(args: KernelArgs, channels: number): nn.Epilogue | null {
  const { bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const activation = (args.attrs?.activation as string | undefined) ?? "linear";
  if (!(activation in nn.FUSED_ACTIVATIONS)) return null;
  const biasValues = channelVector(args.backend, bias, channels, false);
  const prelu = channelVector(args.backend, preluActivationWeights, channels, true);
  if (biasValues === null || prelu === null || (activation === "prelu" && !prelu)) return null;
  return {
    bias: biasValues,
    activation: activation as nn.FusedActivation,
    leakyreluAlpha: (args.attrs?.leakyreluAlpha as number | undefined) ?? 0.2,
    preluAlpha: prelu,
  };
}

/** BatchMatMul and _FusedMatMul: rank ≥ 2, transposes on the last two axes, numpy batch broadcasting. */
function matMul(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  const { a, b } = args.inputs;
  if (!allFloat32(args.backend, a, b) || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return undefined; // the cpu kernel reports the mismatch
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const rank = Math.max(aOuter.length, bOuter.length);
  const outer: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aOuter[i - rank + aOuter.length] ?? 1;
    const db = bOuter[i - rank + bOuter.length] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    outer.push(Math.max(da, db));
  }
  const batch = size(outer);
  const aIndex = new Int32Array(batch);
  const bIndex = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    // Row-major coordinates of output batch i, mapped onto each side (size-1 axes broadcast).
    let rest = i;
    let ai = 0;
    let bi = 0;
    let aStride = 1;
    let bStride = 1;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const coord = rest % outer[axis];
      rest = Math.floor(rest / outer[axis]);
      const da = aOuter[axis - rank + aOuter.length] ?? 1;
      const db = bOuter[axis - rank + bOuter.length] ?? 1;
      ai += (da === 1 ? 0 : coord) * aStride;
      bi += (db === 1 ? 0 : coord) * bStride;
      aStride *= da;
      bStride *= db;
    }
    aIndex[i] = ai;
    bIndex[i] = bi;
  }
  const epilogue = fused ? fusedEpilogue(args, n) : undefined;
  if (epilogue === null) return undefined;
  const out = nn.matMul(
    values(args.backend, a),
    values(args.backend, b),
    { m, n, k, transposeA, transposeB, aBatches: size(aOuter), bBatches: size(bOuter), aIndex, bIndex },
    epilogue,
  );
  return args.backend.makeTensorInfo([...outer, m, n], "float32", out);
}

const isNhwc = (args: KernelArgs) => (args.attrs?.dataFormat ?? "NHWC") === "NHWC";

function geometry(info: tf.backend_util.Conv2DInfo): nn.ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

type Shape4 = [number, number, number, number];

/** tfjs's Conv2DInfo for NHWC x and an HWIO filter (its padding and rounding rules). */
function convInfo(args: KernelArgs, xShape: number[], filterShape: number[], dilations: unknown) {
  const attrs = args.attrs ?? {};
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    dilations as [number, number],
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
    false,
    "channelsLast",
  );
}

function conv2d(args: KernelArgs, fused: boolean): tf.TensorInfo | undefined {
  const { x, filter } = args.inputs;
  if (
    !isNhwc(args) ||
    !allFloat32(args.backend, x, filter) ||
    x.shape.length !== 4 ||
    filter.shape.length !== 4
  )
    return undefined;
  if (filter.shape[2] !== x.shape[3]) return undefined;
  const info = convInfo(args, x.shape, filter.shape, args.attrs?.dilations ?? 1);
  const epilogue = fused ? fusedEpilogue(args, info.outChannels) : undefined;
  if (epilogue === null) return undefined;
  const y = nn.conv2d(values(args.backend, x), values(args.backend, filter), geometry(info), epilogue);
  return args.backend.makeTensorInfo(info.outShape, "float32", y);
}

function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo | undefined {
  const { dy, filter } = args.inputs;
  const inputShape = args.attrs?.inputShape as number[];
  if (
    !isNhwc(args) ||
    !allFloat32(args.backend, dy, filter) ||
    dy.shape.length !== 4 ||
    inputShape?.length !== 4
  )
    return undefined;
  const info = convInfo(args, inputShape, filter.shape, 1);
  if (size(dy.shape) !== size(info.outShape) || dy.shape[3] !== info.outChannels) return undefined;
  const dx = nn.conv2dBackpropInput(values(args.backend, dy), values(args.backend, filter), geometry(info));
  return args.backend.makeTensorInfo(inputShape, "float32", dx);
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, dy } = args.inputs;
  const filterShape = args.attrs?.filterShape as number[];
  if (!isNhwc(args) || !allFloat32(args.backend, x, dy) || x.shape.length !== 4 || filterShape?.length !== 4)
    return undefined;
  const info = convInfo(args, x.shape, filterShape, 1);
  if (size(dy.shape) !== size(info.outShape) || dy.shape[3] !== info.outChannels) return undefined;
  const dfilter = nn.conv2dBackpropFilter(values(args.backend, x), values(args.backend, dy), geometry(info));
  return args.backend.makeTensorInfo(filterShape, "float32", dfilter);
}

function poolInfo(args: KernelArgs, xShape: number[]) {
  const attrs = args.attrs ?? {};
  return tf.backend_util.computePool2DInfo(
    xShape as Shape4,
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
  );
}

function pool(args: KernelArgs, kind: "max" | "avg"): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  if (!allFloat32(args.backend, x) || x.shape.length !== 4) return undefined;
  const info = poolInfo(args, x.shape);
  return args.backend.makeTensorInfo(
    info.outShape,
    "float32",
    nn.pool(kind, values(args.backend, x), geometry(info)),
  );
}

function poolGrad(args: KernelArgs, kind: "max" | "avg"): tf.TensorInfo | undefined {
  const { dy, input } = args.inputs;
  if (!allFloat32(args.backend, dy, input) || input.shape.length !== 4) return undefined;
  const info = poolInfo(args, input.shape);
  if (size(dy.shape) !== size(info.outShape)) return undefined;
  const g = geometry(info);
  const dx =
    kind === "max"
      ? nn.maxPoolGrad(values(args.backend, dy), values(args.backend, input), g)
      : nn.avgPoolGrad(values(args.backend, dy), g);
  return args.backend.makeTensorInfo(input.shape, "float32", dx);
}

function binaryOp(op: nn.BinaryOp): Override {
  return (args) => {
    const { a, b } = args.inputs;
    if (!allFloat32(args.backend, a, b)) return undefined;
    let outShape: number[];
    try {
      outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return undefined; // the cpu kernel reports the mismatch
    }
    if (size(outShape) === 0) return undefined;
    const out = nn.binary(op, values(args.backend, a), a.shape, values(args.backend, b), b.shape, outShape);
    return args.backend.makeTensorInfo(outShape, "float32", out);
  };
}

function unaryOp(op: nn.UnaryOp): Override {
  return (args) => {
    const { x } = args.inputs;
    if (!allFloat32(args.backend, x)) return undefined;
    const alpha = op === "Step" ? ((args.attrs?.alpha as number | undefined) ?? 0) : 0;
    return args.backend.makeTensorInfo(x.shape, "float32", nn.unary(op, values(args.backend, x), alpha));
  };
}

/**
 * Sum and Mean over a contiguous run of axes (the bias gradients, LayerNormalization, the loss);
 * size-1 axes are dropped first, as they do not change the layout.
 */
function reduction(mean: boolean): Override {
  return (args) => {
    const { x } = args.inputs;
    if (!allFloat32(args.backend, x) || size(x.shape) === 0) return undefined;
    const axes = tf.util.parseAxisParam(args.attrs?.axis as number | number[], x.shape);
    const reduced = new Set(axes);
    const dims = x.shape.map((d, i) => ({ d, reduced: reduced.has(i) })).filter((a) => a.d !== 1);
    const first = dims.findIndex((a) => a.reduced);
    let last = first;
    while (last + 1 < dims.length && dims[last + 1].reduced) last++;
    if (dims.some((a, i) => a.reduced && (i < first || i > last))) return undefined;
    const outer = first < 0 ? size(dims.map((a) => a.d)) : size(dims.slice(0, first).map((a) => a.d));
    const reduce = first < 0 ? 1 : size(dims.slice(first, last + 1).map((a) => a.d));
    const inner = first < 0 ? 1 : size(dims.slice(last + 1).map((a) => a.d));
    const count = size(axes.map((i) => x.shape[i]));
    const out = nn.sum(values(args.backend, x), outer, reduce, inner, mean ? 1 / count : 1);
    const shape = args.attrs?.keepDims
      ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d))
      : x.shape.filter((_, i) => !reduced.has(i));
    return args.backend.makeTensorInfo(shape, "float32", out);
  };
}

/** Softmax over the last axis (the only one the cpu kernel supports). */
function softmax(args: KernelArgs): tf.TensorInfo | undefined {
  const { logits } = args.inputs;
  const dim = (args.attrs?.dim as number | undefined) ?? -1;
  const rank = logits.shape.length;
  if (
    !allFloat32(args.backend, logits) ||
    rank === 0 ||
    (dim !== -1 && dim !== rank - 1) ||
    size(logits.shape) === 0
  )
    return undefined;
  const width = logits.shape[rank - 1];
  const out = nn.softmax(values(args.backend, logits), size(logits.shape) / width, width);
  return args.backend.makeTensorInfo(logits.shape, "float32", out);
}

/** Tile as block copies, one axis at a time from the innermost (the cpu kernel indexes per element). */
function tile(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  const reps = args.attrs?.reps as number[];
  if (
    !allFloat32(args.backend, x) ||
    x.shape.length === 0 ||
    reps?.length !== x.shape.length ||
    size(x.shape) === 0
  )
    return undefined;
  let current = values(args.backend, x);
  const shape = [...x.shape];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const r = reps[axis];
    if (r === 1) continue;
    const block = size(shape.slice(axis));
    const outer = current.length / block;
    const next = new Float32Array(current.length * r);
    for (let o = 0; o < outer; o++) {
      const src = current.subarray(o * block, (o + 1) * block);
      for (let k = 0; k < r; k++) next.set(src, (o * r + k) * block);
    }
    current = next;
    shape[axis] *= r;
  }
  if (current === values(args.backend, x)) current = current.slice();
  return args.backend.makeTensorInfo(shape, "float32", current);
}

function transpose(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  const perm = args.attrs?.perm as number[];
  if (!allFloat32(args.backend, x) || x.shape.length < 2 || x.shape.length > 8 || size(x.shape) === 0)
    return undefined;
  const out = nn.transpose(values(args.backend, x), x.shape, perm);
  return args.backend.makeTensorInfo(
    perm.map((p) => x.shape[p]),
    "float32",
    out,
  );
}

/**
 * A strided slice as row copies (TypedArray.set is a memcpy): the cpu kernel copies a non-contiguous
 * slice element by element through a TensorBuffer. Contiguous slices stay on cpu, which returns a
 * view without copying.
 */
function sliceValues(x: Float32Array, shape: number[], begin: number[], sizes: number[]): Float32Array {
  const rank = shape.length;
  // The run copied at once: the trailing axes taken whole, times the last partial one.
  let axis = rank - 1;
  let run = 1;
  while (axis >= 0 && begin[axis] === 0 && sizes[axis] === shape[axis]) run *= shape[axis--];
  if (axis < 0) return x.slice();
  run *= sizes[axis];
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  const out = new Float32Array(size(sizes));
  const rows = out.length / run;
  const coord = new Array<number>(axis).fill(0);
  for (let r = 0; r < rows; r++) {
    let offset = begin[axis] * strides[axis];
    for (let i = 0; i < axis; i++) offset += (begin[i] + coord[i]) * strides[i];
    out.set(x.subarray(offset, offset + run), r * run);
    for (let i = axis - 1; i >= 0; i--) {
      if (++coord[i] < sizes[i]) break;
      coord[i] = 0;
    }
  }
  return out;
}

function slice(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  if (!allFloat32(args.backend, x) || x.shape.length === 0) return undefined;
  const [begin, sizes] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs?.begin as number[],
    args.attrs?.size as number[],
  );
  if (tf.slice_util.isSliceContinous(x.shape, begin, sizes) || size(sizes) === 0) return undefined;
  return args.backend.makeTensorInfo(
    sizes,
    "float32",
    sliceValues(values(args.backend, x), x.shape, begin, sizes),
  );
}

function splitV(args: KernelArgs): tf.TensorInfo[] | undefined {
  const { x } = args.inputs;
  if (!allFloat32(args.backend, x) || x.shape.length === 0) return undefined;
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
  const splits = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs?.numOrSizeSplits as number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  const xs = values(args.backend, x);
  return splits.map((s) => {
    const sizes = [...x.shape];
    sizes[axis] = s;
    const part = sliceValues(xs, x.shape, begin, sizes);
    begin[axis] += s;
    return args.backend.makeTensorInfo(sizes, "float32", part);
  });
}

/** The overridden kernels, by tfjs kernel name. */
export const NATIVE_KERNELS: Record<string, Override> = {
  BatchMatMul: (a) => matMul(a, false),
  _FusedMatMul: (a) => matMul(a, true),
  Conv2D: (a) => conv2d(a, false),
  FusedConv2D: (a) => conv2d(a, true),
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  MaxPool: (a) => pool(a, "max"),
  AvgPool: (a) => pool(a, "avg"),
  MaxPoolGrad: (a) => poolGrad(a, "max"),
  AvgPoolGrad: (a) => poolGrad(a, "avg"),
  ...Object.fromEntries(Object.keys(nn.BINARY_OPS).map((op) => [op, binaryOp(op as nn.BinaryOp)])),
  ...Object.fromEntries(Object.keys(nn.UNARY_OPS).map((op) => [op, unaryOp(op as nn.UnaryOp)])),
  Sum: reduction(false),
  Mean: reduction(true),
  Transpose: transpose,
  Softmax: softmax,
  Tile: tile,
  Slice: slice,
  SplitV: splitV as unknown as Override,
};

/**
 * Tile's gradient as one reshape and sum. tfjs's own emits a Slice and an Add per repetition
 * (≈17k kernel calls per transformer step, through LayerNormalization); gradients are registered
 * per kernel name, so this applies to every backend. The output's axis i is reps[i] copies of x's
 * axis i, so dy reshaped to [reps[0], x0, reps[1], x1, …] sums over the even axes.
 */
function registerTileGradient(): void {
  tf.registerGradient({
    kernelName: "Tile",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const reps = (attrs as unknown as { reps: number[] }).reps;
      return {
        x: () => {
          const dyt = dy as tf.Tensor;
          // Size-1 parts are left out, so the summed axes are as few (and as contiguous) as can be.
          const split: number[] = [];
          const axes: number[] = [];
          x.shape.forEach((d, i) => {
            if (reps[i] !== 1) {
              axes.push(split.length);
              split.push(reps[i]);
            }
            if (d !== 1) split.push(d);
          });
          if (axes.length === 0) return tf.reshape(dyt, x.shape);
          return tf.reshape(tf.sum(tf.reshape(dyt, split), axes), x.shape);
        },
      };
    },
  });
}

let registered: boolean | undefined;

/**
 * Registers `hpo-native` once (loading the CPU addon): true when it is registered. Throws the
 * addon's load error (an HpoError saying how to build it) when the addon is missing.
 */
export function registerNativeBackend(): true {
  if (registered) return true;
  // The cpu backend's class, taken from its registered instance: hpo then needs no second copy of
  // @tensorflow/tfjs-backend-cpu, and both share one tfjs-core engine.
  const CpuClass = (tf.findBackend("cpu") as object).constructor as new () => CpuBackend;
  nn.assertAvailable();
  tf.registerBackend(NATIVE_BACKEND, () => new CpuClass(), 0);
  tf.copyRegisteredKernels("cpu", NATIVE_BACKEND);
  for (const [kernelName, run] of Object.entries(NATIVE_KERNELS)) {
    const cpu = tf.getKernel(kernelName, "cpu")?.kernelFunc;
    if (!cpu) continue;
    tf.unregisterKernel(kernelName, NATIVE_BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: NATIVE_BACKEND,
      kernelFunc: ((args: KernelArgs) => run(args) ?? cpu(args as never)) as tf.KernelFunc,
    });
  }
  registerTileGradient();
  registered = true;
  return true;
}
