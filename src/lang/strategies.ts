/** Strategy families the checks and the compiler tell apart. */

/** Strategies that optimize a single goal. */
export const SINGLE_OBJECTIVE: readonly string[] = ["tpe", "bayes", "evolution", "sha", "asha", "hyperband"];

/** Strategies that stop trials by epochs, and so own `train.epochs`. */
export const EPOCH_STRATEGIES: readonly string[] = ["sha", "asha", "hyperband"];
