/**
 * Which stable codes each native area (rng, gp, evo, cmaes, tpe) produces. The table below is checked two ways:
 * against the C++ sources (every `StatusCode::k...` an area's files and the common headers they
 * include can return, so a new code or a new producer must be listed here), and live on the CPU
 * module, where every code reachable without a GPU is triggered and `err.code` asserted. The codes
 * that need a device (a failing CUDA call, a missing driver or vendor library) are covered by the
 * source check only.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CmaEs } from "../../src/native/cmaes.js";
import { HpoNativeError, NATIVE_ERROR_CODES, type NativeErrorCode } from "../../src/native/errors.js";
import { Population } from "../../src/native/evolution.js";
import { GaussianProcess } from "../../src/native/gp.js";
import { loadCpu } from "../../src/native/load.js";

const nativeDir = fileURLToPath(new URL("../../../native/", import.meta.url));
const native = loadCpu();

type Area = "rng" | "gp" | "evo" | "cmaes" | "tpe";

// Shared by every area through common/: argument errors, state errors, allocation failures and
// broken invariants (args.h, status.h), and the CUDA checks (cuda_check.cuh, device_buffer.cuh).
const SHARED: NativeErrorCode[] = [
  "HPO_INVALID_ARGUMENT",
  "HPO_INVALID_STATE",
  "HPO_OUT_OF_MEMORY",
  "HPO_INTERNAL",
  "HPO_CUDA_ERROR",
  "HPO_CUDA_UNAVAILABLE",
];

const AREA_CODES: Record<Area, NativeErrorCode[]> = {
  rng: [...SHARED],
  gp: [...SHARED, "HPO_NOT_POSITIVE_DEFINITE", "HPO_OUT_OF_BOUNDS", "HPO_VENDOR_LIBRARY_MISSING"],
  evo: [...SHARED, "HPO_OUT_OF_BOUNDS"],
  // CPU only: no CUDA header reaches it.
  cmaes: [
    "HPO_INVALID_ARGUMENT",
    "HPO_INVALID_STATE",
    "HPO_OUT_OF_MEMORY",
    "HPO_INTERNAL",
    "HPO_OUT_OF_BOUNDS",
  ],
  // CPU only, argument checks alone (common/args.h).
  tpe: ["HPO_INVALID_ARGUMENT", "HPO_INVALID_STATE", "HPO_OUT_OF_MEMORY", "HPO_INTERNAL"],
};

/** kNotPositiveDefinite -> HPO_NOT_POSITIVE_DEFINITE */
function codeOf(enumerator: string): string {
  return `HPO_${enumerator
    .slice(1)
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toUpperCase()}`;
}

