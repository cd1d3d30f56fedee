#!/usr/bin/env node
// Checks that native/ is formatted by .clang-format (`clang-format --dry-run --Werror` on every C++
// and CUDA source); with --fix, formats the files in place instead. The binary comes from the
// `clang-format` npm package when installed, else from PATH.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const fix = process.argv.includes("--fix");
const SOURCE = /\.(h|hpp|cpp|cc|cu|cuh)$/;

function sources(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

const local = join(root, "node_modules", ".bin", "clang-format");
const binary = existsSync(local) ? local : "clang-format";
const files = sources("native");
const args = fix ? ["-i", ...files] : ["--dry-run", "--Werror", ...files];
const result = spawnSync(binary, args, { cwd: root, stdio: "inherit" });
if (result.error) {
  console.error(`check-format: cannot run clang-format (${result.error.message}).`);
  console.error("  Install the clang-format npm package or put clang-format on PATH.");
  process.exit(2);
}
if (result.status !== 0) {
  console.error("check-format: native/ is not formatted; run `node scripts/check-format.mjs --fix`.");
  process.exit(result.status ?? 1);
}
console.log(`check-format: ${files.length} native files formatted`);
