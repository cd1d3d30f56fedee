import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import {
  philox,
  philoxBlock,
  philoxSync,
  PHILOX_SYNC_MAX,
  type PhiloxDistribution,
} from "../../src/native/rng.js";
import { cudaStatus, modulePath } from "../../src/native/load.js";
import { HpoError } from "../../src/util/errors.js";
import { ksCritical001, ksStatistic, meanVariance, normalCdf } from "../helpers/stats.js";

const hex = (words: Uint32Array) => Array.from(words, (w) => w.toString(16).padStart(8, "0")).join(" ");
const words = (text: string) => text.split(" ").map((w) => Number.parseInt(w, 16));

// Random123's kat_vectors for philox4x32 with 10 rounds: counter (4 words), key (2 words) -> output.
const KAT = [
  ["00000000 00000000 00000000 00000000", "00000000 00000000", "6627e8d5 e169c58d bc57ac4c 9b00dbd8"],
  ["ffffffff ffffffff ffffffff ffffffff", "ffffffff ffffffff", "408f276d 41c83b0e a20bc7c6 6d5451fd"],
  ["243f6a88 85a308d3 13198a2e 03707344", "a4093822 299f31d0", "d16cfe09 94fdcceb 5001e420 24126ea1"],
];

for (const [counter, key, expected] of KAT) {
  test(`Philox4x32-10 matches the Random123 known answer for counter ${counter.slice(0, 8)}…`, () => {
    assert.is(hex(philoxBlock(words(counter), words(key))), expected);
  });
}

// The stream layout, derived independently from raw blocks: key = (seed lo, seed hi), counter =
// (block lo, block hi, stream lo, stream hi).
function referenceWords(seed: bigint, stream: bigint, firstBlock: number, blocks: number): number[] {
  const key = [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  const out: number[] = [];
  for (let b = firstBlock; b < firstBlock + blocks; b++) {
    const counter = [b >>> 0, Math.floor(b / 2 ** 32), Number(stream & 0xffffffffn), Number(stream >> 32n)];
    out.push(...philoxBlock(counter, key));
  }
  return out;
}

test("bits32 value i is word i % 4 of block i / 4 of the stream's counter", () => {
  const seed = 0x0123456789abcdefn;
  const stream = 0xfedcba9876543210n;
  const got = philoxSync("bits32", 40, { seed, stream, offset: 6 });
  const ref = referenceWords(seed, stream, 0, 12).slice(6, 46);
  assert.equal(Array.from(got), ref);
});

test("uniform64 takes 53 bits from two words and uniform32 24 bits from one", () => {
  const w = referenceWords(7n, 0n, 0, 8);
  const u64 = philoxSync("uniform64", 16, { seed: 7 });
  const u32 = philoxSync("uniform32", 32, { seed: 7 });
  for (let i = 0; i < 16; i++) {
    assert.is(u64[i], ((w[2 * i] >>> 5) * 2 ** 26 + (w[2 * i + 1] >>> 6)) / 2 ** 53);
  }
  for (let i = 0; i < 32; i++) assert.is(u32[i], Math.fround((w[i] >>> 8) / 2 ** 24));
});

// AS241 (PPND16) with Math.log: the native path uses its own log, so agreement is to ~1e-15, not bits.
function ppnd16(p: number): number {
  const poly = (c: number[], r: number) => c.reduceRight((acc, k) => acc * r + k, 0);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        poly(
          [
            3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
            67265.7709270087, 33430.57558358813, 2509.0809287301227,
          ],
          r,
        )) /
      poly(
        [
          1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
          28729.085735721943, 5226.495278852854,
        ],
        r,
      )
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      poly(
        [
          1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
          0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
        ],
        r,
      ) /
      poly(
        [
          1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
          0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9,
        ],
        r,
      );
  } else {
    r -= 5;
    value =
      poly(
        [
          6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
          0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
        ],
        r,
      ) /
      poly(
        [
          1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
          0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
        ],
        r,
      );
  }
  return q < 0 ? -value : value;
}

test("normal64 is the AS241 quantile of the midpoint of each 53-bit cell", () => {
  assert.ok(Math.abs(ppnd16(0.975) - 1.959963984540054) < 1e-15, "reference AS241 transcription");
  const w = referenceWords(99n, 5n, 0, 500);
  const z = philoxSync("normal64", 1000, { seed: 99, stream: 5 });
  for (let i = 0; i < 1000; i++) {
    const p = ((w[2 * i] >>> 5) * 2 ** 26 + (w[2 * i + 1] >>> 6) + 0.5) / 2 ** 53;
    const expected = ppnd16(p);
    assert.ok(
      Math.abs(z[i] - expected) <= 4e-15 * Math.max(1, Math.abs(expected)),
      `value ${i}: ${z[i]} vs ${expected}`,
    );
  }
  const z32 = philoxSync("normal32", 1000, { seed: 99, stream: 5 });
  for (let i = 0; i < 1000; i++) assert.is(z32[i], Math.fround(z[i]));
});

