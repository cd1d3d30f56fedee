import { test } from "uvu";
import * as assert from "uvu/assert";
import { erfc, logNormalCdf, logNormalMass, normalCdf, normalQuantile } from "../../src/space/index.js";

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);

test("erfc matches reference values to ~1e-14 relative", () => {
  // reference values from Python's math.erfc
  const ref: [number, number][] = [
    [0.3, 0.6713732405408726],
    [1.7, 0.016209541409225436],
    [5.2, 1.9249061099972327e-13],
    [-2.1, 1.997020533343667],
    [0.51, 0.4707563801588296],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
  ];
  for (const [x, y] of ref) assert.ok(close(erfc(x), y, 2e-14), `erfc(${x}) = ${erfc(x)}, expected ${y}`);
});

test("the quantile inverts the CDF", () => {
  for (const p of [1e-12, 1e-5, 0.02, 0.3, 0.5, 0.9, 0.999999])
    assert.ok(close(normalCdf(normalQuantile(p)), p, 1e-12));
  assert.ok(close(normalQuantile(0.975), 1.959963984540054, 1e-13));
});

test("log masses stay finite and accurate in the far tails", () => {
  assert.ok(close(logNormalMass(-1, 1), Math.log(0.6826894921370859), 1e-13));
  assert.ok(close(logNormalMass(40, 50), logNormalMass(-50, -40), 1e-15));
  // log Φ(-40) = log φ(40) - log 40 + log(1 - 1/1600 + ...) ≈ -804.6084420137538
  assert.ok(close(logNormalMass(-50, -40), -804.6084420137, 1e-11));
  assert.ok(close(logNormalCdf(-5), Math.log(2.866515718791939e-7), 1e-12));
});

test.run();
