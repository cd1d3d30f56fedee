#!/usr/bin/env node
// Packs what a GPU machine that has CUDA and a driver but no Node.js, no npm and no network needs to
// run hpo's GPU tests and benchmarks, into the git-ignored folder .carry/ (pass it as a `carry` path):
//
//   .carry/node.xz        this machine's `node` binary, xz-compressed
//   .carry/lib/           this machine's libstdc++/libgcc_s, used only if the target's are too old
//   .carry/root/          a self-contained package root: the working tree's files (tracked and
//                         untracked-but-not-ignored), dist/, build/Release/*.node (CUDA on, static
//                         cudart) and only the node_modules packages needed at run time
//   .carry/MANIFEST.txt   what was packed, from which commit, and the sizes
//
// Then, on the GPU machine, from the repository root: `bash scripts/gpu-check.sh`.
// Usage: node scripts/gpu-pack.mjs [--no-build]   (default: rebuild dist/ and the addon with HPO_CUDA=ON)
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";

const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const carry = join(repo, ".carry");
const root = join(carry, "root");
const LIMIT_BYTES = 64 * 1024 * 1024;

// Production dependencies that are needed only to build or install, never when running.
const BUILD_ONLY = new Set([
  "cmake-js",
  "node-addon-api",
  "node-api-headers",
  "tsx",
  "prebuild-install",
  "typescript",
]);
// Run-time dependencies no GPU check loads (the trainer's TensorFlow.js, the report's ECharts): ~110 MiB
// that would not fit a 64 MiB carry. `hpo doctor` there reports them as not installed.
const NOT_FOR_GPU_CHECKS = new Set(["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "echarts"]);
// Dev dependencies the GPU tests import at run time (the uvu runner in scripts/run-test-file.mjs).
const RUNTIME_DEV = ["uvu"];
// Packages whose installed folder holds build leftovers: keep only these entries.
const KEEP_ONLY = {
  "better-sqlite3": ["package.json", "lib", "build/Release/better_sqlite3.node"],
};
// Files no run needs.
const SKIP_FILE = /\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i;

function run(cmd, args, env = {}) {
  console.log(`gpu-pack: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`gpu-pack: \`${cmd} ${args.join(" ")}\` failed (exit ${r.status})`);
    process.exit(1);
  }
}

function sizeOf(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

// The folder of installed package `name`, looked up the way Node does from the repository root.
function packageDir(name) {
  const dir = join(repo, "node_modules", name);
  return existsSync(join(dir, "package.json")) ? dir : undefined;
}

// `seeds` and everything they depend on (dependencies and installed optionalDependencies).
function closure(seeds) {
  const seen = new Set();
  const queue = [...seeds];
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name) || BUILD_ONLY.has(name)) continue;
    const dir = packageDir(name);
    if (!dir) {
      console.error(`gpu-pack: package ${name} is not installed; run \`npm ci\` first`);
      process.exit(1);
    }
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push(dep);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) if (packageDir(dep)) queue.push(dep);
  }
  return [...seen].sort();
}

function copyPackage(name) {
  const from = packageDir(name);
  const to = join(root, "node_modules", name);
  const keep = KEEP_ONLY[name];
  if (keep) {
    for (const entry of keep) {
      if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true });
    }
    return;
  }
  cpSync(from, to, {
    recursive: true,
    dereference: true,
    filter: (src) => !SKIP_FILE.test(src),
  });
}

// ---- 1. Build -----------------------------------------------------------------------------------
if (!process.argv.includes("--no-build")) {
  run("npm", ["run", "build:ts"]);
  run("npm", ["run", "build:native"], { HPO_CUDA: "ON" });
}
const addons = ["hpo_cpu.node", "hpo_cuda.node"].map((n) => join(repo, "build", "Release", n));
for (const addon of addons) {
  if (!existsSync(addon)) {
    console.error(`gpu-pack: ${relative(repo, addon)} is missing; build with HPO_CUDA=ON (nvcc needed)`);
    process.exit(1);
  }
}
const needed = execFileSync("readelf", ["-d", addons[1]], { encoding: "utf8" });
if (/libcudart/.test(needed)) {
  console.error("gpu-pack: hpo_cuda.node links libcudart dynamically; it must link the static runtime");
  process.exit(1);
}
if (!existsSync(join(repo, "dist", "test"))) {
  console.error("gpu-pack: dist/ is not built; run `npm run build:ts`");
  process.exit(1);
}