const ALL: PhiloxDistribution[] = ["uniform64", "uniform32", "normal64", "normal32", "bits32"];

test("a slice drawn from an offset equals the same slice of a draw from 0", () => {
  for (const dist of ALL) {
    const whole = philoxSync(dist, 101, { seed: 3, stream: 1 });
    for (const offset of [1, 2, 3, 5, 50]) {
      const part = philoxSync(dist, 101 - offset, { seed: 3, stream: 1, offset });
      assert.equal(Array.from(part), Array.from(whole.subarray(offset)), `${dist} from ${offset}`);
    }
  }
});

test("seeds and streams as numbers or bigints name the same stream; different ones differ", () => {
  assert.equal(
    philoxSync("bits32", 8, { seed: 5, stream: 2 }),
    philoxSync("bits32", 8, { seed: 5n, stream: 2n }),
  );
  const a = philoxSync("bits32", 8, { seed: 5, stream: 2 });
  assert.not.equal(a, philoxSync("bits32", 8, { seed: 5, stream: 3 }));
  assert.not.equal(a, philoxSync("bits32", 8, { seed: 6, stream: 2 }));
  const top = 2n ** 64n - 1n;
  assert.is(philoxSync("uniform64", 4, { seed: top, stream: top, offset: 2n ** 64n - 4n }).length, 4);
});

test("the async path returns the same values as synchronous slices", async () => {
  const n = PHILOX_SYNC_MAX * 2 + 3;
  const big = await philox("normal64", n, { seed: 11, offset: 1 });
  const head = philoxSync("normal64", 10, { seed: 11, offset: 1 });
  const tail = philoxSync("normal64", 10, { seed: 11, offset: 1 + n - 10 });
  assert.equal(Array.from(big.subarray(0, 10)), Array.from(head));
  assert.equal(Array.from(big.subarray(n - 10)), Array.from(tail));
  assert.is((await philox("bits32", 0, { seed: 1 })).length, 0);
});

const N = 1_000_000;

test("uniform64: mean 1/2, variance 1/12 and a Kolmogorov–Smirnov test on 10^6 draws", async () => {
  const u = await philox("uniform64", N, { seed: 2024 });
  const { mean, variance } = meanVariance(u);
  // 5 standard errors: sd(mean) = sqrt(1/12 / n), sd(variance) = sqrt(1/180 / n).
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / N), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 5 * Math.sqrt(1 / 180 / N), `variance ${variance}`);
  const d = ksStatistic(u, (x) => Math.min(1, Math.max(0, x)));
  assert.ok(d < ksCritical001(N), `KS D = ${d}`);
  assert.ok(u.every((x) => x >= 0 && x < 1));
});

test("normal64: mean 0, variance 1 and a Kolmogorov–Smirnov test on 10^6 draws", async () => {
  const z = await philox("normal64", N, { seed: 2024, stream: 1 });
  const { mean, variance } = meanVariance(z);
  // sd(mean) = 1/sqrt(n); sd(sample variance) = sqrt(2/n).
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(N), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / N), `variance ${variance}`);
  const d = ksStatistic(z, normalCdf);
  assert.ok(d < ksCritical001(N), `KS D = ${d}`);
});

test("uniform32 and normal32: mean, variance and a Kolmogorov–Smirnov test on 10^5 draws", async () => {
  const n = 100_000;
  const u = await philox("uniform32", n, { seed: 8 });
  const z = await philox("normal32", n, { seed: 8 });
  const mu = meanVariance(u);
  const mz = meanVariance(z);
  assert.ok(
    Math.abs(mu.mean - 0.5) < 5 * Math.sqrt(1 / 12 / n) &&
      Math.abs(mu.variance - 1 / 12) < 5 * Math.sqrt(1 / 180 / n),
  );
  assert.ok(Math.abs(mz.mean) < 5 / Math.sqrt(n) && Math.abs(mz.variance - 1) < 5 * Math.sqrt(2 / n));
  assert.ok(ksStatistic(u, (x) => x) < ksCritical001(n));
  assert.ok(ksStatistic(z, normalCdf) < ksCritical001(n));
});

