/**
 * The TypeScript face of hpo's training kernels (native/nn/): fp32 matrix products with a fused
 * bias/activation epilogue, NHWC convolutions with both gradients, and 2-D pooling with its
 * gradients. src/train/native-backend.ts calls these from TensorFlow.js kernels.
 *
 * Every function is synchronous (tfjs kernels are), reads its inputs in place (no copy; `byteOffset`
 * honoured), never writes an input, and returns a fresh Float32Array. Geometry is tfjs's own
 * (`backend_util.computeConv2DInfo` / `computePool2DInfo`), passed explicitly. Shapes are checked here
 * with messages naming the argument; the addon re-checks lengths so a direct call cannot crash.
 *
 * Device: the CPU module always. When the CUDA module is usable and has the nn kernels, products and
 * convolutions of at least `cudaMinFlops()` floating-point operations run on the GPU (host-resident
 * tensors: upload, compute, download, all before returning); `HPO_NN_CUDA_MIN_FLOPS` sets the
 * threshold, `HPO_NN_DEVICE=cpu` keeps everything on the CPU.
 */
import { HpoError } from "../util/errors.js";
import { fromNativeError } from "./errors.js";
import { type CpuModule, type CudaModule, cudaStatus, loadCpu, loadCuda } from "./load.js";

/** The fused activations, numbered as native/nn/nn_math.h's Activation. */
export const FUSED_ACTIVATIONS = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  sigmoid: 4,
  leakyrelu: 5,
  prelu: 6,
} as const;
export type FusedActivation = keyof typeof FUSED_ACTIVATIONS;

/** `y = act(y + bias)` after a product or convolution; bias and preluAlpha have one value per output
 *  channel (preluAlpha may also be a single value). */
export interface Epilogue {
  bias?: Float32Array;
  activation?: FusedActivation;
  /** leakyrelu's slope (tfjs default 0.2). */
  leakyreluAlpha?: number;
  preluAlpha?: Float32Array;
}

/** One Conv2D or pooling call's geometry (NHWC; outChannels = inChannels for pooling). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

const GEOMETRY_FIELDS: (keyof ConvGeometry)[] = [
  "batch",
  "inHeight",
  "inWidth",
  "inChannels",
  "outHeight",
  "outWidth",
  "outChannels",
  "filterHeight",
  "filterWidth",
  "strideHeight",
  "strideWidth",
  "dilationHeight",
  "dilationWidth",
  "padTop",
  "padLeft",
];

/** A batched product: out[i] = op(a[aIndex[i]]) · op(b[bIndex[i]]), each M × N. */
export interface MatMulShape {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** How many M × K (K × M when transposed) matrices `a` holds, and likewise `b`. */
  aBatches: number;
  bBatches: number;
  /** Which matrix of a and of b each output batch uses (numpy broadcasting, resolved by the caller). */
  aIndex: Int32Array;
  bIndex: Int32Array;
}

const MAX_ELEMENTS = 2 ** 31 - 1;

function invalid(name: string, expected: string, actual: unknown): HpoError {
  return new HpoError(`nn: ${name} must be ${expected}, got ${String(actual)}`);
}

function checkFloat32(name: string, value: Float32Array, length: number): void {
  if (!(value instanceof Float32Array))
    throw invalid(name, "a Float32Array", (value as unknown as object)?.constructor?.name ?? value);
  if (value.length !== length) throw invalid(name, `${length} elements long`, value.length);
}

function checkSize(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_ELEMENTS)
    throw invalid(name, `an integer of at least ${min}`, value);
}

function geometryArray(g: ConvGeometry): Int32Array {
  const out = new Int32Array(GEOMETRY_FIELDS.length);
  GEOMETRY_FIELDS.forEach((field, i) => {
    checkSize(`geometry.${field}`, g[field], field.startsWith("pad") ? 0 : 1);
    out[i] = g[field];
  });
  return out;
}

const xSize = (g: ConvGeometry) => g.batch * g.inHeight * g.inWidth * g.inChannels;
const ySize = (g: ConvGeometry) => g.batch * g.outHeight * g.outWidth * g.outChannels;
const filterSize = (g: ConvGeometry) => g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;

