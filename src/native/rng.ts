/**
 * Philox4x32-10 random streams from the native addon: values `offset … offset + count - 1` of stream
 * `stream` under `seed`, as uniform or normal doubles/floats or raw 32-bit words. Counter-based, so any
 * slice of any stream is computed directly, and the CPU and CUDA paths return the same bits.
 *
 *   const u = philoxSync("uniform64", 1000, { seed: 42 });               // small draws, synchronous
 *   const z = await philox("normal32", 10_000_000, { seed: 42n, stream: 3, device: "cuda" });
 */
import { loadCpu, loadCuda, resolveDevice, type Device } from "./load.js";
import { fromNativeError } from "./errors.js";

/** What a stream is drawn as; the numbering is the addon's (native/rng/philox_math.h, Distribution). */
export const PHILOX_DISTRIBUTIONS = {
  uniform64: 0,
  uniform32: 1,
  normal64: 2,
  normal32: 3,
  bits32: 4,
} as const;

export type PhiloxDistribution = keyof typeof PHILOX_DISTRIBUTIONS;

/** The typed array each distribution comes back in. */
export interface PhiloxArrays {
  uniform64: Float64Array;
  uniform32: Float32Array;
  normal64: Float64Array;
  normal32: Float32Array;
  bits32: Uint32Array;
}

export interface PhiloxOptions {
  /** The key: a non-negative integer (number below 2^53, or bigint below 2^64). */
  seed: number | bigint;
  /** Which independent stream under the seed (default 0); same range as the seed. */
  stream?: number | bigint;
  /** Index of the first value (default 0); value i is the same whatever slice it is drawn in. */
  offset?: number | bigint;
  /** Where to generate (default "cpu"); the values are identical on both. */
  device?: Device;
}

/** Largest count `philoxSync` accepts: about a millisecond of work; larger draws use `philox`. */
export const PHILOX_SYNC_MAX = 65_536;
/** Largest count of one draw (the size of one typed array the addon fills). */
export const PHILOX_MAX_COUNT = 2 ** 30;

const U64_LIMIT = 2n ** 64n;

interface NativeRng {
  philoxFill(
    dist: number,
    seed: number | bigint,
    stream: number | bigint,
    offset: number | bigint,
    out: unknown,
  ): void;
  philoxFillAsync(
    dist: number,
    seed: number | bigint,
    stream: number | bigint,
    offset: number | bigint,
    out: unknown,
  ): Promise<void>;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `${value}n of type bigint`;
  if (typeof value === "object" || typeof value === "function") return `a value of type ${typeof value}`;
  return `${String(value)} of type ${typeof value}`;
}

/** The message every parameter error in this module uses (sharp's invalidParameterError shape). */
export function invalidParameter(name: string, expected: string, actual: unknown): string {
  return `Expected ${expected} for ${name} but received ${describe(actual)}`;
}

function checkU64(name: string, value: unknown): number | bigint {
  if (typeof value === "bigint") {
    if (value < 0n || value >= U64_LIMIT) {
      throw new RangeError(invalidParameter(name, "a bigint from 0 to 2^64 - 1", value));
    }
    return value;
  }
  if (typeof value !== "number") throw new TypeError(invalidParameter(name, "a number or bigint", value));
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(invalidParameter(name, "a non-negative safe integer", value));
  }
  return value;
}

interface Checked {
  dist: number;
  count: number;
  seed: number | bigint;
  stream: number | bigint;
  offset: number | bigint;
  device: "cpu" | "cuda";
}

