import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { renderReport } from "../../src/report/render.js";
import { escapeHtml, inlineScript, jsonForScript } from "../../src/report/escape.js";
import { smallStudy, twoObjectiveStudy } from "./fixtures.js";
import { trialsToCsv, trialsToJson } from "../../src/report/export.js";
import { HOSTILE, hostileStudy } from "./hostile.js";

const fixedTime = { generatedAt: new Date(Date.UTC(2026, 0, 2)) };

/** The bodies of the page's <script> elements, in order. */
function scripts(html: string): { type: string | undefined; body: string }[] {
  return [...html.matchAll(/<script(?: type="([^"]+)")?(?: id="[^"]+")?>([\s\S]*?)<\/script>/g)].map((m) => ({
    type: m[1],
    body: m[2],
  }));
}

/** The page without the bodies of its script elements (the bundled library has markup in strings). */
const markup = (html: string) => html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, "$1</script>");

test("the page is one file: no external script, style, image or link, ECharts inlined", () => {
  const html = renderReport(smallStudy(), fixedTime);
  assert.not.match(html, /<script[^>]*\ssrc=/);
  assert.not.match(markup(html), /<link\b/);
  assert.not.match(markup(html), /<img\b/);
  assert.not.match(html, /https?:\/\/(?!www\.w3\.org)[^\s"']*\.(js|css)\b/);
  const bodies = scripts(html);
  assert.is(bodies.length, 3);
  assert.ok(bodies[1].body.length > 500_000, "ECharts is bundled");
  assert.match(bodies[1].body, /echarts/);
});

test("the Content-Security-Policy allows exactly the page's two scripts and no network", () => {
  const html = renderReport(smallStudy(), fixedTime);
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? "";
  assert.match(csp, /default-src 'none'/);
  const code = scripts(html).filter((s) => s.type === undefined);
  assert.is(code.length, 2);
  for (const s of code) {
    const hash = createHash("sha256").update(s.body, "utf8").digest("base64");
    assert.ok(csp.includes(`'sha256-${hash}'`), "script hash is in the policy");
  }
});

test("hostile names, values, errors and spec text never become markup", () => {
  const html = renderReport(hostileStudy(), fixedTime);
  // Only our three script elements exist; nothing user-written opened another or an element.
  assert.is((html.match(/<script/gi) ?? []).length, 3);
  assert.is((html.match(/<\/script/gi) ?? []).length, 3);
  assert.not.match(markup(html), /<img/);
  assert.not.match(markup(html), /<b>bold/);
  for (const text of Object.values(HOSTILE)) assert.not.ok(html.includes(text), `raw: ${text}`);
  assert.ok(html.includes(escapeHtml(HOSTILE.study)));
  assert.ok(html.includes(escapeHtml(HOSTILE.error)));
  assert.ok(html.includes(escapeHtml(HOSTILE.spec)));
  // The data block round-trips every string exactly.
  const json = scripts(html).find((s) => s.type === "application/json")!.body;
  const payload = JSON.parse(json);
  assert.is(payload.name, HOSTILE.study);
  assert.is(payload.objectives[0].metric, HOSTILE.metric);
  assert.ok(payload.params.some((p: { name: string }) => p.name === HOSTILE.param));
  assert.ok(
    payload.trials.some(
      (t: { params: Record<string, unknown> }) => t.params[HOSTILE.param] === HOSTILE.choice,
    ),
  );
});

test("escapers: HTML entities, \\u escapes in JSON, no early end of an inline script", () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const tricky = { s: "</script><!-- \u2028 & >" };
  const json = jsonForScript(tricky);
  assert.not.match(json, /[<>&\u2028]/);
  assert.equal(JSON.parse(json), tricky);
  assert.is(inlineScript('var s = "</script>"; var t = "<!--";'), 'var s = "<\\/script>"; var t = "<\\!--";');
});

test("a single-objective study has history, importance, parallel, slices, curves, table and spec", () => {
  const html = renderReport(smallStudy(), fixedTime);
  for (const id of [
    "chart-history-0",
    "chart-importance-0",
    "chart-parallel",
    "chart-intermediate",
    "trials",
  ])
    assert.ok(html.includes(`id="${id}"`), id);
  for (let i = 0; i < 3; i++) assert.ok(html.includes(`id="chart-slice-${i}"`));
  assert.not.ok(html.includes('id="chart-pareto"'));
  assert.match(html, /<b>best<\/b>: trial 1, 0\.3/);
  assert.match(html, /<td class="error" data-v="NaN loss">NaN loss<\/td>/);
  assert.match(html, /<pre>study &quot;small&quot;\n<\/pre>/);
});

test("several objectives add the Pareto front and one history per objective", () => {
  const html = renderReport(
    twoObjectiveStudy([
      [1, 1],
      [2, 3],
      [2, 2],
    ]),
    fixedTime,
  );
  assert.ok(html.includes('id="chart-pareto"'));
  assert.ok(html.includes('id="chart-history-1"'));
  assert.ok(html.includes('id="chart-importance-1"'), "an importance chart per objective");
  const payload = JSON.parse(scripts(html).find((s) => s.type === "application/json")!.body);
  assert.equal(payload.pareto, [0, 1]);
});

test("a study without completed trials explains what is missing instead of drawing empty plots", () => {
  const data = smallStudy();
  data.trials = data.trials.filter((t) => t.state !== "complete");
  for (const t of data.trials) t.intermediate = [];
  const html = renderReport(data, fixedTime);
  assert.match(html, /No trial has completed yet/);
  assert.match(html, /Not available: needs at least 2 completed trials/);
  assert.match(html, /No trial reported intermediate values/);
  assert.not.ok(html.includes('id="chart-history-0"'));
});

test("watch mode makes the page reload itself; a normal page does not", () => {
  assert.match(
    renderReport(smallStudy(), { ...fixedTime, refreshSeconds: 3 }),
    /http-equiv="refresh" content="3"/,
  );
  assert.not.match(renderReport(smallStudy(), fixedTime), /http-equiv="refresh"/);
});

test("the trials can be saved from the page as the same CSV and JSON that exports give", () => {
  const data = hostileStudy();
  const html = renderReport(data, fixedTime);
  const csv = html.match(/<a download="([^"]*)" href="data:text\/csv;charset=utf-8,([^"]*)"/);
  const json = html.match(/<a download="([^"]*)" href="data:application\/json;charset=utf-8,([^"]*)"/);
  assert.ok(csv && json);
  assert.is(decodeURIComponent(csv[2]), trialsToCsv(data));
  assert.is(decodeURIComponent(json[2]), trialsToJson(data));
  assert.not.match(csv[1], /[<>"'/ ]/);
});

test("rendering is deterministic for the same study, seed and time", () => {
  assert.is(renderReport(smallStudy(), fixedTime), renderReport(smallStudy(), fixedTime));
});

test.run();