/** The text of an area's files and of every native header they include, transitively. */
function areaSources(area: Area): string {
  const seen = new Set<string>();
  const texts: string[] = [];
  const visit = (relative: string) => {
    if (seen.has(relative)) return;
    seen.add(relative);
    let text = readFileSync(join(nativeDir, relative), "utf8");
    // The name table lists every code; it produces none.
    if (relative === "common/status.h")
      text = text.replace(/inline const char\* StatusCodeName[\s\S]*?\n}\n/, "");
    texts.push(text);
    for (const m of text.matchAll(/#include "([a-z_]+\/[a-z_]+\.(?:h|cuh|cpp))"/g)) visit(m[1] as string);
  };
  for (const file of readdirSync(join(nativeDir, area))) visit(`${area}/${file}`);
  return texts.join("\n");
}

function producedBySources(area: Area): string[] {
  const codes = new Set<string>();
  for (const m of areaSources(area).matchAll(/StatusCode::(k[A-Za-z]+)/g)) codes.add(codeOf(m[1] as string));
  codes.delete("HPO_OK");
  return [...codes].sort();
}

test("each area's listed codes are exactly those its sources can return", () => {
  for (const area of Object.keys(AREA_CODES) as Area[])
    assert.equal(producedBySources(area), [...AREA_CODES[area]].sort(), area);
});

test("every code src/native/errors.ts declares is produced by some area", () => {
  const produced = new Set(Object.values(AREA_CODES).flat());
  assert.equal([...NATIVE_ERROR_CODES].sort(), [...produced].sort());
});

/** The code of what `fn` throws (synchronously) or rejects with. */
async function codeThrown(fn: () => unknown): Promise<{ code: unknown; error: Error }> {
  try {
    await fn();
  } catch (err) {
    return { code: (err as { code?: unknown }).code, error: err as Error };
  }
  throw new Error("expected a failure");
}

// biome-ignore lint/suspicious/noExplicitAny: any error class
type ErrorClass = new (...args: any[]) => Error;

async function expectCode(fn: () => unknown, code: NativeErrorCode, kind?: ErrorClass): Promise<Error> {
  const { code: got, error } = await codeThrown(fn);
  assert.is(got, code, `${error.message}`);
  if (kind) assert.instance(error, kind);
  return error;
}

test("rng on the CPU: argument and state errors carry their codes", async () => {
  await expectCode(
    () => native.philoxFill(9, 1, 0, 0, new Float64Array(1)),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  await expectCode(
    () => native.philoxFill(0, 1, 0, 0, new Float32Array(1)),
    "HPO_INVALID_ARGUMENT",
    TypeError,
  );
  // `out` detached while the values were generated: the worker cannot deliver them.
  const out = new Float64Array(8);
  const pending = native.philoxFillAsync(0, 1, 0, 0, out);
  structuredClone(out.buffer, { transfer: [out.buffer] });
  await expectCode(() => pending, "HPO_INVALID_STATE");
});

test("gp on the CPU: arguments, state, positive definiteness, bounds and size limits carry their codes", async () => {
  const { GpModel } = native;
  await expectCode(
    () => new GpModel(new Float64Array(1), new Float64Array(2), 2, 1, 0, 0, 0),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  const model = new GpModel(new Float64Array([0.1, 0.9]), new Float64Array([0, 1]), 2, 1, 0, 0, 0);
  await expectCode(() => model.predict(new Float64Array(1), 1), "HPO_INVALID_STATE");
  await model.condition(new Float64Array([0, 0, -2, 0]));
  await expectCode(
    () => model.maximize(new Float64Array([1.5]), 1, 0, 0, 0, 10, 1),
    "HPO_OUT_OF_BOUNDS",
    RangeError,
  );
  // Indefinite at every jitter the escalation allows.
  const npd = await expectCode(
    () => native._gpCholesky(new Float64Array([1, 2, 2, 1]), 2),
    "HPO_NOT_POSITIVE_DEFINITE",
  );
  assert.match(npd.message, /pivot 1 failed/);
  // A likelihood at hyperparameters that make K indefinite rejects with the same code.
  await expectCode(() => model.lml(new Float64Array([0, 800, -2, 0]), false), "HPO_NOT_POSITIVE_DEFINITE");
  // Output scale and noise underflow to 0: the jitter cannot grow, so the escalation stops there.
  await expectCode(() => model.lml(new Float64Array([0, -800, -800, 0]), false), "HPO_NOT_POSITIVE_DEFINITE");
  model.dispose();
  await expectCode(() => model.lml(new Float64Array(4), true), "HPO_INVALID_STATE");

  // 2^20 points need terabytes for the n x n matrices: refused up front, through the TypeScript API
  // as an HpoNativeError.
  const n = 2 ** 20;
  const big = await expectCode(
    () => GaussianProcess.create({ X: new Float64Array(n), y: new Float64Array(n), n, d: 1, device: "cpu" }),
    "HPO_OUT_OF_MEMORY",
    HpoNativeError,
  );
  assert.match(big.message, /a GP on 1048576 points needs about \d+ GiB/);
});

test("evo on the CPU: arguments, state and genes outside the unit cube carry their codes", async () => {
  const Native = native.Population;
  const types = new Int32Array([0]);
  const levels = new Int32Array([0]);
  await expectCode(() => new Native([0.5], 1, 1, types, levels, 1), "HPO_INVALID_ARGUMENT", TypeError);
  await expectCode(
    () => new Native(new Float64Array([2]), 1, 1, types, levels, 1),
    "HPO_OUT_OF_BOUNDS",
    RangeError,
  );
  const raw = new Native(new Float64Array([0.5]), 1, 1, types, levels, 1);
  await expectCode(
    () => raw.evolve(new Float64Array(1), new Float64Array([1, 0.9, 0.1, 0, 15, 20, 0, 0.1, 5])),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  raw.dispose();
  await expectCode(() => raw.genes(), "HPO_INVALID_STATE");

  // Through the TypeScript API the state error is an HpoNativeError.
  const pop = new Population({ genes: [0.5], size: 1, types: [{ type: "continuous" }], seed: 0 });
  pop.dispose();
  await expectCode(() => pop.genes(), "HPO_INVALID_STATE", HpoNativeError);
});

test("cmaes on the CPU: arguments, state and a mean outside the unit cube carry their codes", async () => {
  const Native = native.CmaEs;
  const settings = new Float64Array([2, 0, 0.2, 0, 0, 1, 100]);
  await expectCode(
    () => new Native([2, 0, 0.2, 0, 0, 1, 100], new Float64Array(2), 0.2, null),
    "HPO_INVALID_ARGUMENT",
    TypeError,
  );
  await expectCode(
    () => new Native(new Float64Array([2, 1, 0.2, 0, 0, 1, 100]), new Float64Array(2), 0.2, null),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  await expectCode(
    () => new Native(settings, new Float64Array([0.5, 2]), 0.2, null),
    "HPO_OUT_OF_BOUNDS",
    RangeError,
  );
  const raw = new Native(settings, new Float64Array([0.5, 0.5]), 0.2, null);
  await expectCode(
    () => raw.tell(new Uint32Array(2), new Uint32Array(2), new Float64Array(2)),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  raw.dispose();
  await expectCode(() => raw.sample(0, 0), "HPO_INVALID_STATE");

  // Through the TypeScript API the state error is an HpoNativeError.
  const engine = new CmaEs({ dim: 1, seed: 0 });
  engine.dispose();
  await expectCode(() => engine.info(), "HPO_INVALID_STATE", HpoNativeError);
});

test("tpe on the CPU: argument errors carry their code", async () => {
  const one = new Float64Array(1);
  await expectCode(
    () => native.tpeMixtureLogPdf(one, one, new Int32Array([3]), one, one, one, new Float64Array(1)),
    "HPO_INVALID_ARGUMENT",
    RangeError,
  );
  await expectCode(
    () => native.tpeMixtureLogPdf(one, one, [0], one, one, one, new Float64Array(1)),
    "HPO_INVALID_ARGUMENT",
    TypeError,
  );
});

test.run();
