/**
 * `hpo bench strategies`: the search quality of every single-objective strategy on the standard test
 * functions: bench/surrogate-quality.ts, whose --strategies default is all of them (random, qmc, tpe,
 * evolution, bayes) when it runs as this program. Same options and output.
 */
await import("./surrogate-quality.js");
