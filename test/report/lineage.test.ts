import { test } from "uvu";
import * as assert from "uvu/assert";
import { populationLineage } from "../../src/report/lineage.js";
import { renderReport } from "../../src/report/render.js";
import { pbtStudy, smallStudy } from "./fixtures.js";

test("the lineage places each trial at its member and round, with what it copied and changed", () => {
  const lineage = populationLineage(pbtStudy())!;
  assert.is(lineage.rounds, 3);
  assert.is(lineage.members.length, 3);
  const cell = (m: number, r: number) => lineage.members[m]![r]!;
  assert.equal(
    lineage.members.map((rounds) => rounds.map((mr) => mr!.trial.number)),
    [
      [0, 3, 6],
      [1, 4, 9],
      [2, 5, 8],
    ],
    "the retried round (trial 9) stands for member 1's round 2",
  );
  assert.is(cell(0, 1).copied, undefined, "member 0 continued itself");
  assert.equal(cell(0, 1).changed, []);
  assert.equal(cell(2, 1).copied, { member: 0, trial: 0 });
  assert.equal(cell(2, 1).changed, [
    { name: "lr", from: 0.01, to: 0.012 },
    { name: "units", from: 16, to: 18 },
  ]);
  assert.equal(cell(1, 2).copied, { member: 2, trial: 5 });
  assert.is(cell(2, 2).copied, undefined, "member 2 continues its own round 1 (whose parent was member 0)");
  assert.equal(cell(0, 0).changed, [], "round 0 starts from scratch");
});

test("a study without pbt trials has no lineage", () => {
  assert.is(populationLineage(smallStudy()), undefined);
});

test("the report shows the lineage section for a pbt study only", () => {
  const html = renderReport(pbtStudy(), { generatedAt: new Date(Date.UTC(2026, 0, 2)) });
  const body = html.match(/<section id="lineage">([\s\S]*?)<\/section>/)?.[1];
  assert.ok(body, "a lineage section");
  assert.match(body!, /<th>round 2<\/th>/);
  assert.match(body!, /← member 0 \(trial 0\)/);
  assert.match(body!, /lr: 0\.01 → 0\.012/);
  assert.match(body!, /← member 2 \(trial 5\)/);
  assert.match(body!, /member 2: lr = 0\.05, units = 18/);
  assert.not.match(renderReport(smallStudy()), /<section id="lineage">/);
});

test("hostile parameter names and values in the lineage stay text", () => {
  const data = pbtStudy();
  for (const t of data.trials)
    t.params = { ...t.params, "<b>bold</b>": `<img src=x onerror=alert(${t.number})>` };
  const html = renderReport(data, { generatedAt: new Date(Date.UTC(2026, 0, 2)) });
  const body = html.match(/<section id="lineage">([\s\S]*?)<\/section>/)![1]!;
  assert.not.match(body, /<img|<b>bold/);
  assert.match(
    body,
    /&lt;b&gt;bold&lt;\/b&gt;: &lt;img src=x onerror=alert\(0\)&gt; → &lt;img src=x onerror=alert\(5\)&gt;/,
  );
});

test.run();