function epilogueArgs(
  e: Epilogue | undefined,
  channels: number,
): [Float32Array | null, number, number, Float32Array | null] {
  const activation = e?.activation ?? "linear";
  const code = FUSED_ACTIVATIONS[activation];
  if (code === undefined) throw invalid("activation", Object.keys(FUSED_ACTIVATIONS).join(", "), activation);
  if (e?.bias) checkFloat32("bias", e.bias, channels);
  const prelu = e?.preluAlpha ?? null;
  if (activation === "prelu") {
    if (!prelu) throw invalid("preluAlpha", "a Float32Array for prelu", prelu);
    if (prelu.length !== 1) checkFloat32("preluAlpha", prelu, channels);
  }
  const alpha = e?.leakyreluAlpha ?? 0.2;
  if (!Number.isFinite(alpha)) throw invalid("leakyreluAlpha", "finite", alpha);
  return [e?.bias ?? null, code, alpha, activation === "prelu" ? prelu : null];
}

let cudaMinFlopsCache: number | undefined;
/** The smallest operation (in floating-point operations) sent to the GPU. */
export function cudaMinFlops(): number {
  if (cudaMinFlopsCache === undefined) {
    const env = process.env.HPO_NN_CUDA_MIN_FLOPS;
    const parsed = env === undefined || env === "" ? Number.NaN : Number(env);
    if (env !== undefined && env !== "" && !(parsed >= 0))
      throw new HpoError(`HPO_NN_CUDA_MIN_FLOPS must be a non-negative number, got \`${env}\``);
    // Not yet measured on a GPU (training-backend.md §6.8 estimates the crossover near a 500³ GEMM
    // against a 16-core host); 2.5e8 FLOP keeps the templates' products on the CPU.
    cudaMinFlopsCache = Number.isNaN(parsed) ? 2.5e8 : parsed;
  }
  return cudaMinFlopsCache;
}

let cudaNn: CudaModule | null | undefined;
/** The CUDA module when it is usable and has the nn kernels, else null. */
export function nnCuda(): CudaModule | null {
  if (cudaNn === undefined) {
    cudaNn = null;
    if (process.env.HPO_NN_DEVICE !== "cpu" && cudaStatus().available) {
      const mod = loadCuda();
      if (mod && typeof mod.nnMatMul === "function") cudaNn = mod;
    }
  }
  return cudaNn;
}

/** Where an operation of `flops` runs: the given device, or by the threshold when "auto". */
function moduleFor(flops: number, device: NnDevice): CpuModule | CudaModule {
  if (device === "cpu") return loadCpu();
  const cuda = nnCuda();
  if (device === "cuda") {
    if (!cuda)
      throw new HpoError(
        `nn: CUDA is not usable here (${cudaStatus().reason ?? "the CUDA module has no nn kernels"})`,
      );
    return cuda;
  }
  return cuda && flops >= cudaMinFlops() ? cuda : loadCpu();
}

/** Calls an addon function; a failure on the device (a CUDA status) becomes an HpoNativeError. */
function run(mod: CpuModule | CudaModule, name: string, args: unknown[]): void {
  try {
    mod[name](...args);
  } catch (err) {
    throw fromNativeError(err);
  }
}

/** "auto": the GPU above the threshold when usable; "cpu"/"cuda" force one (tests compare them). */
export type NnDevice = "auto" | "cpu" | "cuda";

/** Batched matrix product with an optional fused epilogue; returns batch × M × N values. */
export function matMul(
  a: Float32Array,
  b: Float32Array,
  s: MatMulShape,
  epilogue?: Epilogue,
  device: NnDevice = "auto",
): Float32Array {
  checkSize("m", s.m, 0);
  checkSize("n", s.n, 0);
  checkSize("k", s.k, 0);
  checkSize("aBatches", s.aBatches, 1);
  checkSize("bBatches", s.bBatches, 1);
  const batch = s.aIndex.length;
  if (
    !(s.aIndex instanceof Int32Array) ||
    !(s.bIndex instanceof Int32Array) ||
    s.bIndex.length !== batch ||
    batch < 1
  )
    throw invalid(
      "aIndex/bIndex",
      "Int32Arrays of one equal, positive length",
      `${s.aIndex.length}/${s.bIndex.length}`,
    );
  checkFloat32("a", a, s.aBatches * s.m * s.k);
  checkFloat32("b", b, s.bBatches * s.k * s.n);
  if (batch * s.m * s.n > MAX_ELEMENTS) throw invalid("the output", "below 2^31 elements", batch * s.m * s.n);
  const out = new Float32Array(batch * s.m * s.n);
  const dims = Int32Array.of(
    s.m,
    s.n,
    s.k,
    s.transposeA ? 1 : 0,
    s.transposeB ? 1 : 0,
    batch,
    s.aBatches,
    s.bBatches,
  );
  const args = [a, b, out, dims, s.aIndex, s.bIndex, ...epilogueArgs(epilogue, s.n)];
  run(moduleFor(2 * batch * s.m * s.n * s.k, device), "nnMatMul", args);
  return out;
}