// ---- 2. Lay out .carry ---------------------------------------------------------------------------
rmSync(carry, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

// The working tree as the run tool would copy it: tracked files plus untracked, non-ignored ones.
const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
  cwd: repo,
  encoding: "utf8",
})
  .split("\0")
  .filter((f) => f && existsSync(join(repo, f)) && statSync(join(repo, f)).isFile());
for (const file of files) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  copyFileSync(join(repo, file), join(root, file));
}
cpSync(join(repo, "dist"), join(root, "dist"), {
  recursive: true,
  filter: (src) => !src.endsWith(".map") && !src.endsWith(".tsbuildinfo"),
});
mkdirSync(join(root, "build", "Release"), { recursive: true });
for (const addon of addons) copyFileSync(addon, join(root, "build", "Release", addon.split("/").pop()));

const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const seeds = [
  ...Object.keys(pkg.dependencies ?? {}).filter((d) => !NOT_FOR_GPU_CHECKS.has(d)),
  ...RUNTIME_DEV,
];
const packages = closure(seeds);
for (const name of packages) copyPackage(name);

// The node binary, compressed (xz -9: about a quarter of its size).
console.log(`gpu-pack: compressing ${process.execPath} (this takes a minute or two)`);
const xz = spawnSync("xz", ["-9", "-T0", "-c", process.execPath], { maxBuffer: 512 * 1024 * 1024 });
if (xz.status !== 0) {
  console.error(`gpu-pack: xz failed: ${xz.stderr}`);
  process.exit(1);
}
writeFileSync(join(carry, "node.xz"), xz.stdout);

// The C++ runtime the binaries were linked against, for targets whose own is older.
mkdirSync(join(carry, "lib"));
for (const lib of ["libstdc++.so.6", "libgcc_s.so.1"]) {
  const found = execFileSync("sh", ["-c", `ldd ${addons[0]} | awk '$1 == "${lib}" { print $3 }'`], {
    encoding: "utf8",
  }).trim();
  if (found) copyFileSync(found, join(carry, "lib", lib));
}

// ---- 3. Manifest and size check -----------------------------------------------------------------
const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: repo, encoding: "utf8" }).trim() !== "";
const total = sizeOf(carry);
const parts = [
  ["node.xz", sizeOf(join(carry, "node.xz"))],
  ["lib/", sizeOf(join(carry, "lib"))],
  ["root/dist/", sizeOf(join(root, "dist"))],
  ["root/build/Release/", sizeOf(join(root, "build"))],
  ["root/node_modules/", sizeOf(join(root, "node_modules"))],
  ["root/ (working tree files)", 0],
];
parts[parts.length - 1][1] = total - parts.slice(0, -1).reduce((s, [, b]) => s + b, 0);
const manifest = [
  `hpo GPU carry, packed ${new Date().toISOString()} from ${head}${dirty ? " (with uncommitted changes)" : ""}`,
  `node ${process.version} (${process.platform} ${process.arch}), compressed with xz -9`,
  `packages: ${packages.join(" ")}`,
  ...parts.map(([name, bytes]) => `${name.padEnd(28)} ${mib(bytes)}`),
  `${"total".padEnd(28)} ${mib(total)} (limit ${mib(LIMIT_BYTES)})`,
  "",
].join("\n");
writeFileSync(join(carry, "MANIFEST.txt"), manifest);
process.stdout.write(manifest);
if (total > LIMIT_BYTES) {
  console.error(`gpu-pack: .carry is ${mib(total)}, over the ${mib(LIMIT_BYTES)} a carry may hold`);
  process.exit(1);
}
console.log("gpu-pack: done. On the GPU machine, from the repository root: bash scripts/gpu-check.sh");
