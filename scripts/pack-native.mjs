#!/usr/bin/env node
// `npm run pack:native`: the tarballs a release publishes, into .pack/ (or --out DIR):
//
//   hpo-<version>.tgz                         the package, with the platform packages as
//                                             optionalDependencies at the same version
//   hpo-native-<platform>-<version>.tgz       hpo_cpu.node, stripped    (@hpo/native-<platform>)
//   hpo-cuda-<platform>-<version>.tgz         hpo_cuda.node, static cudart (@hpo/cuda-<platform>)
//
// Each platform package is built on a machine of its platform (this one's: linux-x64-gnu, …); its
// package.json comes from the table in src/native/platform.ts, with `os`, `cpu`, `libc` and
// `engines` and no install script, so npm installs exactly the one that fits.
//
// The optionalDependencies are written into the packed package.json only, not the repository's:
// the platform packages are not on the registry while they are unpublished, and a dependency the
// registry does not have cannot be in package-lock.json, which `npm ci` needs in sync.
//
// Usage: node scripts/pack-native.mjs [--no-build] [--out DIR]
//   (default: build dist/ and the addon first; HPO_CUDA as for build:native, AUTO by default)
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const outArg = args.indexOf("--out");
const out = resolve(outArg >= 0 ? args[outArg + 1] : join(root, ".pack"));
const stage = join(out, "stage");

function fail(message) {
  console.error(`pack-native: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) fail(`\`${cmd} ${cmdArgs.join(" ")}\` failed (exit ${r.status})`);
}

if (!args.includes("--no-build")) {
  run("npm", ["run", "build:ts"]);
  run("npm", ["run", "build:native"]);
}
const platformJs = join(root, "dist", "src", "native", "platform.js");
if (!existsSync(platformJs)) fail("dist/ is not built; run `npm run build:ts` (or drop --no-build)");
const { PLATFORMS, currentPlatform, nativePackageName, platformKey } = await import(platformJs);

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const platform = currentPlatform();
if (!platform)
  fail(`no platform package is laid out for ${platformKey()} (see PLATFORMS in src/native/platform.ts)`);

rmSync(out, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// `npm pack` of a staged folder; returns the tarball's path.
function pack(dir) {
  const json = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
    cwd: dir,
    encoding: "utf8",
  });
  const [info] = JSON.parse(json);
  return {
    file: join(out, info.filename),
    size: info.size,
    unpacked: info.unpackedSize,
    entries: info.entryCount,
  };
}

// Drops symbols a loaded module does not need (a third to a half of its size).
function strip(file) {
  const flags = process.platform === "darwin" ? ["-x"] : ["--strip-unneeded"];
  const r = spawnSync("strip", [...flags, file], { stdio: "inherit" });
  if (r.error || r.status !== 0) console.warn(`pack-native: could not strip ${file}; packing it as built`);
}

const packed = [];
for (const module of ["hpo_cpu", "hpo_cuda"]) {
  const built = join(root, "build", "Release", `${module}.node`);
  if (!existsSync(built)) {
    if (module === "hpo_cpu") fail("build/Release/hpo_cpu.node is missing; run `npm run build:native`");
    console.warn(
      "pack-native: no hpo_cuda.node (built without nvcc or HPO_CUDA=OFF): no CUDA package this time",
    );
    continue;
  }
  if (module === "hpo_cuda" && !platform.cuda) continue;
  if (module === "hpo_cuda" && process.platform === "linux") {
    const needed = execFileSync("readelf", ["-d", built], { encoding: "utf8" });
    if (/libcudart/.test(needed))
      fail("hpo_cuda.node links libcudart dynamically; the package needs the static runtime");
  }
  const name = nativePackageName(module, platform.key);
  const dir = join(stage, name.replace("/", "+"));
  mkdirSync(dir, { recursive: true });
  copyFileSync(built, join(dir, `${module}.node`));
  strip(join(dir, `${module}.node`));
  const what =
    module === "hpo_cpu" ? "native addon" : "CUDA module (static CUDA runtime; needs an NVIDIA driver)";
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify(
      {
        name,
        version: pkg.version,
        description: `hpo's prebuilt ${what} for ${platform.key}`,
        license: pkg.license,
        os: [platform.os],
        cpu: [platform.cpu],
        ...(platform.libc ? { libc: [platform.libc] } : {}),
        engines: pkg.engines,
        files: [`${module}.node`],
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dir, "README.md"),
    `# ${name}\n\nThe prebuilt ${what} of [hpo](https://www.npmjs.com/package/hpo) for ${platform.key}. ` +
      "npm installs it as an optional dependency of hpo; it is not meant to be installed on its own.\n",
  );
  packed.push(pack(dir));
}

// hpo itself: the `files` of package.json, with the optionalDependencies added and only the
// install script kept (no build tools, no dev dependencies).
const hpoDir = join(stage, "hpo");
for (const entry of [...pkg.files, "package.json", "README.md", "CHANGELOG.md", "LICENSE"]) {
  if (existsSync(join(root, entry))) cpSync(join(root, entry), join(hpoDir, entry), { recursive: true });
}
const optional = {};
for (const p of PLATFORMS) {
  optional[nativePackageName("hpo_cpu", p.key)] = pkg.version;
  if (p.cuda) optional[nativePackageName("hpo_cuda", p.key)] = pkg.version;
}
const published = { ...pkg, scripts: { install: pkg.scripts.install }, optionalDependencies: optional };
for (const key of ["devDependencies", "allowScripts"]) delete published[key];
writeFileSync(join(hpoDir, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
packed.unshift(pack(hpoDir));
rmSync(stage, { recursive: true, force: true });

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
for (const p of packed)
  console.log(`${p.file}  ${mb(p.size)} packed, ${mb(p.unpacked)} unpacked, ${p.entries} files`);
writeFileSync(
  join(out, "tarballs.json"),
  `${JSON.stringify(
    packed.map((p) => p.file),
    null,
    2,
  )}\n`,
);
if (!statSync(packed[0].file).isFile()) fail("hpo's tarball is missing");
