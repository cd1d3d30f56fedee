#!/usr/bin/env node
// `npm run test:install`: hpo as a user installs it. Packs hpo and this platform's native packages
// (scripts/pack-native.mjs), installs the tarballs into an empty project with `--ignore-scripts` and
// with cmake, the C/C++ compilers and nvcc off PATH, then checks that
//
//   npx hpo doctor              exits 0, with the addon from the prebuilt package
//   npx hpo run branin.hpo      runs a copied example to its budget (memory storage: SQLite's
//                               binary comes from better-sqlite3's own install script, which
//                               --ignore-scripts skips; the run without it must say so)
//   node api-example-N.mjs      `import { createStudy } from "hpo"`: every example of docs/api.md
//
// all succeed. Dependencies come from the npm registry (as for any user); nothing is built.
// Usage: node scripts/install-test.mjs [--no-build] [--keep]   (--no-build: pack the current build)
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiExamples } from "./lib/api-examples.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "hpo-install-test-"));
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function fail(message) {
  console.error(`install-test: FAILED: ${message}`);
  console.error(`install-test: the project is kept in ${work}`);
  process.exit(1);
}

// ---- 1. Pack ------------------------------------------------------------------------------------
const out = join(work, "tarballs");
const packArgs = [join(root, "scripts", "pack-native.mjs"), "--out", out];
if (args.includes("--no-build")) packArgs.push("--no-build");
const packed = spawnSync(process.execPath, packArgs, { cwd: root, stdio: "inherit" });
if (packed.status !== 0) fail("packing failed");
const tarballs = JSON.parse(readFileSync(join(out, "tarballs.json"), "utf8"));
console.log(`install-test: packed ${tarballs.length} tarballs (${seconds()})`);

// ---- 2. A PATH without build tools ------------------------------------------------------------------
// /usr/bin holds the compilers and the basic tools alike, so the PATH is a folder of links to only
// what npm and the checks need.
const BUILD_TOOLS = ["cmake", "gcc", "g++", "cc", "c++", "clang", "clang++", "nvcc", "make", "ninja"];
const bin = join(work, "bin");
mkdirSync(bin);
const which = (name) => {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
symlinkSync(process.execPath, join(bin, "node"));
for (const tool of ["npm", "npx", "sh", "env", "git"]) {
  const path = which(tool);
  if (path) symlinkSync(path, join(bin, tool));
  else if (tool !== "git") fail(`${tool} is not on PATH`);
}
const env = { ...process.env, PATH: bin };
for (const key of ["CUDACXX", "CXX", "CC", "npm_config_prefix"]) delete env[key];
for (const key of Object.keys(env)) if (/^(npm_|HPO_)/.test(key)) delete env[key];
for (const tool of BUILD_TOOLS) {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { env, encoding: "utf8" });
  if (r.status === 0) fail(`${tool} is still on the test's PATH (${r.stdout.trim()})`);
}

// ---- 3. Install into an empty project -------------------------------------------------------------
const project = join(work, "project");
mkdirSync(project);
writeFileSync(
  join(project, "package.json"),
  `${JSON.stringify({ name: "hpo-install-test", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
);
function sh(cmd, cmdArgs, what) {
  console.log(`install-test: ${cmd} ${cmdArgs.join(" ")}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: project, env, encoding: "utf8" });
  process.stdout.write(r.stdout ?? "");
  process.stderr.write(r.stderr ?? "");
  if (r.status !== 0) fail(`${what} exited ${r.status ?? r.signal}`);
  return `${r.stdout}\n${r.stderr}`;
}
sh(
  "npm",
  ["install", "--ignore-scripts", "--no-audit", "--no-fund", ...tarballs],
  "npm install of the tarballs",
);
console.log(`install-test: installed (${seconds()})`);
const installed = join(project, "node_modules", "hpo");
if (existsSync(join(installed, "build")))
  fail("the installed package has a build/ folder: something was built or packed from a build");
// hpo's install script, as npm runs it without --ignore-scripts: with the prebuilt package there it
// must do nothing (no cmake here to build with).
const script = sh("node", [join(installed, "scripts", "install.mjs")], "hpo's install script");
if (script.trim() || existsSync(join(installed, "build")))
  fail(`hpo's install script did something beside a prebuilt package:\n${script}`);

// ---- 4. Use it -------------------------------------------------------------------------------------
const doctor = sh("npx", ["--no-install", "hpo", "doctor"], "npx hpo doctor");
if (!/^cpu addon {3}ok: /m.test(doctor)) fail("hpo doctor does not report a working CPU addon");
if (!/\(prebuilt package\)$/m.test(doctor))
  fail("hpo doctor did not load the addon from the prebuilt package");

copyFileSync(join(root, "examples", "branin.hpo"), join(project, "branin.hpo"));
// better-sqlite3 gets its binary from its own install script, which --ignore-scripts skipped: the
// example's default SQLite storage must then fail with that explanation, and memory storage run.
const sqlite = spawnSync("npx", ["--no-install", "hpo", "run", "branin.hpo"], {
  cwd: project,
  env,
  encoding: "utf8",
});
if (!/SQLite storage needs better-sqlite3's native binary/.test(sqlite.stderr) || sqlite.status !== 74)
  fail(`without better-sqlite3's binary, hpo run should say so and exit 74:\n${sqlite.stderr}`);
const ran = sh(
  "npx",
  ["--no-install", "hpo", "run", "branin.hpo", "--storage", "memory:"],
  "npx hpo run branin.hpo",
);
if (!/60 trials: 60 complete/.test(ran)) fail("branin.hpo did not complete its 60 trials");

// Every example of docs/api.md, importing "hpo" as a user's module does.
const examples = apiExamples(readFileSync(join(root, "docs", "api.md"), "utf8"));
if (examples.length === 0) fail("docs/api.md has no ```js examples");
examples.forEach((code, i) => {
  writeFileSync(join(project, `api-example-${i + 1}.mjs`), code);
  sh("node", [`api-example-${i + 1}.mjs`], `example ${i + 1} of docs/api.md`);
});

const size = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? size(join(dir, e.name)) : e.isFile() ? statSize(join(dir, e.name)) : 0),
    0,
  );
const statSize = (f) => statSync(f).size;
console.log(`install-test: hpo installed: ${(size(installed) / 1e6).toFixed(1)} MB in node_modules/hpo`);
console.log(`install-test: passed in ${seconds()}`);
if (!args.includes("--keep")) rmSync(work, { recursive: true, force: true });
else console.log(`install-test: kept ${work}`);
