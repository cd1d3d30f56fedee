// The CUDA path of hpo-native's kernels (native/nn/nn.cu) against the CPU path, on seeded random
// shapes: products in all transpose combinations with batch indices and every epilogue, and
// convolutions (forward with dilation, both gradients) with odd sizes, strides and padding. Runs
// where a CUDA device is usable (`npm run test:gpu`); elsewhere it reports a skip with the reason.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rngFor } from "../../src/plan/random.js";
import { cudaStatus } from "../../src/native/load.js";
import * as nn from "../../src/native/nn.js";
import { skipWithReason } from "../helpers/skip.js";

const testRng = rngFor(16);
const uniform = () => testRng.uniform();
const random = (n: number) => Float32Array.from({ length: n }, () => 2 * uniform() - 1);

/** max|cuda − cpu| ≤ 1e-5 · K^½ · max(1, max|cpu|): both sum K fp32 products, in different orders. */
function close(what: string, cuda: Float32Array, cpu: Float32Array, reduction: number): void {
  assert.is(cuda.length, cpu.length, what);
  let scale = 1;
  for (const v of cpu) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-5 * Math.sqrt(Math.max(1, reduction)) * scale;
  for (let i = 0; i < cpu.length; i++)
    assert.ok(Math.abs(cuda[i] - cpu[i]) <= tol, `${what}[${i}]: ${cuda[i]} vs ${cpu[i]} (tolerance ${tol})`);
}

const status = cudaStatus();
if (!status.available || !nn.nnCuda()) {
  skipWithReason(
    test,
    "hpo-native's CUDA kernels equal its CPU kernels",
    status.available ? "the CUDA module has no nn kernels (rebuild it)" : `no CUDA device: ${status.reason}`,
  );
} else {
  test("matMul: transposes, batch indices and every epilogue match the CPU", () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [33, 65, 17],
      [130, 257, 70],
    ]) {
      for (const transposeA of [false, true])
        for (const transposeB of [false, true]) {
          const a = random(2 * m * k);
          const b = random(3 * k * n);
          const shape = {
            m,
            n,
            k,
            transposeA,
            transposeB,
            aBatches: 2,
            bBatches: 3,
            aIndex: Int32Array.of(0, 1, 1, 0),
            bIndex: Int32Array.of(2, 0, 1, 2),
          };
          for (const activation of ["linear", "relu", "elu", "sigmoid", "leakyrelu", "prelu"] as const) {
            const epilogue = { bias: random(n), activation, leakyreluAlpha: 0.3, preluAlpha: random(n) };
            close(
              `${m}x${k}x${n} ${transposeA} ${transposeB} ${activation}`,
              nn.matMul(a, b, shape, epilogue, "cuda"),
              nn.matMul(a, b, shape, epilogue, "cpu"),
              k,
            );
          }
        }
    }
  });

  test("conv2d and both gradients match the CPU (strides, padding, dilation, odd sizes)", () => {
    const cases: nn.ConvGeometry[] = [
      geometry(2, 9, 7, 3, 3, 3, 5, 1, 1, 1, 1, "same"),
      geometry(3, 8, 10, 4, 3, 3, 6, 2, 2, 1, 1, "same"),
      geometry(2, 11, 9, 3, 3, 2, 4, 2, 1, 1, 1, "valid"),
      geometry(1, 12, 12, 1, 5, 5, 8, 1, 1, 1, 1, "same"),
      geometry(32, 14, 14, 16, 3, 3, 32, 1, 1, 1, 1, "same"),
    ];
    for (const g of cases) {
      const x = random(g.batch * g.inHeight * g.inWidth * g.inChannels);
      const f = random(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
      const dy = random(g.batch * g.outHeight * g.outWidth * g.outChannels);
      const k = g.filterHeight * g.filterWidth * g.inChannels;
      const what = JSON.stringify(g);
      const epilogue = { bias: random(g.outChannels), activation: "relu" as const };
      close(`conv2d ${what}`, nn.conv2d(x, f, g, epilogue, "cuda"), nn.conv2d(x, f, g, epilogue, "cpu"), k);
      close(
        `dx ${what}`,
        nn.conv2dBackpropInput(dy, f, g, "cuda"),
        nn.conv2dBackpropInput(dy, f, g, "cpu"),
        k,
      );
      const pixels = g.batch * g.outHeight * g.outWidth;
      close(
        `dw ${what}`,
        nn.conv2dBackpropFilter(x, dy, g, "cuda"),
        nn.conv2dBackpropFilter(x, dy, g, "cpu"),
        pixels,
      );
    }
    const dilated = geometry(2, 11, 9, 3, 3, 3, 4, 1, 1, 2, 2, "same");
    const x = random(2 * 11 * 9 * 3);
    const f = random(3 * 3 * 3 * 4);
    close(
      "conv2d dilation 2",
      nn.conv2d(x, f, dilated, undefined, "cuda"),
      nn.conv2d(x, f, dilated, undefined, "cpu"),
      27,
    );
  });
}

/** A geometry with tfjs's 'same' (top/left = floor(total / 2)) or 'valid' padding. */
function geometry(
  batch: number,
  inHeight: number,
  inWidth: number,
  inChannels: number,
  filterHeight: number,
  filterWidth: number,
  outChannels: number,
  strideHeight: number,
  strideWidth: number,
  dilationHeight: number,
  dilationWidth: number,
  pad: "same" | "valid",
): nn.ConvGeometry {
  const effH = filterHeight + (filterHeight - 1) * (dilationHeight - 1);
  const effW = filterWidth + (filterWidth - 1) * (dilationWidth - 1);
  const outHeight =
    pad === "same" ? Math.ceil(inHeight / strideHeight) : Math.ceil((inHeight - effH + 1) / strideHeight);
  const outWidth =
    pad === "same" ? Math.ceil(inWidth / strideWidth) : Math.ceil((inWidth - effW + 1) / strideWidth);
  const padTop =
    pad === "same" ? Math.floor(Math.max(0, (outHeight - 1) * strideHeight + effH - inHeight) / 2) : 0;
  const padLeft =
    pad === "same" ? Math.floor(Math.max(0, (outWidth - 1) * strideWidth + effW - inWidth) / 2) : 0;
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padLeft,
  };
}

test.run();
