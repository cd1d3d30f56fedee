#!/usr/bin/env node
// The fault suite (npm run test:faults): runs each compiled dist/test/faults/*.fault.js in its own Node
// process, one at a time (they kill processes and load the machine), and prints one summary line of
// the figures they report: kills, trials, lost, duplicates, inputs, crashes.
// Usage: node scripts/run-faults.mjs [filter-substring…]
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dir = join(root, "dist", "test", "faults");
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.HPO_FAULTS_FILE_TIMEOUT_MS ?? 300_000);

if (!existsSync(dir)) {
  console.error("no compiled fault tests in dist/test/faults: run `npm run build:ts` first");
  process.exit(1);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".fault.js") && (filters.length === 0 || filters.some((s) => f.includes(s))))
  .sort();
const totals = { kills: 0, trials: 0, lost: 0, duplicates: 0, inputs: 0, crashes: 0 };
let failed = 0;
const started = Date.now();

for (const file of files) {
  const t0 = Date.now();
  const out = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "scripts", "run-test-file.mjs"), join(dir, file)], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", HPO_TEST: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    const timer = setTimeout(() => {
      text += `\n[timed out after ${FILE_TIMEOUT_MS} ms]\n`;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
  for (const line of out.text.split("\n")) {
    // uvu's progress dots may share the line.
    const m = /FAULTS (\{.*\})/.exec(line);
    if (!m) continue;
    const f = JSON.parse(m[1]);
    for (const k of Object.keys(totals)) totals[k] += f[k] ?? 0;
  }
  const ok = out.code === 0;
  if (!ok) failed++;
  // Skips (with their reason) and reported-not-failed findings are shown even when the file passed.
  const skips = out.text.split("\n").filter((l) => l.includes("skip:") || l.includes("report:"));
  console.log(`${ok ? "ok  " : "FAIL"} faults/${file} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  for (const s of skips) console.log(`     ${s.trim()}`);
  if (!ok) console.log(out.text.replace(/\x1b\[[0-9;]*m/g, ""));
}
console.log(
  `faults: ${files.length - failed} files passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
    Object.entries(totals)
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
);
process.exit(failed > 0 ? 1 : 0);
