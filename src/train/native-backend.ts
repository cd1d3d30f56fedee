/**
 * `hpo-native`: a TensorFlow.js backend whose heavy kernels run in hpo's addon (native/nn/ through
 * src/native/nn.ts). It is the cpu backend (same storage: each tensor's values are a plain
 * Float32Array in `data.get(id).values`, which the addon reads and writes in place) with every cpu
 * kernel copied under the new name and these overridden: BatchMatMul, _FusedMatMul, Conv2D,
 * FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool, AvgPool and their gradients.
 * An override handles NHWC float32 only; any other case (NCHW, int32, a bias it cannot broadcast)
 * runs the saved cpu kernel. Design: training-backend.md in the project's design notes.
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

/** A native kernel: the output, or undefined to run the cpu kernel instead. */
type Override = (args: KernelArgs) => tf.TensorInfo | undefined;

const values = (backend: CpuBackend, t: tf.TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
const allFloat32 = (...ts: (tf.TensorInfo | undefined)[]) =>
  ts.every((t) => t === undefined || t.dtype === "float32");
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
  if (t.dtype !== "float32" || !(vector || (allowScalar && count === 1))) return null;
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
  if (!allFloat32(a, b) || a.shape.length < 2 || b.shape.length < 2) return undefined;
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
  if (!isNhwc(args) || !allFloat32(x, filter) || x.shape.length !== 4 || filter.shape.length !== 4)
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
  if (!isNhwc(args) || !allFloat32(dy, filter) || dy.shape.length !== 4 || inputShape?.length !== 4)
    return undefined;
  const info = convInfo(args, inputShape, filter.shape, 1);
  if (size(dy.shape) !== size(info.outShape) || dy.shape[3] !== info.outChannels) return undefined;
  const dx = nn.conv2dBackpropInput(values(args.backend, dy), values(args.backend, filter), geometry(info));
  return args.backend.makeTensorInfo(inputShape, "float32", dx);
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, dy } = args.inputs;
  const filterShape = args.attrs?.filterShape as number[];
  if (!isNhwc(args) || !allFloat32(x, dy) || x.shape.length !== 4 || filterShape?.length !== 4)
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
  if (!allFloat32(x) || x.shape.length !== 4) return undefined;
  const info = poolInfo(args, x.shape);
  return args.backend.makeTensorInfo(
    info.outShape,
    "float32",
    nn.pool(kind, values(args.backend, x), geometry(info)),
  );
}

function poolGrad(args: KernelArgs, kind: "max" | "avg"): tf.TensorInfo | undefined {
  const { dy, input } = args.inputs;
  if (!allFloat32(dy, input) || input.shape.length !== 4) return undefined;
  const info = poolInfo(args, input.shape);
  if (size(dy.shape) !== size(info.outShape)) return undefined;
  const g = geometry(info);
  const dx =
    kind === "max"
      ? nn.maxPoolGrad(values(args.backend, dy), values(args.backend, input), g)
      : nn.avgPoolGrad(values(args.backend, dy), g);
  return args.backend.makeTensorInfo(input.shape, "float32", dx);
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
          const split: number[] = [];
          const axes: number[] = [];
          x.shape.forEach((d, i) => {
            axes.push(split.length);
            split.push(reps[i], d);
          });
          return tf.sum(tf.reshape(dyt, split), axes);
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