// The four steps: defaults, validate, interpret, validate the interpretation.
function check(dist: unknown, count: unknown, options: PhiloxOptions | undefined, maxCount: number): Checked {
  if (typeof dist !== "string" || !Object.hasOwn(PHILOX_DISTRIBUTIONS, dist)) {
    throw new TypeError(
      invalidParameter("distribution", `one of ${Object.keys(PHILOX_DISTRIBUTIONS).join(", ")}`, dist),
    );
  }
  if (typeof count !== "number") throw new TypeError(invalidParameter("count", "a number", count));
  if (!Number.isInteger(count) || count < 0 || count > maxCount) {
    throw new RangeError(invalidParameter("count", `an integer from 0 to ${maxCount}`, count));
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(invalidParameter("options", "an object with a seed", options));
  }
  const device = options.device ?? "cpu";
  if (device !== "cpu" && device !== "cuda" && device !== "auto") {
    throw new TypeError(invalidParameter("device", "one of cpu, cuda, auto", device));
  }
  const offset = checkU64("offset", options.offset ?? 0);
  if (BigInt(offset) + BigInt(count) > U64_LIMIT) {
    throw new RangeError(invalidParameter("offset", "an offset with offset + count at most 2^64", offset));
  }
  return {
    dist: PHILOX_DISTRIBUTIONS[dist as PhiloxDistribution],
    count,
    seed: checkU64("seed", options.seed),
    stream: checkU64("stream", options.stream ?? 0),
    offset,
    device: resolveDevice(device),
  };
}

function allocate<D extends PhiloxDistribution>(dist: D, count: number): PhiloxArrays[D] {
  if (dist === "uniform64" || dist === "normal64") return new Float64Array(count) as PhiloxArrays[D];
  if (dist === "bits32") return new Uint32Array(count) as PhiloxArrays[D];
  return new Float32Array(count) as PhiloxArrays[D];
}

function binding(device: "cpu" | "cuda"): NativeRng {
  // resolveDevice has already checked that CUDA is usable when it returned "cuda".
  return (device === "cuda" ? loadCuda() : loadCpu()) as unknown as NativeRng;
}

/** Draws `count` (at most PHILOX_SYNC_MAX) values now, on the calling thread. */
export function philoxSync<D extends PhiloxDistribution>(
  dist: D,
  count: number,
  options: PhiloxOptions,
): PhiloxArrays[D] {
  const c = check(dist, count, options, PHILOX_SYNC_MAX);
  const out = allocate(dist, c.count);
  try {
    binding(c.device).philoxFill(c.dist, c.seed, c.stream, c.offset, out);
  } catch (err) {
    throw fromNativeError(err);
  }
  return out;
}

/** Draws `count` (at most PHILOX_MAX_COUNT) values off the main thread (or now, when count is small). */
export async function philox<D extends PhiloxDistribution>(
  dist: D,
  count: number,
  options: PhiloxOptions,
): Promise<PhiloxArrays[D]> {
  const c = check(dist, count, options, PHILOX_MAX_COUNT);
  const out = allocate(dist, c.count);
  const native = binding(c.device);
  const callSite = new Error();
  try {
    if (c.count <= PHILOX_SYNC_MAX) native.philoxFill(c.dist, c.seed, c.stream, c.offset, out);
    else await native.philoxFillAsync(c.dist, c.seed, c.stream, c.offset, out);
  } catch (err) {
    throw fromNativeError(err, callSite);
  }
  return out;
}

/**
 * The raw Philox4x32-10 block for a 128-bit counter (4 words) and 64-bit key (2 words): the algorithm's
 * own interface, for checking against the published known-answer vectors.
 */
export function philoxBlock(counter: ArrayLike<number>, key: ArrayLike<number>): Uint32Array {
  const words = (name: string, value: ArrayLike<number>, n: number) => {
    const ok =
      value != null &&
      value.length === n &&
      Array.from(value).every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!ok) throw new TypeError(invalidParameter(name, `${n} unsigned 32-bit integers`, value));
    return Uint32Array.from(value);
  };
  const cpu = loadCpu() as unknown as { _philoxBlock(c: Uint32Array, k: Uint32Array): Uint32Array };
  return cpu._philoxBlock(words("counter", counter, 4), words("key", key, 2));
}
