// CPU vs CUDA Philox streams, bit for bit. Runs only where a CUDA device is usable (`npm run test:gpu`);
// elsewhere every check is reported as skipped with the loader's reason.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cudaStatus } from "../../src/native/load.js";
import { philox, philoxSync, type PhiloxDistribution, PHILOX_SYNC_MAX } from "../../src/native/rng.js";
import { skipWithReason } from "../helpers/skip.js";

const DISTRIBUTIONS: PhiloxDistribution[] = ["uniform64", "uniform32", "normal64", "normal32", "bits32"];
const SEEDS: (number | bigint)[] = [0, 1, 42, 0xdeadbeef, 2n ** 64n - 1n];
const SHAPES = [
  { count: 1, offset: 0 },
  { count: 7, offset: 3 },
  { count: 1000, offset: 0 },
  { count: 4099, offset: 5 },
  { count: PHILOX_SYNC_MAX * 4 + 1, offset: 2n ** 40n + 1n },
];

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = bytes(a);
  const y = bytes(b);
  if (x.length !== y.length) return -2;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

const status = cudaStatus();
if (!status.available) {
  skipWithReason(
    test,
    "CUDA Philox streams equal the CPU streams bit for bit",
    `no CUDA device: ${status.reason}`,
  );
} else {
  for (const dist of DISTRIBUTIONS) {
    test(`${dist}: CUDA equals CPU bit for bit for ${SEEDS.length} seeds and ${SHAPES.length} lengths`, async () => {
      for (const seed of SEEDS) {
        for (const { count, offset } of SHAPES) {
          const options = { seed, stream: 3, offset };
          const cpu = await philox(dist, count, { ...options, device: "cpu" });
          const cuda = await philox(dist, count, { ...options, device: "cuda" });
          const at = firstDifference(cpu, cuda);
          assert.is(
            at,
            -1,
            `${dist} seed ${seed} count ${count} offset ${offset}: first differing byte ${at}`,
          );
        }
      }
    });
  }

  test("the synchronous CUDA path equals the CPU path", () => {
    for (const dist of DISTRIBUTIONS) {
      const cpu = philoxSync(dist, 513, { seed: 9, stream: 2n ** 63n, device: "cpu" });
      const cuda = philoxSync(dist, 513, { seed: 9, stream: 2n ** 63n, device: "cuda" });
      assert.is(firstDifference(cpu, cuda), -1, dist);
    }
  });
}

test.run();
