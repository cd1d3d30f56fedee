/**
 * The native Parzen-mixture log density (native/tpe) against the sum written out term by term:
 * discrete rows, continuous dimensions, the cut-off of negligible terms, an all −∞ sample; stepped
 * cells' log masses against src/space's logNormalMass in every regime; argument errors at the
 * wrappers and at the addon's door.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCpu } from "../../src/native/load.js";
import { cellLogMass, type Mixture, mixtureLogPdf } from "../../src/native/tpe.js";
import { logNormalMass } from "../../src/space/index.js";
import { rngFor } from "../../src/plan/random.js";
import { throwsHpo } from "../helpers/throws.js";

/** log Σ_k exp(term[s, k]) from the definition, with a plain log-sum-exp over every term. */
function direct(m: Mixture, rows: Int32Array, x: Float64Array, samples: number): number[] {
  const nk = m.base.length;
  const nc = m.mu.length / nk;
  const nd = samples ? rows.length / samples : 0;
  return Array.from({ length: samples }, (_, s) => {
    const terms = Array.from({ length: nk }, (_, k) => {
      let t = m.base[k]!;
      for (let d = 0; d < nd; d++) t += m.tables[rows[s * nd + d]! * nk + k]!;
      for (let c = 0; c < nc; c++) {
        const z = (x[s * nc + c]! - m.mu[c * nk + k]!) * m.invSigma[c * nk + k]!;
        t -= 0.5 * z * z;
      }
      return t;
    });
    const max = Math.max(...terms);
    return max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
  });
}

test("matches the term-by-term sum with discrete rows and continuous dimensions", () => {
  const rng = rngFor(7, 1);
  const nk = 37;
  const nc = 3;
  const samples = 11;
  const tableRows = 5;
  const m: Mixture = {
    base: Float64Array.from({ length: nk }, () => -3 * rng.uniform()),
    tables: Float64Array.from({ length: tableRows * nk }, () => Math.log(rng.uniform())),
    mu: Float64Array.from({ length: nc * nk }, () => rng.uniform()),
    invSigma: Float64Array.from({ length: nc * nk }, () => 2 + 20 * rng.uniform()),
  };
  const rows = Int32Array.from({ length: samples * 2 }, () => rng.int(tableRows));
  const x = Float64Array.from({ length: samples * nc }, () => rng.uniform());
  const got = mixtureLogPdf(m, { samples, rows, x });
  const want = direct(m, rows, x, samples);
  for (let s = 0; s < samples; s++)
    assert.ok(Math.abs(got[s]! - want[s]!) < 1e-12, `sample ${s}: ${got[s]} vs ${want[s]}`);
});

test("terms far below the largest are left out; a sample with every term −∞ gets −∞", () => {
  // kernel 1 is 50 nats below kernel 0 at the sample: e^-50 is under the cut-off, so out = term 0
  const m: Mixture = {
    base: new Float64Array([0, -50, Number.NEGATIVE_INFINITY]),
    tables: new Float64Array([
      0,
      0,
      0,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]),
    mu: new Float64Array(0),
    invSigma: new Float64Array(0),
  };
  const out = mixtureLogPdf(m, { samples: 2, rows: new Int32Array([0, 1]), x: new Float64Array(0) });
  assert.is(out[0], 0);
  assert.is(out[1], Number.NEGATIVE_INFINITY);
  // 30 nats below counts: log(1 + e^-30)
  const near = { ...m, base: new Float64Array([0, -30, Number.NEGATIVE_INFINITY]) };
  const within = mixtureLogPdf(near, { samples: 1, rows: new Int32Array([0]), x: new Float64Array(0) });
  // (log of the rounded sum 1 + 9.4e-14: within an ulp of 1 of log1p's exact value)
  assert.ok(within[0]! > 0 && Math.abs(within[0]! - Math.log1p(Math.exp(-30))) < 3e-16, `${within[0]}`);
});

test("sizes that disagree are an HpoError; the addon's door rejects bad rows and array kinds", () => {
  const m: Mixture = {
    base: new Float64Array(2),
    tables: new Float64Array(2),
    mu: new Float64Array(2),
    invSigma: new Float64Array(2),
  };
  throwsHpo(
    () => mixtureLogPdf(m, { samples: 2, rows: new Int32Array(0), x: new Float64Array(3) }),
    /sizes disagree/,
  );
  throwsHpo(
    () =>
      mixtureLogPdf(
        { ...m, invSigma: new Float64Array(4) },
        { samples: 1, rows: new Int32Array(0), x: new Float64Array(1) },
      ),
    /sizes disagree/,
  );
  const native = loadCpu();
  const out = new Float64Array(1);
  const call = (rows: unknown, mu: unknown = m.mu) =>
    native.tpeMixtureLogPdf(m.base, m.tables, rows, mu, m.invSigma, new Float64Array(1), out);
  assert.throws(
    () => call(new Int32Array([1])),
    (e: Error) => e instanceof RangeError && /not a row of tables/.test(e.message),
  );
  assert.throws(
    () => call(new Float64Array([0])),
    (e: Error) => e instanceof TypeError && /rows/.test(e.message),
  );
  assert.throws(
    () => call(new Int32Array([0]), new Float64Array([0, Number.NaN])),
    (e: Error) => e instanceof RangeError && /mu/.test(e.message),
  );
  call(new Int32Array([0]));
  assert.ok(Number.isFinite(out[0]!));
});

test("stepped cells' log masses agree with logNormalMass near the centre, in both tails and far beyond", () => {
  // cells of width 1 around values from far below to far above kernels at 0 and 3 (σ 0.5 and 2)
  const values = [-80, -41, -37.2, -20.5, -19.5, -6, -1, 0, 0.4, 2, 7, 19.5, 20.5, 37.2, 41, 80];
  const left = Float64Array.from(values, (v) => v - 0.5);
  const right = Float64Array.from(values, (v) => v + 0.5);
  const mu = new Float64Array([0, 3]);
  const sigma = new Float64Array([0.5, 2]);
  const got = cellLogMass(left, right, mu, sigma);
  values.forEach((v, c) => {
    for (let p = 0; p < 2; p++) {
      const want = logNormalMass((left[c]! - mu[p]!) / sigma[p]!, (right[c]! - mu[p]!) / sigma[p]!);
      const value = got[c * 2 + p]!;
      assert.ok(Number.isFinite(value), `cell at ${v}, kernel ${p}: ${value}`);
      assert.ok(
        Math.abs(value - want) <= 1e-9 * Math.max(1, Math.abs(want)),
        `cell at ${v}, kernel ${p}: ${value} vs ${want}`,
      );
    }
  });
  // the whole line is mass 1 (log 0); an empty cell −∞
  const whole = cellLogMass(new Float64Array([-Infinity, 1]), new Float64Array([Infinity, 1]), mu, sigma);
  assert.is(whole[0], 0);
  assert.is(whole[2], Number.NEGATIVE_INFINITY);
});

test("cell masses: sizes that disagree are an HpoError; a width that is not positive a RangeError", () => {
  const one = new Float64Array([0]);
  throwsHpo(() => cellLogMass(one, new Float64Array(2), one, one), /sizes disagree/);
  assert.throws(
    () => cellLogMass(one, new Float64Array([1]), one, new Float64Array([0])),
    (e: Error) => e instanceof RangeError && /sigma must be > 0/.test(e.message),
  );
});

test.run();
