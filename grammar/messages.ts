/**
 * The wording of parse errors, in the user's words ("expected `}`, found `model`"), never chevrotain's
 * internal token names. Each message has the shape `expected WHAT, found TOKEN`.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";

/** Rules whose alternatives are many: named as a whole rather than listed. */
const RULE_DESCRIPTIONS: Record<string, string> = {
  declaration:
    "a declaration (study, seed, data, space, model, train, evaluate, objective, strategy, budget, …)",
  expression: "an expression",
  ifExpression: "an expression",
  binaryExpression: "an expression",
  operand: "an expression",
  primary: "an expression",
  argument: "an argument",
  spaceItem: "a hyperparameter (`name = distribution(…)`) or `constraint`",
  layerItem: "a layer or `repeat`",
  name: "a name",
};

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  return `\`${token.image}\``;
}

function label(t: TokenType): string {
  if (t.LABEL) return t.LABEL;
  if (t.name === "Keyword") return "a name";
  if (t.name === "CompareOp") return "a comparison";
  if (t.name === "BinaryOperator") return "an operator";
  return t.name;
}

function oneOf(labels: string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

export const hpoErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected a declaration, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((p) => (p[0] ? label(p[0]) : "")));
    const what =
      RULE_DESCRIPTIONS[ruleName] && new Set(firsts).size > 3 ? RULE_DESCRIPTIONS[ruleName] : oneOf(firsts);
    return `expected ${what}, found ${describeToken(actual[0] as IToken)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = expectedIterationPaths.map((p) => (p[0] ? label(p[0]) : ""));
    const what = RULE_DESCRIPTIONS[ruleName] ?? oneOf(firsts);
    return `expected ${what}, found ${describeToken(actual[0] as IToken)}`;
  },
};
