/**
 * The .hpo parser: recognises the syntax and builds a concrete syntax tree, nothing more (meaning is
 * given in src/lang/). Error recovery is on, so one run reports several syntax errors and the
 * declarations after a mistake still reach the checker.
 */
import { CstParser, type CstNode } from "chevrotain";
import { hpoErrorMessages } from "./messages.js";
import * as T from "./tokens.js";

export class HpoParser extends CstParser {
  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "full",
      errorMessageProvider: hpoErrorMessages,
    });
    this.performSelfAnalysis();
  }

  /** A file: top-level declarations in any order (each at most once: a semantic check). */
  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.studyDecl) },
      { ALT: () => this.SUBRULE(this.seedDecl) },
      { ALT: () => this.SUBRULE(this.dataDecl) },
      { ALT: () => this.SUBRULE(this.spaceDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
      { ALT: () => this.SUBRULE(this.evaluateDecl) },
      { ALT: () => this.SUBRULE(this.objectiveDecl) },
      { ALT: () => this.SUBRULE(this.objectivesDecl) },
      { ALT: () => this.SUBRULE(this.strategyDecl) },
      { ALT: () => this.SUBRULE(this.prunerDecl) },
      { ALT: () => this.SUBRULE(this.validationDecl) },
      { ALT: () => this.SUBRULE(this.budgetDecl) },
      { ALT: () => this.SUBRULE(this.storageDecl) },
      { ALT: () => this.SUBRULE(this.unknownDecl) },
    ]);
  });

  studyDecl = this.RULE("studyDecl", () => {
    this.CONSUME(T.Study);
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.StringLiteral) }]);
  });

  seedDecl = this.RULE("seedDecl", () => {
    this.CONSUME(T.Seed);
    this.SUBRULE(this.expression);
  });

  dataDecl = this.RULE("dataDecl", () => {
    this.CONSUME(T.Data);
    this.SUBRULE(this.call);
  });

  spaceDecl = this.RULE("spaceDecl", () => {
    this.CONSUME(T.Space);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.spaceItem));
    this.CONSUME(T.RCurly);
  });

  spaceItem = this.RULE("spaceItem", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.constraintItem) }, { ALT: () => this.SUBRULE(this.paramItem) }]);
  });

  /** `name = distribution(…) [when COND]`; the name may be a keyword so the checker can say why not (E014). */
  paramItem = this.RULE("paramItem", () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: "value" });
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expression, { LABEL: "condition" });
    });
  });

  constraintItem = this.RULE("constraintItem", () => {
    this.CONSUME(T.Constraint);
    this.SUBRULE(this.expression);
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.OR([{ ALT: () => this.SUBRULE(this.call) }, { ALT: () => this.SUBRULE(this.layerBlock) }]);
  });

  layerBlock = this.RULE("layerBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.layerItem));
    this.CONSUME(T.RCurly);
  });

  layerItem = this.RULE("layerItem", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.repeatItem) }, { ALT: () => this.SUBRULE(this.layerCall) }]);
  });

  /** `repeat COUNT { layers } [when COND]`; `i` is the 0-based index inside. */
  repeatItem = this.RULE("repeatItem", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression, { LABEL: "count" });
    this.SUBRULE(this.layerBlock);
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expression, { LABEL: "condition" });
    });
  });

  layerCall = this.RULE("layerCall", () => {
    this.SUBRULE(this.call);
    this.OPTION(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression, { LABEL: "condition" });
    });
  });

  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.SUBRULE(this.settingsBlock);
  });

  settingsBlock = this.RULE("settingsBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.setting));
    this.CONSUME(T.RCurly);
  });

  setting = this.RULE("setting", () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  /** `evaluate "./module.mjs"` or `evaluate branin` / `evaluate rosenbrock(dim = 4)`. */
  evaluateDecl = this.RULE("evaluateDecl", () => {
    this.CONSUME(T.Evaluate);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  objectiveDecl = this.RULE("objectiveDecl", () => {
    this.CONSUME(T.Objective);
    this.SUBRULE(this.goal);
  });

  objectivesDecl = this.RULE("objectivesDecl", () => {
    this.CONSUME(T.Objectives);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.goal));
    this.CONSUME(T.RCurly);
  });

  goal = this.RULE("goal", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Minimize) }, { ALT: () => this.CONSUME(T.Maximize) }]);
    this.SUBRULE(this.name);
  });

  strategyDecl = this.RULE("strategyDecl", () => {
    this.CONSUME(T.Strategy);
    this.SUBRULE(this.call);
  });

  prunerDecl = this.RULE("prunerDecl", () => {
    this.CONSUME(T.Pruner);
    this.SUBRULE(this.call);
  });

  validationDecl = this.RULE("validationDecl", () => {
    this.CONSUME(T.Validation);
    this.SUBRULE(this.call);
  });

  budgetDecl = this.RULE("budgetDecl", () => {
    this.CONSUME(T.Budget);
    this.SUBRULE(this.settingsBlock);
  });

  storageDecl = this.RULE("storageDecl", () => {
    this.CONSUME(T.Storage);
    this.CONSUME(T.StringLiteral);
  });

  /** A word that is no declaration: parsed loosely so the checker can suggest the one meant (E013). */
  unknownDecl = this.RULE("unknownDecl", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.settingsBlock) },
        { ALT: () => this.SUBRULE(this.expression) },
      ]);
    });
  });

  /** A name where a keyword is syntactically harmless (settings, arguments, metrics, hyperparameters). */
  name = this.RULE("name", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]);
  });

  // Expressions, loosest binding first.
  expression = this.RULE("expression", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ifExpression) },
      { ALT: () => this.SUBRULE(this.binaryExpression) },
    ]);
  });

  ifExpression = this.RULE("ifExpression", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression, { LABEL: "then" });
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression, { LABEL: "else" });
  });

  /**
   * Infix expressions as a flat `operand (operator operand)*`: precedence and associativity are applied
   * when the AST is built (src/lang/build.ts), which keeps the tree shallow and parsing fast.
   */
  binaryExpression = this.RULE("binaryExpression", () => {
    this.SUBRULE(this.operand, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator, { LABEL: "operators" });
      this.SUBRULE2(this.operand, { LABEL: "operands" });
    });
  });

  /** A primary with its prefix operators (`not`, unary `-`). */
  operand = this.RULE("operand", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Not, { LABEL: "prefixes" }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: "prefixes" }) },
      ]);
    });
    this.SUBRULE(this.primary);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Duration) },
      { ALT: () => this.CONSUME(T.BadUnitNumber) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.UnterminatedString) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "elements" });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: "elements" });
      });
    });
    this.CONSUME(T.RBracket);
  });

  parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `name(arg, …)`: a distribution, reader, layer, optimizer, strategy or built-in function. */
  call = this.RULE("call", () => {
    this.CONSUME(T.Identifier, { LABEL: "callee" });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      });
    });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE("argument", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.namedArgument) },
      { ALT: () => this.SUBRULE(this.expression, { LABEL: "positional" }) },
    ]);
  });

  namedArgument = this.RULE("namedArgument", () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });
}

/** The one parser instance (construction runs chevrotain's grammar self-checks, so it is done once). */
export const hpoParser = new HpoParser();

export type { CstNode };
