import { test } from "uvu";
import * as assert from "uvu/assert";

type Facts = {
  checkout: boolean;
  forced: boolean;
  underNpx: boolean;
  built: boolean;
  prebuilt: boolean;
  cmake: boolean;
};
// scripts/ is plain JavaScript run by npm before dist/ exists; the test loads it from the repository.
const { installAction } = (await import(
  new URL("../../../scripts/lib/install-plan.mjs", import.meta.url).href
)) as { installAction(facts: Facts): "build" | "keep" | "explain" };

const none: Facts = {
  checkout: false,
  forced: false,
  underNpx: false,
  built: false,
  prebuilt: false,
  cmake: false,
};

test("an installed package with its platform package builds nothing, cmake or not", () => {
  assert.is(installAction({ ...none, prebuilt: true }), "keep");
  assert.is(installAction({ ...none, prebuilt: true, cmake: true }), "keep");
});

test("--build-from-source / HPO_BUILD_FROM_SOURCE=1 always builds", () => {
  assert.is(installAction({ ...none, prebuilt: true, forced: true }), "build");
  assert.is(installAction({ ...none, checkout: true, underNpx: true, built: true, forced: true }), "build");
});

test("no prebuilt package: build with cmake, else explain and leave the install intact", () => {
  assert.is(installAction({ ...none, cmake: true }), "build");
  assert.is(installAction(none), "explain");
});

test("a checkout builds from source (npm ci), except under npx when a build is there", () => {
  assert.is(installAction({ ...none, checkout: true }), "build");
  assert.is(installAction({ ...none, checkout: true, built: true }), "build");
  assert.is(installAction({ ...none, checkout: true, underNpx: true }), "build");
  assert.is(installAction({ ...none, checkout: true, underNpx: true, built: true }), "keep");
});

test.run();
