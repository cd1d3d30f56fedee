import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  decode,
  encode,
  isActive,
  sampleConfiguration,
  satisfiesConstraints,
} from "../../src/space/index.js";
import { rngFor } from "../../src/plan/random.js";
import type { ParamSpec } from "../../src/plan/types.js";
import { HpoError } from "../../src/util/errors.js";
import { bin, choice, fixed, int, lit, normal, ref, uniform, when } from "./helpers.js";

const optimizerSpace: ParamSpec[] = [
  uniform("lr", 1e-5, 1e-1, { log: true }),
  choice("optimizer", ["adam", "sgd"]),
  when(uniform("momentum", 0.5, 0.99), bin("==", ref("optimizer"), lit("sgd"))),
  when(uniform("nesterov_gain", 0, 1), bin(">", ref("momentum"), lit(0.9))),
];

test("isActive follows conditions, and nested conditions switch off together", () => {
  const [, , momentum, gain] = optimizerSpace as [ParamSpec, ParamSpec, ParamSpec, ParamSpec];
  assert.ok(isActive(momentum, { optimizer: "sgd" }));
  assert.not.ok(isActive(momentum, { optimizer: "adam" }));
  assert.ok(isActive(gain, { optimizer: "sgd", momentum: 0.95 }));
  assert.not.ok(isActive(gain, { optimizer: "adam" }));
  assert.ok(isActive(uniform("x", 0, 1), {}));
});

test("a condition that is not boolean is a clear error", () => {
  const bad = when(uniform("x", 0, 1), ref("n"));
  assert.throws(
    () => isActive(bad, { n: 3 }),
    (e: unknown) => e instanceof HpoError && /true or false/.test(e.message),
  );
});

test("satisfiesConstraints checks every constraint", () => {
  const c = [bin("==", bin("%", ref("hidden"), ref("heads")), lit(0)), bin("<", ref("heads"), lit(32))];
  assert.ok(satisfiesConstraints(c, { hidden: 512, heads: 16 }));
  assert.not.ok(satisfiesConstraints(c, { hidden: 512, heads: 32 }));
  assert.not.ok(satisfiesConstraints(c, { hidden: 100, heads: 8 }));
  assert.ok(satisfiesConstraints([], {}));
});

test("samples honour ranges, log scales, integer steps and fixed values", () => {
  const space = [
    uniform("a", -2, 3),
    uniform("lr", 1e-4, 1, { log: true }),
    uniform("drop", 0.1, 0.5, { step: 0.1 }),
    int("units", 16, 256, { step: 16 }),
    int("batch", 8, 1024, { log: true }),
    choice("width", [64, 128, 256], true),
    normal("z", 3, 0.5),
    fixed("tag", "v1"),
  ];
  const rng = rngFor(1);
  const lrs: number[] = [];
  const zs: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const p = sampleConfiguration(space, [], rng);
    assert.ok((p.a as number) >= -2 && (p.a as number) < 3);
    assert.ok((p.lr as number) >= 1e-4 && (p.lr as number) <= 1);
    assert.ok([0.1, 0.2, 0.3, 0.4, 0.5].includes(p.drop as number), `drop ${p.drop}`);
    assert.ok(Number.isInteger(p.units) && (p.units as number) % 16 === 0 && (p.units as number) <= 256);
    assert.ok(Number.isInteger(p.batch) && (p.batch as number) >= 8 && (p.batch as number) <= 1024);
    assert.ok([64, 128, 256].includes(p.width as number));
    assert.is(p.tag, "v1");
    lrs.push(p.lr as number);
    zs.push(p.z as number);
  }
  // log-uniform: about a quarter of the draws in each decade
  const share = lrs.filter((x) => x < 1e-3).length / lrs.length;
  assert.ok(Math.abs(share - 0.25) < 0.03, `share below 1e-3: ${share}`);
  const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
  assert.ok(Math.abs(mean - 3) < 0.05, `normal mean ${mean}`);
});

test("conditional parameters are absent where their condition is false", () => {
  const rng = rngFor(3);
  let sgd = 0;
  for (let i = 0; i < 500; i++) {
    const p = sampleConfiguration(optimizerSpace, [], rng);
    if (p.optimizer === "sgd") {
      sgd++;
      assert.ok(Object.hasOwn(p, "momentum"));
      assert.is(Object.hasOwn(p, "nesterov_gain"), (p.momentum as number) > 0.9);
    } else {
      assert.not.ok(Object.hasOwn(p, "momentum"));
      assert.not.ok(Object.hasOwn(p, "nesterov_gain"));
    }
  }
  assert.ok(sgd > 200 && sgd < 300);
});

