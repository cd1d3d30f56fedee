import type { CliDeps } from "../cli/study-cli.js";
import { HpoError } from "../util/errors.js";

// Placeholder until the strategies and lang branches are merged (see the runtime report): every
// study needs a strategy, so running one says plainly what this build lacks.
const missing = (what: string) => () => {
  throw new HpoError(`this build of hpo has no ${what}`);
};

/** The strategies, pruners, objectives and compiler the CLI runs studies with. */
export const defaultCliDeps: CliDeps = {
  study: {
    createStrategy: missing("strategies"),
    createPruner: () => undefined,
    objectiveSource: missing("built-in objectives"),
  },
};
