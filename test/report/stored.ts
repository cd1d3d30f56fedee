import { join } from "node:path";
import type { Plan } from "../../src/plan/types.js";
import { SqliteStorage } from "../../src/storage/index.js";
import { smallStudy } from "./fixtures.js";

/** A Plan for the small study's space, stored in `storage`. */
export function storedPlan(storage: string): Plan {
  return {
    version: 1,
    study: "stored",
    seed: 5,
    source: { file: "/tmp/stored.hpo", sha256: "0".repeat(64) },
    space: smallStudy().space!,
    constraints: [],
    trial: { kind: "evaluate", module: "/tmp/objective.mjs" },
    objectives: [{ metric: "loss", direction: "minimize" }],
    strategy: { name: "random", options: {} },
    validation: { kind: "holdout", options: {} },
    budget: { trials: 4, parallel: 1 },
    storage,
  };
}

/**
 * Writes a small study into a SQLite file through the Storage interface, the way the study loop does:
 * a completed, a pruned (with intermediate values), a failed and a running trial.
 */
export async function storeSmallStudy(dir: string): Promise<string> {
  const url = `sqlite:${join(dir, "study.db")}`;
  const storage = new SqliteStorage(join(dir, "study.db"));
  const study = await storage.createStudy("stored", storedPlan(url));
  const worker = "test:1";
  const t0 = (await storage.createTrial(study.id, { params: { lr: 0.01, layers: 2, act: "relu" }, worker }))!;
  for (const step of [1, 2, 3]) await storage.reportIntermediate(t0.id, step, 1 / step);
  await storage.finishTrial(t0.id, { state: "complete", values: [0.3] });
  const t1 = (await storage.createTrial(study.id, { params: { lr: 0.05, layers: 1, act: "tanh" }, worker }))!;
  for (const step of [1, 2]) await storage.reportIntermediate(t1.id, step, 2 / step);
  await storage.finishTrial(t1.id, { state: "pruned", error: "pruned at step 2" });
  const t2 = (await storage.createTrial(study.id, {
    params: { lr: 0.001, layers: 4, act: "relu" },
    worker,
  }))!;
  await storage.finishTrial(t2.id, { state: "failed", error: "Error: <script>boom</script>" });
  const t3 = (await storage.createTrial(study.id, {
    params: { lr: 0.002, layers: 3, act: "tanh" },
    worker,
  }))!;
  await storage.finishTrial(t3.id, { state: "complete", values: [0.2] });
  await storage.createTrial(study.id, { params: { lr: 0.02, layers: 2, act: "relu" }, worker });
  await storage.close();
  return url;
}
