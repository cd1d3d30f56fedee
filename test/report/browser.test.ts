// End to end: render reports, open them in headless Chromium (Debian's `chromium`), check that every
// plot drew SVG, nothing logged an error, nothing reached the network and no hostile text ran.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import type { StudyData } from "../../src/report/data.js";
import { renderReport } from "../../src/report/render.js";
import { skipWithReason } from "../helpers/skip.js";
import { smallStudy, twoObjectiveStudy } from "./fixtures.js";
import { HOSTILE, hostileStudy } from "./hostile.js";
import { loadStudyData } from "../../src/report/load.js";
import { storeSmallStudy } from "./stored.js";
import { runStudy } from "../../src/study/loop.js";
import { SqliteStorage } from "../../src/storage/index.js";
import { testDeps, thresholdPruner } from "../helpers/runtime-deps.js";
import { testPlan } from "../helpers/runtime-plans.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

if (!existsSync(CHROMIUM)) {
  skipWithReason(
    test,
    "reports render in headless Chromium",
    `${CHROMIUM} is absent (apt-get install chromium)`,
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), "hpo-report-e2e-"));
  let browser: Browser;

  test.before(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  test.after(async () => {
    await browser?.close();
  });

  /** Writes the report of `data` and opens it; resolves once the page script has finished. */
  async function open(name: string, data: StudyData): Promise<Opened> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderReport(data, { generatedAt: new Date(Date.UTC(2026, 0, 2)) }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
    return { page, errors, requests };
  }

  /** Every chart container with whether it drew and how many SVG shapes it has. */
  async function charts(page: Page) {
    return page.$$eval(".chart", (els) =>
      els.map((e) => ({
        id: e.id,
        rendered: e.getAttribute("data-rendered") === "true",
        shapes: e.querySelectorAll("svg path, svg rect, svg circle").length,
      })),
    );
  }

  test("a single-objective report draws every plot, offline, without console errors", async () => {
    const { page, errors, requests } = await open("small", smallStudy());
    const drawn = await charts(page);
    assert.equal(
      drawn.map((c) => c.id),
      [
        "chart-history-0",
        "chart-importance-0",
        "chart-parallel",
        "chart-slice-0",
        "chart-slice-1",
        "chart-slice-2",
        "chart-intermediate",
      ],
    );
    for (const c of drawn) {
      assert.ok(c.rendered, `${c.id} rendered`);
      assert.ok(c.shapes > 3, `${c.id} has SVG shapes (${c.shapes})`);
    }
    assert.equal(errors, []);
    assert.equal(requests, []);
    // Axis names come from the study: the parallel plot labels its axes with the parameter names.
    const labels = await page.$eval("#chart-parallel", (e) => e.textContent ?? "");
    for (const p of ["lr", "layers", "act", "loss"]) assert.ok(labels.includes(p), p);
    const shot = join(dir, "small.png");
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
    console.log(`  screenshot: ${shot}`);

    // The trial table sorts by a clicked column, numbers numerically.
    const firstColumn = () =>
      page.$$eval("#trials tbody tr", (rows) => rows.map((r) => r.children[0].textContent));
    await page.click("#trials th:nth-child(3)"); // loss, ascending; trials without a value last
    assert.equal(await firstColumn(), ["1", "4", "0", "2", "3", "5"]);
    await page.click("#trials th:nth-child(3)");
    assert.equal((await firstColumn()).slice(0, 3), ["0", "4", "1"]);
    await page.close();
  });

  test("a study kept in SQLite, loaded through the storage, renders every plot", async () => {
    const url = await storeSmallStudy(mkdtempSync(join(tmpdir(), "hpo-report-e2e-db-")));
    const { page, errors, requests } = await open("stored", await loadStudyData(url, "stored"));
    const drawn = await charts(page);
    assert.ok(drawn.length >= 6);
    for (const c of drawn) assert.ok(c.rendered && c.shapes > 3, c.id);
    assert.equal(errors, []);
    assert.equal(requests, []);
    const states = await page.$$eval("#trials tbody tr td:nth-child(2)", (tds) =>
      tds.map((td) => td.textContent),
    );
    assert.equal(states, ["complete", "pruned", "failed", "complete", "running"]);
    await page.screenshot({ path: join(dir, "stored.png"), fullPage: true });
    await page.close();
  });

  test("a study run by the study loop into SQLite reports every plot with its pruned and failed trials", async () => {
    const dbDir = mkdtempSync(join(tmpdir(), "hpo-report-e2e-loop-"));
    const url = `sqlite:${join(dbDir, "loop.db")}`;
    const storage = new SqliteStorage(join(dbDir, "loop.db"));
    await runStudy({
      plan: testPlan({ study: "loop", storage: url, budget: { trials: 16, parallel: 1 } }),
      storage,
      deps: testDeps({ createPruner: () => thresholdPruner(120) }),
      objective: async (p, ctx) => {
        const x1 = Number(p.x1);
        const x2 = Number(p.x2);
        if (x1 > 8) throw new Error(`diverged at x1 = ${x1.toFixed(2)} <b>`);
        const value = (x2 - 5.1 * (x1 / (2 * Math.PI)) ** 2 + (5 * x1) / Math.PI - 6) ** 2 + 10;
        let last = value;
        for (let step = 0; step < 5; step++) {
          last = value * (1 + 1 / (step + 1));
          await ctx.report(step, last);
          if (ctx.shouldPrune()) return last;
        }
        return value;
      },
    });
    await storage.close();
    const data = await loadStudyData(url, "loop");
    const states = new Set(data.trials.map((t) => t.state));
    assert.ok(states.has("complete") && states.has("pruned") && states.has("failed"), [...states].join());
    const { page, errors, requests } = await open("loop", data);
    for (const c of await charts(page)) assert.ok(c.rendered && c.shapes > 3, c.id);
    assert.ok((await charts(page)).some((c) => c.id === "chart-intermediate"));
    assert.equal(errors, []);
    assert.equal(requests, []);
    const table = await page.$eval("#trials", (e) => e.textContent ?? "");
    assert.match(table, /diverged at x1 = \d\.\d\d <b>/);
    await page.screenshot({ path: join(dir, "loop.png"), fullPage: true });
    await page.close();
  });

  test("a two-objective report draws its Pareto front", async () => {
    const { page, errors } = await open(
      "pareto",
      twoObjectiveStudy([
        [1, 1],
        [2, 2],
        [2, 3],
        [3, 4],
        [4, 4],
      ]),
    );
    const drawn = await charts(page);
    const pareto = drawn.find((c) => c.id === "chart-pareto");
    assert.ok(pareto?.rendered && pareto.shapes > 3);
    assert.ok(drawn.find((c) => c.id === "chart-history-1")?.rendered);
    assert.ok(drawn.find((c) => c.id === "chart-importance-1")?.rendered);
    assert.equal(errors, []);
    await page.screenshot({ path: join(dir, "pareto.png"), fullPage: true });
    await page.close();
  });

  test("absent conditional parameters, infinite values and an empty study draw without errors", async () => {
    const data = smallStudy();
    delete data.trials[0].params.act;
    delete data.trials[4].params.lr;
    data.trials[1].values = [Number.POSITIVE_INFINITY];
    const partial = await open("partial", data);
    for (const c of await charts(partial.page)) assert.ok(c.rendered && c.shapes > 3, c.id);
    assert.equal(partial.errors, []);
    await partial.page.close();
    const empty = await open("empty", { ...smallStudy(), trials: [] });
    assert.equal(await charts(empty.page), []);
    assert.equal(empty.errors, []);
    await empty.page.close();
  });

  test("absent conditional values sit on their own place below the parallel axes", async () => {
    const data = smallStudy();
    delete data.trials[0].params.act; // categorical: an "(absent)" category
    delete data.trials[4].params.lr; // numeric (log): an "(absent)" tick under the axis
    const { page, errors } = await open("absent", data);
    const labels = await page.$$eval("#chart-parallel svg text", (ts) => ts.map((t) => t.textContent));
    assert.is(labels.filter((l) => l === "(absent)").length, 2, labels.join("|"));
    assert.equal(errors, []);
    await page.close();
  });

  test("the history axis switches to a log scale, offered only when every value is positive", async () => {
    const data = smallStudy();
    data.trials[0].values = [500]; // an early outlier
    const { page, errors } = await open("log", data);
    const ticks = () => page.$$eval("#chart-history-0 svg text", (ts) => ts.map((t) => t.textContent ?? ""));
    assert.not.ok(await page.$eval("#history-log", (e) => (e as unknown as { disabled: boolean }).disabled));
    assert.not.ok((await ticks()).includes("0.1"));
    await page.check("#history-log");
    const logTicks = await ticks();
    // Decades of a log axis: 0.1, 1, 10, 100, 1000 (ECharts groups thousands: "1,000").
    for (const t of ["0.1", "1", "10", "100"]) assert.ok(logTicks.includes(t), logTicks.join("|"));
    assert.equal(errors, []);
    await page.close();

    data.trials[1].values = [-1];
    const negative = await open("nolog", data);
    assert.ok(
      await negative.page.$eval("#history-log", (e) => (e as unknown as { disabled: boolean }).disabled),
    );
    await negative.page.close();
  });

  test("hostile names show as text and run nothing", async () => {
    const { page, errors } = await open("hostile", hostileStudy());
    assert.is(await page.evaluate("window.__pwned"), undefined);
    assert.is(await page.$eval("#study-name", (e) => e.textContent), HOSTILE.study);
    assert.is(await page.title(), `hpo report: ${HOSTILE.study}`);
    assert.is(await page.$$eval("img", (els) => els.length), 0);
    assert.is(await page.$$eval("script", (els) => els.length), 3);
    assert.is(await page.$eval("#spec pre", (e) => e.textContent), HOSTILE.spec);
    const table = await page.$eval("#trials", (e) => e.textContent ?? "");
    assert.ok(
      table.includes(HOSTILE.param) && table.includes(HOSTILE.error) && table.includes(HOSTILE.choice),
    );
    for (const c of await charts(page)) assert.ok(c.rendered, c.id);
    assert.equal(errors, []);
    await page.close();
  });
}

test.run();
