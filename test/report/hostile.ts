import type { StudyData } from "../../src/report/data.js";
import { smallStudy } from "./fixtures.js";

/** Names and texts that would inject markup or script if the report did not escape them. */
export const HOSTILE = {
  study: `</script><script>window.__pwned = "study"</script> "quoted" 'single' 🚀`,
  param: `"'><img src=x onerror="window.__pwned='param'">`,
  metric: "📉 loss <b>bold</b>",
  choice: "</script><script>window.__pwned='choice'</script>",
  error: "boom <script>window.__pwned='error'</script> & \"more\"",
  spec: `study "x" // </script><script>window.__pwned='spec'</script> <!-- 🧪`,
};

/** The small study with a hostile study name, parameter name, metric, categorical value, error and spec. */
export function hostileStudy(): StudyData {
  const data = smallStudy();
  data.name = HOSTILE.study;
  data.objectives[0].metric = HOSTILE.metric;
  data.specText = HOSTILE.spec;
  data.specFile = HOSTILE.param;
  const act = data.space!.find((p) => p.name === "act")!;
  if (act.kind === "categorical") act.choices = ["relu", HOSTILE.choice];
  act.name = HOSTILE.param;
  for (const t of data.trials) {
    t.params[HOSTILE.param] = t.params.act === "tanh" ? HOSTILE.choice : "relu";
    delete t.params.act;
  }
  data.trials[2].error = HOSTILE.error;
  return data;
}
