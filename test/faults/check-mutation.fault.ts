import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
import { tempDir } from "../helpers/runtime-cli.js";
import { report } from "./summary.js";
import { exampleSources } from "../helpers/example-specs.js";

// Seeded mutations of the example specs through the checker: it must never throw, and always answer
// with diagnostics. HPO_FAULTS_MUTATIONS sets the count (default 10,000; 100,000 for a nightly run).
const COUNT = Number(process.env.HPO_FAULTS_MUTATIONS ?? 10_000);
const bases = exampleSources().map((s) => s.text);

const FRAGMENTS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  "=",
  ",",
  '"',
  "..",
  "-",
  "+",
  "*",
  "/",
  "%",
  "\n",
  " ",
  "#",
  "//",
  "0",
  "1e309",
  "-1e309",
  "NaN",
  "1e-400",
  "999999999999999999999",
  "0x1",
  "1_000",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "int(",
  "float(",
  "log",
  "choice(",
  "budget",
  "space",
  "strategy",
  "objective",
  "train",
  "trials =",
  "when",
  "if",
  "\u0000",
  "\uFEFF",
  "é",
  "😀",
  "((((((((((",
  "))))))))))",
  "\t",
  "\r\n",
  "tpe(candidates = 1e12)",
  "trials = 60 / 0",
];

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** One to four random edits: delete, duplicate or move a slice, insert a fragment, swap two lines. */
export function mutate(text: string, rand: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (t.length + 1));
    const len = Math.floor(rand() * 40);
    switch (Math.floor(rand() * 5)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + len);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at, at + len).repeat(2) + t.slice(at + len);
        break;
      case 2:
        t = t.slice(0, at) + FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)] + t.slice(at);
        break;
      case 3: {
        const to = Math.floor(rand() * (t.length + 1));
        const piece = t.slice(at, at + len);
        const rest = t.slice(0, at) + t.slice(at + len);
        t = rest.slice(0, to) + piece + rest.slice(to);
        break;
      }
      default: {
        const lines = t.split("\n");
        const i = Math.floor(rand() * lines.length);
        const j = Math.floor(rand() * lines.length);
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
        t = lines.join("\n");
      }
    }
  }
  return t;
}

test(`${COUNT} seeded spec mutations: the checker never throws and always answers with diagnostics`, () => {
  const rand = xorshift(Number(process.env.HPO_FAULTS_SEED ?? 22));
  let crashes = 0;
  let internal = 0;
  const internalCauses = new Map<string, number>();
  let firstCrash = "";
  for (let i = 0; i < COUNT; i++) {
    const input = mutate(bases[i % bases.length] as string, rand);
    try {
      const r = compileSource(input, "mutant.hpo", { fast: true });
      if (!Array.isArray(r.diagnostics) || (!r.plan && r.diagnostics.length === 0)) {
        crashes++;
        firstCrash ||= `no plan and no diagnostics for input ${i}`;
      }
      for (const d of r.diagnostics)
        if (d.code === "E000") {
          internal++;
          const cause = d.message.replace(/[`'"][^`'"]*[`'"]/g, "…").slice(0, 90);
          internalCauses.set(cause, (internalCauses.get(cause) ?? 0) + 1);
        }
    } catch (err) {
      crashes++;
      firstCrash ||= `input ${i}: ${err instanceof Error ? err.message : String(err)}`;
      writeFileSync(join(tempDir, `crash-${i}.hpo`), input);
    }
  }
  // E000 (an internal error reported as a diagnostic) is the front end's own bug class, fixed on the
  // front end's side: reported here with its causes, not failed, until those fixes land.
  if (internal > 0)
    console.log(
      `  report: ${internal} E000 diagnostics: ${[...internalCauses].map(([c, n]) => `${n}× ${c}`).join("; ")}`,
    );
  report({ inputs: COUNT, crashes });
  assert.is(crashes, 0, firstCrash);
});

test("hpo check itself answers mutated files with diagnostics and exit 1, never a stack", () => {
  const rand = xorshift(5);
  const cli = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
  for (let i = 0; i < 12; i++) {
    const file = join(tempDir, `m${i}.hpo`);
    writeFileSync(file, mutate(bases[i % bases.length] as string, rand));
    const r = spawnSync(process.execPath, [cli, "check", "--fast", file], { encoding: "utf8" });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.not.match(r.stderr, /\n\s+at .*\.js:\d+/, "no stack trace");
  }
});

test.run();
