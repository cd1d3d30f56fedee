/**
 * The syntax words of the language: declaration keywords and reserved words. What the language knows by
 * name (readers, layers, strategies and their options, …) is the plan's catalogue, src/plan/catalog.ts.
 */

export const DECLARATIONS = [
  "study",
  "seed",
  "data",
  "space",
  "model",
  "train",
  "evaluate",
  "objective",
  "objectives",
  "strategy",
  "pruner",
  "validation",
  "budget",
  "storage",
];

/** Reserved words (language.md); `layers` is deliberately absent: see docs/language.md. */
export const RESERVED = new Set([
  ...DECLARATIONS,
  "when",
  "constraint",
  "minimize",
  "maximize",
  "repeat",
  "if",
  "then",
  "else",
  "and",
  "or",
  "not",
  "in",
  "true",
  "false",
]);
