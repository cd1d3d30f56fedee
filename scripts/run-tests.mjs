#!/usr/bin/env node
// Runs every compiled uvu test file (dist/test/**/*.test.js) in its own Node process, two at a time,
// and ends with one summary line: "tests: N passed, N failed, N skipped".
// Usage: node scripts/run-tests.mjs [--gpu-only] [filter-substring…]
import { spawn } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { cpus } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const testRoot = join(root, "dist", "test");
const args = process.argv.slice(2);
const gpuOnly = args.includes("--gpu-only");
const filters = args.filter((a) => !a.startsWith("--"));
const FILE_TIMEOUT_MS = Number(process.env.HPO_TEST_FILE_TIMEOUT_MS ?? 600_000);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

if (!existsSync(testRoot)) {
  console.error("no compiled tests in dist/test: run `npm run build:ts` first");
  process.exit(1);
}
let files = walk(testRoot).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (gpuOnly) files = files.filter((f) => f.includes(".gpu.test.js"));

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "scripts", "run-test-file.mjs"), file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", HPO_TEST: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[timed out after ${FILE_TIMEOUT_MS} ms]\n`;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = strip(out);
      const num = (label) => Number((text.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
      const total = num("Total");
      const passed = num("Passed");
      const skipped = num("Skipped");
      const counted = Number.isFinite(total) && Number.isFinite(passed);
      const failed = counted ? total - passed + (code !== 0 && total === passed ? 1 : 0) : 1;
      resolve({
        file,
        code,
        text,
        passed: counted ? passed : 0,
        failed,
        skipped: Number.isFinite(skipped) ? skipped : 0,
      });
    });
  });
}

const started = Date.now();
const queue = [...files];
const results = [];
const workers = Math.max(1, Math.min(2, cpus().length));
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (queue.length) {
      const file = queue.shift();
      const r = await runFile(file);
      results.push(r);
      const name = relative(testRoot, file);
      const status = r.failed ? "FAIL" : "ok  ";
      process.stdout.write(
        `${status} ${name} (${r.passed} passed${r.skipped ? `, ${r.skipped} skipped` : ""})\n`,
      );
      for (const line of r.text.split("\n"))
        if (/^\s*skip: /.test(line)) process.stdout.write(`     ${line.trim()}\n`);
      if (r.failed) process.stdout.write(r.text.replace(/^/gm, "     | ") + "\n");
    }
  }),
);

const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${results.length} test files in ${seconds} s`);
console.log(`tests: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
process.exit(sum("failed") > 0 || results.length === 0 ? 1 : 0);
