import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "csv-parse/sync";
import { exportTrials, trialsToCsv, trialsToJson } from "../../src/report/export.js";
import { smallStudy } from "./fixtures.js";

test("CSV has one header and one row per trial, with prefixed value and parameter columns", () => {
  const rows: string[][] = parse(trialsToCsv(smallStudy()));
  assert.equal(rows[0], [
    "number",
    "state",
    "value_loss",
    "param_lr",
    "param_layers",
    "param_act",
    "started",
    "finished",
    "duration_s",
    "error",
  ]);
  assert.is(rows.length, 7);
  assert.equal(rows[1].slice(0, 6), ["0", "complete", "0.5", "0.01", "2", "relu"]);
  assert.equal(rows[3][2], "");
  assert.is(rows[3][9], "NaN loss");
  assert.is(rows[1][8], "2.5");
  assert.is(rows[6][7], "");
});

test("CSV quotes commas, quotes and newlines in user text so it parses back unchanged", () => {
  const data = smallStudy();
  data.trials[2].error = 'bad "value", then\na newline';
  data.trials[0].params.act = "a,b";
  const rows: string[][] = parse(trialsToCsv(data));
  assert.is(rows[3][9], 'bad "value", then\na newline');
  assert.is(rows[1][5], "a,b");
});

test("JSON keeps values by metric, parameters by name, inactive ones as null", () => {
  const data = smallStudy();
  delete data.trials[1].params.act;
  const json = JSON.parse(trialsToJson(data));
  assert.is(json.study, "small");
  assert.equal(json.objectives, [{ metric: "loss", direction: "minimize" }]);
  assert.equal(json.trials[1].values, { loss: 0.3 });
  assert.equal(json.trials[1].params, { lr: 0.001, layers: 3, act: null });
  assert.is(json.trials[2].values.loss, null);
  assert.is(json.trials[0].started, "2026-01-01T00:00:00.000Z");
  assert.is(json.trials[0].intermediate.length, 3);
});

test("exportTrials dispatches on the format", () => {
  const data = smallStudy();
  assert.is(exportTrials(data, "csv"), trialsToCsv(data));
  assert.is(exportTrials(data, "json"), trialsToJson(data));
});

test.run();