test("bad arguments to the TypeScript API throw TypeError/RangeError naming the parameter", () => {
  const throwsExactly = (fn: () => unknown, type: ErrorConstructor, message: string) => {
    try {
      fn();
    } catch (err) {
      assert.instance(err, type);
      assert.is((err as Error).message, message);
      return;
    }
    assert.unreachable(`expected ${message}`);
  };
  throwsExactly(
    () => philoxSync("gamma" as PhiloxDistribution, 1, { seed: 1 }),
    TypeError,
    "Expected one of uniform64, uniform32, normal64, normal32, bits32 for distribution but received gamma of type string",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1.5, { seed: 1 }),
    RangeError,
    `Expected an integer from 0 to ${PHILOX_SYNC_MAX} for count but received 1.5 of type number`,
  );
  throwsExactly(
    () => philoxSync("uniform64", PHILOX_SYNC_MAX + 1, { seed: 1 }),
    RangeError,
    `Expected an integer from 0 to ${PHILOX_SYNC_MAX} for count but received ${PHILOX_SYNC_MAX + 1} of type number`,
  );
  throwsExactly(
    () => philoxSync("uniform64", "3" as unknown as number, { seed: 1 }),
    TypeError,
    "Expected a number for count but received 3 of type string",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, { seed: -1 }),
    RangeError,
    "Expected a non-negative safe integer for seed but received -1 of type number",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, { seed: 2n ** 64n }),
    RangeError,
    "Expected a bigint from 0 to 2^64 - 1 for seed but received 18446744073709551616n of type bigint",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, { seed: "1" as unknown as number }),
    TypeError,
    "Expected a number or bigint for seed but received 1 of type string",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, { seed: 1, stream: 0.5 }),
    RangeError,
    "Expected a non-negative safe integer for stream but received 0.5 of type number",
  );
  throwsExactly(
    () => philoxSync("uniform64", 2, { seed: 1, offset: 2n ** 64n - 1n }),
    RangeError,
    "Expected an offset with offset + count at most 2^64 for offset but received 18446744073709551615n of type bigint",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, undefined as unknown as { seed: number }),
    TypeError,
    "Expected an object with a seed for options but received undefined of type undefined",
  );
  throwsExactly(
    () => philoxSync("uniform64", 1, { seed: 1, device: "tpu" as "cpu" }),
    TypeError,
    "Expected one of cpu, cuda, auto for device but received tpu of type string",
  );
  throwsExactly(
    () => philoxBlock([1, 2, 3], [0, 0]),
    TypeError,
    "Expected 4 unsigned 32-bit integers for counter but received a value of type object",
  );
});

test("device cuda without a usable GPU is an HpoError that says why", () => {
  const status = cudaStatus();
  if (status.available) return; // covered by rng.gpu.test.ts on GPU machines
  try {
    philoxSync("uniform64", 1, { seed: 1, device: "cuda" });
    assert.unreachable("expected an error");
  } catch (err) {
    assert.instance(err, HpoError);
    assert.is((err as Error).message, `CUDA is not available: ${status.reason}`);
  }
});

// The addon's own door checks (common/args.h), for callers that bypass src/native.
test("the addon itself rejects bad arguments with TypeError/RangeError instead of crashing", () => {
  const native = createRequire(import.meta.url)(modulePath("hpo_cpu"));
  const cases: [unknown[], ErrorConstructor, string][] = [
    [[0, 1, 0, 0, new Float32Array(2)], TypeError, "out must be a Float64Array, got a Float32Array"],
    [[1, 1, 0, 0, new Float64Array(2)], TypeError, "out must be a Float32Array, got a Float64Array"],
    [[4, 1, 0, 0, [1, 2]], TypeError, "out must be a Uint32Array, got an Array"],
    [[5, 1, 0, 0, new Float64Array(2)], RangeError, "dist must be an integer from 0 to 4, got 5"],
    [["0", 1, 0, 0, new Float64Array(2)], TypeError, "dist must be a number, got a string"],
    [
      [0, -1, 0, 0, new Float64Array(2)],
      RangeError,
      "seed must be an integer from 0 to 9007199254740991, got -1",
    ],
    [[0, 2n ** 64n, 0, 0, new Float64Array(2)], RangeError, "seed must be a bigint from 0 to 2^64 - 1"],
    [[0, 1, null, 0, new Float64Array(2)], TypeError, "stream must be a number or a bigint, got null"],
    [[0, 1, 0, Number.NaN, new Float64Array(2)], RangeError, "offset must be finite"],
    [
      [0, 1, 0.5, 0, new Float64Array(2)],
      RangeError,
      "stream must be an integer from 0 to 9007199254740991, got 0.5",
    ],
    [[0, 1, 0, 2n ** 64n - 1n, new Float64Array(2)], RangeError, "offset + count overflows 64 bits"],
    [[0, 1, 0, 0], TypeError, "out must be a Float64Array, got undefined"],
  ];
  for (const [args, type, message] of cases) {
    assert.throws(
      () => native.philoxFill(...args),
      (err: Error) => err instanceof type && err.message === message,
      message,
    );
  }
  const detached = new Float64Array(4);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assert.throws(() => native.philoxFill(0, 1, 0, 0, detached), /out has a detached buffer/);
  assert.throws(
    () => native._philoxBlock(new Uint32Array(3), new Uint32Array(2)),
    /counter must have 4 elements, got 3/,
  );
});

test.run();