test("constraints are never broken, and an impossible one is a clear error", () => {
  const space = [choice("heads", [8, 16, 32]), choice("hidden", [256, 512, 1000])];
  const c = [bin("==", bin("%", ref("hidden"), ref("heads")), lit(0))];
  const rng = rngFor(9);
  for (let i = 0; i < 300; i++) assert.ok(satisfiesConstraints(c, sampleConfiguration(space, c, rng)));
  const never = [bin(">", ref("heads"), lit(100))];
  assert.throws(
    () => sampleConfiguration(space, never, rngFor(1)),
    (e: unknown) => e instanceof HpoError && /no configuration satisfying the constraints/.test(e.message),
  );
});

test("the same seed gives the same configurations", () => {
  const a = Array.from({ length: 20 }, (_, i) => sampleConfiguration(optimizerSpace, [], rngFor(5, i)));
  const b = Array.from({ length: 20 }, (_, i) => sampleConfiguration(optimizerSpace, [], rngFor(5, i)));
  assert.equal(a, b);
});

test("encode maps into the unit cube with NaN for inactive parameters", () => {
  const x = encode(optimizerSpace, { lr: 1e-3, optimizer: "adam" });
  assert.is(x.length, 4);
  assert.ok(Math.abs((x[0] as number) - 0.5) < 1e-12); // 1e-3 is the log-midpoint of [1e-5, 1e-1]
  assert.is(x[1], 0.25);
  assert.ok(Number.isNaN(x[2]) && Number.isNaN(x[3]));
});

test("integers own equal shares of the unit interval (half-step padding)", () => {
  const p = [int("k", 1, 4)];
  assert.equal(Array.from(encode(p, { k: 1 })), [0.125]);
  assert.equal(Array.from(encode(p, { k: 4 })), [0.875]);
  assert.equal(decode(p, [0]), { k: 1 });
  assert.equal(decode(p, [0.2499]), { k: 1 });
  assert.equal(decode(p, [0.2501]), { k: 2 });
  assert.equal(decode(p, [1]), { k: 4 });
});

test("decode gives valid, rounded values with conditions applied", () => {
  const space = [
    ...optimizerSpace,
    uniform("drop", 0, 0.5, { step: 0.1 }),
    int("batch", 8, 1024, { log: true }),
    normal("z", 0, 2),
    fixed("tag", 7),
  ];
  const rng = rngFor(12);
  for (let i = 0; i < 500; i++) {
    const x = Array.from({ length: space.length }, () => rng.uniform());
    const p = decode(space, x);
    assert.ok([0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(p.drop as number), `drop ${p.drop}`);
    assert.ok(Number.isInteger(p.batch));
    assert.ok(Number.isFinite(p.z));
    assert.is(p.tag, 7);
    assert.is(Object.hasOwn(p, "momentum"), p.optimizer === "sgd");
    // decoding is idempotent through encode (continuous values up to rounding)
    const back = decode(space, encode(space, p));
    assert.equal(Object.keys(back), Object.keys(p));
    for (const [k, v] of Object.entries(p)) {
      if (typeof v === "number")
        assert.ok(Math.abs((back[k] as number) - v) <= 1e-9 * Math.max(1, Math.abs(v)), k);
      else assert.is(back[k], v);
    }
  }
  // out-of-range and NaN coordinates of active parameters are clamped / centred
  const p = decode(space, [2, -1, 0.5, 0.5, Number.NaN, 0, 1, 0.5]);
  assert.is(p.lr, 1e-1);
  assert.is(p.optimizer, "adam");
  assert.is(p.drop, 0.3);
  assert.throws(
    () => decode(space, [0.5]),
    (e: unknown) => e instanceof HpoError,
  );
});

test("encode then decode round-trips every kind", () => {
  const space = [
    uniform("a", -2, 3),
    uniform("lr", 1e-4, 1, { log: true }),
    int("units", 16, 256, { step: 16 }),
    choice("act", ["relu", "tanh", true, 3]),
    normal("z", 3, 0.5),
  ];
  const p = { a: 1.25, lr: 0.003, units: 64, act: true, z: 2.2 };
  const back = decode(space, encode(space, p));
  assert.ok(Math.abs((back.a as number) - 1.25) < 1e-12);
  assert.ok(Math.abs((back.lr as number) - 0.003) < 1e-15);
  assert.is(back.units, 64);
  assert.is(back.act, true);
  assert.ok(Math.abs((back.z as number) - 2.2) < 1e-9);
});

test("bad values and bad ranges are clear errors", () => {
  assert.throws(
    () => encode([choice("c", ["a"])], { c: "b" }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => encode([uniform("x", 0, 1)], { x: "s" }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => sampleConfiguration([uniform("lr", 0, 1, { log: true })], [], rngFor(1)),
    (e: unknown) => e instanceof HpoError && /log scale/.test(e.message),
  );
});

test.run();
