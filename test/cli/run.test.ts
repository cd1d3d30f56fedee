import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../helpers/runtime-deps.js";
import { hpo, tempDir as dir, writePlan } from "../helpers/runtime-cli.js";

test("run prints a line per trial and the best trials; status, best and trials read the study back", () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 5 },
  });
  const r = hpo("run", spec);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.match(/^trial \d+ complete value=/gm)?.length, 5);
  assert.match(r.stdout, /test_study: the trial budget is spent; 5 trials: 5 complete/);
  assert.match(r.stdout, /best trials:/);
  assert.match(r.stdout, /best parameters \(trial \d+\):\n\{\n {2}"x1": /);

  const status = hpo("status", spec);
  assert.is(status.status, 0, status.stderr);
  assert.match(status.stdout, /trials {3}5 of 5: 5 complete, 0 pruned, 0 failed, 0 running/);
  assert.match(status.stdout, new RegExp(`study {4}test_study \\(sqlite:${db.replace(/[.]/g, "\\.")}\\)`));

  const best = JSON.parse(hpo("best", spec, "--json").stdout);
  const exported = JSON.parse(hpo("trials", spec, "--format", "json").stdout) as {
    study: string;
    trials: { values: { value: number } }[];
  };
  const all = exported.trials;
  assert.is(exported.study, "test_study");
  assert.is(all.length, 5);
  assert.is(best.values.value, Math.min(...all.map((t) => t.values.value)));
  assert.equal(Object.keys(best.params), ["x1", "x2"]);

  const csv = hpo("trials", spec, "--format", "csv").stdout.trim().split("\n");
  assert.is(csv[0], "number,state,value_value,param_x1,param_x2,started,finished,duration_s,error");
  assert.is(csv.length, 6);
  assert.match(hpo("trials", spec).stdout, /│ trial │ state {4}│ value/);
});

test("--json prints one JSON event per line", () => {
  const { spec } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 2 },
  });
  const r = hpo("run", spec, "--json", "--storage", "memory:");
  assert.is(r.status, 0, r.stderr);
  const events = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l).event);
  assert.equal(events, ["open", "trial_start", "trial_end", "trial_start", "trial_end", "end"]);
});

test("--backend reaches the trial workers (as HPO_TF_BACKEND) and only takes known backends", () => {
  const module = join(dir, "backend-objective.mjs");
  writeFileSync(module, 'export default () => (process.env.HPO_TF_BACKEND === "cpu" ? 1 : 0);\n');
  const { spec } = writePlan({ trial: { kind: "evaluate", module }, budget: { trials: 1 } });
  const r = hpo("run", spec, "--backend", "cpu", "--json", "--storage", "memory:");
  assert.is(r.status, 0, r.stderr);
  const end = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .find((e) => e.event === "trial_end");
  assert.equal(end.values, { value: 1 });
  const bad = hpo("run", spec, "--backend", "gpu");
  assert.is.not(bad.status, 0);
  assert.match(bad.stderr, /Allowed choices are auto, tensorflow-gpu, tensorflow, native, cpu, wasm/);
});

test("a changed plan is refused with the diff; --new-study starts afresh", () => {
  const { spec, plan } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 1 },
  });
  assert.is(hpo("run", spec, "--quiet").status, 0);
  writeFileSync(spec, JSON.stringify({ ...plan, seed: 5 }));
  const r = hpo("run", spec);
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    /^hpo: error: study `test_study` already exists in sqlite:.* with a different plan:\n {4}seed: 1 → 5\n/,
  );
  assert.match(r.stderr, /= help: run with --new-study/);
  assert.is(hpo("run", spec, "--new-study", "--quiet").status, 0);
});

test("bad storage paths, corrupt databases and bad specs are clear errors without a stack trace", () => {
  const { spec } = writePlan({ trial: { kind: "evaluate", module: fixture("quadratic.mjs") } });
  const blocker = join(dir, "not-a-dir");
  writeFileSync(blocker, "x");
  const corrupt = join(dir, "corrupt.db");
  writeFileSync(corrupt, "garbage ".repeat(1000));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '{"version": 1}');
  // Storage failures exit 74 (docs/running.md, "Exit codes"); the rest of these are user errors, 1.
  const cases: [string[], RegExp, number?][] = [
    [["run", spec, "--storage", `sqlite:${blocker}/x.db`], /^hpo: error: cannot open the study database/, 74],
    [
      ["run", spec, "--storage", `sqlite:${corrupt}`],
      /^hpo: error: cannot open the study database .*file is not a database/,
      74,
    ],
    [["run", spec, "--storage", "ftp://x"], /^hpo: error: unknown storage `ftp:\/\/x`/],
    [["run", bad], /^hpo: error: .*bad\.json` is not an hpo Plan: `study` must be a non-empty string/],
    // A missing command-line spec has its own message since issue 21 (was "cannot read").
    [["run", join(dir, "missing.json")], /^hpo: error: no such file `.*missing\.json`/],
    [["status", spec, "--storage", "memory:"], /^hpo: error: no study `test_study` in memory:/],
    [["worker", spec, "--storage", "memory:"], /^hpo: error: no study `test_study` in memory:/],
  ];
  for (const [args, pattern, code = 1] of cases) {
    const r = hpo(...args);
    assert.is(r.status, code, args.join(" "));
    assert.match(r.stderr, pattern);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test.run();