const convFlops = (g: ConvGeometry) => 2 * ySize(g) * g.filterHeight * g.filterWidth * g.inChannels;

/** Conv2D (NHWC x, HWIO filter) with an optional fused epilogue; returns the NHWC output. */
export function conv2d(
  x: Float32Array,
  filter: Float32Array,
  g: ConvGeometry,
  epilogue?: Epilogue,
  device: NnDevice = "auto",
): Float32Array {
  const geometry = geometryArray(g);
  checkFloat32("x", x, xSize(g));
  checkFloat32("filter", filter, filterSize(g));
  const y = new Float32Array(ySize(g));
  run(moduleFor(convFlops(g), device), "nnConv2d", [
    x,
    filter,
    y,
    geometry,
    ...epilogueArgs(epilogue, g.outChannels),
  ]);
  return y;
}

/** The gradient of conv2d with respect to x, given dy; returns the NHWC dx. */
export function conv2dBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  g: ConvGeometry,
  device: NnDevice = "auto",
): Float32Array {
  const geometry = geometryArray(g);
  checkFloat32("dy", dy, ySize(g));
  checkFloat32("filter", filter, filterSize(g));
  const dx = new Float32Array(xSize(g));
  run(moduleFor(convFlops(g), device), "nnConv2dBackpropInput", [dy, filter, dx, geometry]);
  return dx;
}

/** The gradient of conv2d with respect to the filter, given x and dy; returns the HWIO dfilter. */
export function conv2dBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
  device: NnDevice = "auto",
): Float32Array {
  const geometry = geometryArray(g);
  checkFloat32("x", x, xSize(g));
  checkFloat32("dy", dy, ySize(g));
  const dfilter = new Float32Array(filterSize(g));
  run(moduleFor(convFlops(g), device), "nnConv2dBackpropFilter", [x, dy, dfilter, geometry]);
  return dfilter;
}

function poolGeometry(g: ConvGeometry): Int32Array {
  if (g.outChannels !== g.inChannels)
    throw invalid("geometry.outChannels", `inChannels (${g.inChannels})`, g.outChannels);
  return geometryArray(g);
}

/** 2-D pooling of NHWC x (pooling always runs on the CPU module). */
export function pool(kind: "max" | "avg", x: Float32Array, g: ConvGeometry): Float32Array {
  const geometry = poolGeometry(g);
  checkFloat32("x", x, xSize(g));
  const y = new Float32Array(ySize(g));
  if (kind === "max") loadCpu().nnMaxPool(x, y, geometry);
  else loadCpu().nnAvgPool(x, y, geometry);
  return y;
}

/** MaxPool's gradient: dy routed to each window's first maximum in x. */
export function maxPoolGrad(dy: Float32Array, x: Float32Array, g: ConvGeometry): Float32Array {
  const geometry = poolGeometry(g);
  checkFloat32("dy", dy, ySize(g));
  checkFloat32("x", x, xSize(g));
  const dx = new Float32Array(xSize(g));
  loadCpu().nnMaxPoolGrad(dy, x, dx, geometry);
  return dx;
}

/** AvgPool's gradient (tfjs's: dy / (filterHeight · filterWidth) to each in-bounds pixel). */
export function avgPoolGrad(dy: Float32Array, g: ConvGeometry): Float32Array {
  const geometry = poolGeometry(g);
  checkFloat32("dy", dy, ySize(g));
  const dx = new Float32Array(xSize(g));
  loadCpu().nnAvgPoolGrad(dy, dx, geometry);
  return dx;
}

/** Throws the addon's load error (how to build it) when the CPU module or its nn kernels are missing. */
export function assertAvailable(): void {
  if (typeof loadCpu().nnMatMul !== "function")
    throw new HpoError("the native addon has no training kernels (nnMatMul)", {
      hint: "rebuild it with `npm run build:native`",
    });
}

/** Broadcasting binary ops, numbered as native/nn/nn_math.h's BinaryOp (tfjs kernel names). */
export const BINARY_OPS = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
} as const;
export type BinaryOp = keyof typeof BINARY_OPS;

