#!/usr/bin/env node
// hpo's npm `install` script: builds the native addon from source only when it has to.
//
// - In a git checkout (`npm ci` in the repository) it always builds: that is the source build CI
//   exercises. Only `npx hpo …` run inside a checkout, which npm serves by linking the checkout into
//   its npx cache and running these scripts again (with their output hidden), keeps a build that is
//   already there instead of silently rebuilding for minutes.
// - In an installed package it does nothing when npm installed the prebuilt platform package
//   (@hpo/native-<platform>, see src/native/platform.ts): no cmake or compiler is needed.
// - `npm rebuild hpo --build-from-source` or HPO_BUILD_FROM_SOURCE=1 always builds.
// - With neither a prebuilt package nor cmake it says what is missing and leaves the install
//   intact; the CLI and the API then say the same when they need the addon.
//
// `npm install --ignore-scripts` skips it: the prebuilt package is all an installation needs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installAction } from "./lib/install-plan.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const forced =
  process.env.HPO_BUILD_FROM_SOURCE === "1" ||
  /^(true|1)$/.test(process.env.npm_config_build_from_source ?? "");
const checkout = existsSync(join(root, ".git"));

// npm runs lifecycle scripts with npm_command set to the command that started it: "exec" for npx.
function underNpx() {
  return process.env.npm_command === "exec";
}

function build() {
  const r = spawnSync(process.execPath, [join(root, "scripts", "build-native.mjs")], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

// `--step ts` (the `prepare` script): compile the TypeScript, but not again under `npx` when dist/ exists.
if (process.argv.includes("--step") && process.argv[process.argv.indexOf("--step") + 1] === "ts") {
  if (underNpx() && existsSync(join(root, "dist", "src", "index.js"))) process.exit(0);
  const r = spawnSync("npm", ["run", "build:ts"], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  process.exit(r.status ?? 1);
}

const facts = {
  checkout,
  forced,
  underNpx: underNpx(),
  built: existsSync(join(root, "build", "Release", "hpo_cpu.node")),
  prebuilt: false,
  cmake: false,
};
let pkg = "the platform package";
if (!checkout && !forced) {
  // An installed package: dist/ is in the tarball.
  const { nativePackageName, platformKey } = await import("../dist/src/native/platform.js");
  pkg = nativePackageName("hpo_cpu", platformKey());
  try {
    createRequire(join(root, "package.json")).resolve(`${pkg}/hpo_cpu.node`);
    facts.prebuilt = true;
  } catch {
    // not installed (another platform, or optional dependencies omitted)
  }
  facts.cmake = !facts.prebuilt && spawnSync("cmake", ["--version"], { stdio: "ignore" }).status === 0;
}
const action = installAction(facts);
if (action === "build") build();
if (action === "explain")
  console.warn(
    `hpo: no prebuilt addon for this platform (${pkg} is not installed) and no cmake to build one.\n` +
      "     Reinstall hpo with optional dependencies, or install cmake ≥ 3.18 and a C++17 compiler and run\n" +
      "     `npm rebuild hpo --build-from-source`. `npx hpo doctor` shows what is missing.",
  );
