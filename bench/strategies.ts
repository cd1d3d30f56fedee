/**
 * `hpo bench strategies`: the search quality of every single-objective strategy on the standard test
 * functions: bench/surrogate-quality.ts with all of them (random, qmc, tpe, evolution, bayes) unless
 * --strategies says otherwise. Same options and output.
 */
if (!process.argv.includes("--strategies"))
  process.argv.push("--strategies", "random,qmc,tpe,evolution,bayes");
await import("./surrogate-quality.js");