/** Unary ops, numbered as nn_math.h's UnaryOp (tfjs kernel names; Step takes `alpha`). */
export const UNARY_OPS = {
  Relu: 0,
  Step: 1,
  Sqrt: 2,
  Rsqrt: 3,
  Square: 4,
  Exp: 5,
  Log: 6,
  Neg: 7,
  Tanh: 8,
  Sigmoid: 9,
  Elu: 10,
  Abs: 11,
} as const;
export type UnaryOp = keyof typeof UNARY_OPS;

const MAX_RANK = 8;

/** Row-major strides of `shape` aligned to the right of an output of rank `rank`, 0 where it broadcasts. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1, o = outShape.length - 1; i >= 0; i--, o--) {
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * a (op) b with numpy broadcasting to `outShape` (the caller checked the shapes are compatible).
 * Adjacent axes that both operands traverse alike are merged, so the native loop sees long rows.
 */
export function binary(
  op: BinaryOp,
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  outShape: number[],
): Float32Array {
  const total = size(outShape);
  if (a.length !== size(aShape)) throw invalid("a", `${aShape.join("×")} values`, a.length);
  if (b.length !== size(bShape)) throw invalid("b", `${bShape.join("×")} values`, b.length);
  const out = new Float32Array(total);
  const code = BINARY_OPS[op];
  // The common cases without building strides: equal shapes, or a scalar on one side.
  if (a.length === total && b.length === total && sameShape(aShape, bShape)) {
    loadCpu().nnBinary(code, a, b, out, Int32Array.of(total), ONE, ONE);
    return out;
  }
  if ((a.length === 1 && b.length === total) || (b.length === 1 && a.length === total)) {
    loadCpu().nnBinary(
      code,
      a,
      b,
      out,
      Int32Array.of(total),
      a.length === 1 ? ZERO : ONE,
      b.length === 1 ? ZERO : ONE,
    );
    return out;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const shape: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const d = outShape[i];
    if (d === 1) continue; // a size-1 axis moves nothing
    const last = shape.length - 1;
    if (last >= 0 && as[last] === sa[i] * d && bs[last] === sb[i] * d) {
      shape[last] *= d;
      as[last] = sa[i];
      bs[last] = sb[i];
    } else {
      shape.push(d);
      as.push(sa[i]);
      bs.push(sb[i]);
    }
  }
  if (shape.length > MAX_RANK)
    throw invalid("outShape", `at most ${MAX_RANK} axes after merging`, shape.length);
  loadCpu().nnBinary(code, a, b, out, Int32Array.from(shape), Int32Array.from(as), Int32Array.from(bs));
  return out;
}

const ONE = Int32Array.of(1);
const ZERO = Int32Array.of(0);
const size = (shape: readonly number[]) => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** op(x) elementwise (`alpha`: Step's value for x ≤ 0). */
export function unary(op: UnaryOp, x: Float32Array, alpha = 0): Float32Array {
  const out = new Float32Array(x.length);
  loadCpu().nnUnary(UNARY_OPS[op], x, out, alpha);
  return out;
}

/** x viewed as (outer, reduce, inner) summed over the middle axis, times `scale` (1/reduce for a mean). */
export function sum(x: Float32Array, outer: number, reduce: number, inner: number, scale = 1): Float32Array {
  checkSize("outer", outer, 0);
  checkSize("reduce", reduce, 0);
  checkSize("inner", inner, 0);
  checkFloat32("x", x, outer * reduce * inner);
  const out = new Float32Array(outer * inner);
  loadCpu().nnSum(x, out, outer, reduce, inner, scale);
  return out;
}

/** x (shape) with its axes permuted: output axis i is input axis perm[i]. */
export function transpose(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  if (shape.length < 1 || shape.length > MAX_RANK)
    throw invalid("shape", `1 to ${MAX_RANK} axes`, shape.length);
  checkFloat32(
    "x",
    x,
    shape.reduce((a, b) => a * b, 1),
  );
  const out = new Float32Array(x.length);
  loadCpu().nnTranspose(x, out, Int32Array.from(shape), Int32Array.from(perm));
  return out;
}

/** Softmax of each of `rows` rows of `width` values (max-shifted, sums in double). */
export function softmax(x: Float32Array, rows: number, width: number): Float32Array {
  checkSize("rows", rows, 0);
  checkSize("width", width, 1);
  checkFloat32("x", x, rows * width);
  const out = new Float32Array(x.length);
  loadCpu().nnSoftmax(x, out, rows, width);
  return out;
}
