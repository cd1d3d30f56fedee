/**
 * The .hpo parser: recognises the syntax and builds a concrete syntax tree, nothing more (meaning is
 * given in src/lang/). Error recovery is on, so one run reports several syntax errors and the
 * declarations after a mistake still reach the checker.
 */
import {
  CstParser,
  type CstNode,
  EOF,
  type IOrAlt,
  type IToken,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import { hpoErrorMessages } from "./messages.js";
import * as T from "./tokens.js";

/** How far error recovery looks ahead for a re-sync token (see findReSyncTokenType). */
export const RESYNC_WINDOW = 256;

export class HpoParser extends CstParser {
  /**
   * Each OR's alternatives, made once: chevrotain accepts a cached array, and building it on every call
   * (closures and objects per alternative, e.g. eleven per `primary`) was most of the parser's garbage.
   * The closures read only `this`, so one array per parser instance is the same grammar.
   */
  private readonly alts: Record<string, IOrAlt<unknown>[]> = {};

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      // Offsets only: line and column come from the tokens when a span is needed (src/lang/build.ts),
      // which spares the parser copying four more fields per node and token.
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: hpoErrorMessages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Error recovery's re-sync point, looked for within RESYNC_WINDOW tokens. Chevrotain's own version
   * scans to the end of the input at every error (the follow set of the top rule is only EOF), which made
   * broken files parse in quadratic time (1 MB of garbage: 74 s). Past the window it re-syncs on the
   * window's last token: every recovery then skips at most the window, so parsing stays linear; on a
   * real spec a follow token (`}`, a declaration keyword) is always much closer.
   * Overrides an undocumented method of chevrotain 11's Recoverable trait (test/grammar pins it).
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as { flattenFollowSet(): TokenType[]; LA(k: number): IToken };
    const follow = self.flattenFollowSet();
    let last: IToken = self.LA(1);
    for (let k = 1; k <= RESYNC_WINDOW; k++) {
      last = self.LA(k);
      if (last.tokenType === EOF) return EOF;
      for (const type of follow) if (tokenMatcher(last, type)) return type;
    }
    return last.tokenType;
  }

  /** A file: top-level declarations in any order (each at most once: a semantic check). */
  file = this.RULE("file", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE("declaration", () => {
    this.OR(
      (this.alts.declaration ??= [
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
      ]),
    );
  });

  studyDecl = this.RULE("studyDecl", () => {
    this.CONSUME(T.Study);
    this.OR(
      (this.alts.studyDecl ??= [
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.StringLiteral) },
      ]),
    );
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
    this.OR(
      (this.alts.spaceItem ??= [
        // `constraint [ …` could also start a family named `constraint` (E014 anyway): the constraint wins.
        { ALT: () => this.SUBRULE(this.constraintItem), IGNORE_AMBIGUITIES: true },
        { ALT: () => this.SUBRULE(this.paramItem) },
      ]),
    );
  });

  /**
   * `name = distribution(…) [when COND]`, or a family `name[COUNT] = distribution(…)` (members
   * `name[0]` … `name[k-1]`); the name may be a keyword so the checker can say why not (E014).
   */
  paramItem = this.RULE("paramItem", () => {
    this.SUBRULE(this.name);
    this.OPTION2(() => {
      this.CONSUME(T.LBracket);
      this.SUBRULE3(this.expression, { LABEL: "count" });
      this.CONSUME(T.RBracket);
    });
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
    this.OR(
      (this.alts.modelDecl ??= [
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.SUBRULE(this.layerBlock) },
      ]),
    );
  });

  layerBlock = this.RULE("layerBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.layerItem));
    this.CONSUME(T.RCurly);
  });

  layerItem = this.RULE("layerItem", () => {
    this.OR(
      (this.alts.layerItem ??= [
        { ALT: () => this.SUBRULE(this.repeatItem) },
        { ALT: () => this.SUBRULE(this.layerCall) },
      ]),
    );
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
    this.OR(
      (this.alts.evaluateDecl ??= [
        { ALT: () => this.CONSUME(T.StringLiteral) },
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ]),
    );
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

  /** `minimize METRIC` or `minimize EXPRESSION` over the metrics (`val_loss + 0.02 * log10(params)`). */
  goal = this.RULE("goal", () => {
    this.OR(
      (this.alts.goal ??= [{ ALT: () => this.CONSUME(T.Minimize) }, { ALT: () => this.CONSUME(T.Maximize) }]),
    );
    this.SUBRULE(this.expression);
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
      this.OR(
        (this.alts.unknownDecl ??= [
          { ALT: () => this.SUBRULE(this.settingsBlock) },
          { ALT: () => this.SUBRULE(this.expression) },
        ]),
      );
    });
  });

  /** A name where a keyword is syntactically harmless (settings, arguments, metrics, hyperparameters). */
  name = this.RULE("name", () => {
    this.OR(
      (this.alts.name ??= [
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.Keyword) },
      ]),
    );
  });

  // Expressions, loosest binding first.
  expression = this.RULE("expression", () => {
    this.OR(
      (this.alts.expression ??= [
        { ALT: () => this.SUBRULE(this.ifExpression) },
        { ALT: () => this.SUBRULE(this.binaryExpression) },
      ]),
    );
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
      this.OR(
        (this.alts.operand ??= [
          { ALT: () => this.CONSUME(T.Not, { LABEL: "prefixes" }) },
          { ALT: () => this.CONSUME(T.Minus, { LABEL: "prefixes" }) },
        ]),
      );
    });
    this.SUBRULE(this.primary);
  });

  primary = this.RULE("primary", () => {
    this.OR(
      (this.alts.primary ??= [
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
        { ALT: () => this.SUBRULE(this.indexed) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ]),
    );
  });

  /** `units[i]`: a member of a parameter family. */
  indexed = this.RULE("indexed", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression, { LABEL: "index" });
    this.CONSUME(T.RBracket);
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
    this.OR(
      (this.alts.argument ??= [
        { ALT: () => this.SUBRULE(this.namedArgument) },
        { ALT: () => this.SUBRULE(this.expression, { LABEL: "positional" }) },
      ]),
    );
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
