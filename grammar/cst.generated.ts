// Generated from grammar/parser.ts by `npm run grammar:types` (grammar/cst-dts.ts): do not edit.
// The CST node types of the .hpo parser, one `<rule>CstNode` and `<rule>CstChildren` per rule.
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  declaration?: DeclarationCstNode[];
};

export interface DeclarationCstNode extends CstNode {
  name: "declaration";
  children: DeclarationCstChildren;
}

export type DeclarationCstChildren = {
  studyDecl?: StudyDeclCstNode[];
  seedDecl?: SeedDeclCstNode[];
  dataDecl?: DataDeclCstNode[];
  spaceDecl?: SpaceDeclCstNode[];
  modelDecl?: ModelDeclCstNode[];
  trainDecl?: TrainDeclCstNode[];
  evaluateDecl?: EvaluateDeclCstNode[];
  objectiveDecl?: ObjectiveDeclCstNode[];
  objectivesDecl?: ObjectivesDeclCstNode[];
  strategyDecl?: StrategyDeclCstNode[];
  prunerDecl?: PrunerDeclCstNode[];
  validationDecl?: ValidationDeclCstNode[];
  budgetDecl?: BudgetDeclCstNode[];
  storageDecl?: StorageDeclCstNode[];
  unknownDecl?: UnknownDeclCstNode[];
};

export interface StudyDeclCstNode extends CstNode {
  name: "studyDecl";
  children: StudyDeclCstChildren;
}

export type StudyDeclCstChildren = {
  Study: IToken[];
  Identifier?: IToken[];
  StringLiteral?: IToken[];
};

export interface SeedDeclCstNode extends CstNode {
  name: "seedDecl";
  children: SeedDeclCstChildren;
}

export type SeedDeclCstChildren = {
  Seed: IToken[];
  expression: ExpressionCstNode[];
};

export interface DataDeclCstNode extends CstNode {
  name: "dataDecl";
  children: DataDeclCstChildren;
}

export type DataDeclCstChildren = {
  Data: IToken[];
  call: CallCstNode[];
};

export interface SpaceDeclCstNode extends CstNode {
  name: "spaceDecl";
  children: SpaceDeclCstChildren;
}

export type SpaceDeclCstChildren = {
  Space: IToken[];
  LCurly: IToken[];
  spaceItem?: SpaceItemCstNode[];
  RCurly: IToken[];
};

export interface SpaceItemCstNode extends CstNode {
  name: "spaceItem";
  children: SpaceItemCstChildren;
}

export type SpaceItemCstChildren = {
  constraintItem?: ConstraintItemCstNode[];
  paramItem?: ParamItemCstNode[];
};

export interface ParamItemCstNode extends CstNode {
  name: "paramItem";
  children: ParamItemCstChildren;
}

export type ParamItemCstChildren = {
  name: NameCstNode[];
  LBracket?: IToken[];
  count?: ExpressionCstNode[];
  RBracket?: IToken[];
  Equals: IToken[];
  value: ExpressionCstNode[];
  When?: IToken[];
  condition?: ExpressionCstNode[];
};

export interface ConstraintItemCstNode extends CstNode {
  name: "constraintItem";
  children: ConstraintItemCstChildren;
}

export type ConstraintItemCstChildren = {
  Constraint: IToken[];
  expression: ExpressionCstNode[];
};

export interface ModelDeclCstNode extends CstNode {
  name: "modelDecl";
  children: ModelDeclCstChildren;
}

export type ModelDeclCstChildren = {
  Model: IToken[];
  call?: CallCstNode[];
  layerBlock?: LayerBlockCstNode[];
};

export interface LayerBlockCstNode extends CstNode {
  name: "layerBlock";
  children: LayerBlockCstChildren;
}

export type LayerBlockCstChildren = {
  LCurly: IToken[];
  layerItem?: LayerItemCstNode[];
  RCurly: IToken[];
};

export interface LayerItemCstNode extends CstNode {
  name: "layerItem";
  children: LayerItemCstChildren;
}

export type LayerItemCstChildren = {
  repeatItem?: RepeatItemCstNode[];
  layerCall?: LayerCallCstNode[];
};

export interface RepeatItemCstNode extends CstNode {
  name: "repeatItem";
  children: RepeatItemCstChildren;
}

export type RepeatItemCstChildren = {
  Repeat: IToken[];
  count: ExpressionCstNode[];
  layerBlock: LayerBlockCstNode[];
  When?: IToken[];
  condition?: ExpressionCstNode[];
};

export interface LayerCallCstNode extends CstNode {
  name: "layerCall";
  children: LayerCallCstChildren;
}

export type LayerCallCstChildren = {
  call: CallCstNode[];
  When?: IToken[];
  condition?: ExpressionCstNode[];
};

export interface TrainDeclCstNode extends CstNode {
  name: "trainDecl";
  children: TrainDeclCstChildren;
}

export type TrainDeclCstChildren = {
  Train: IToken[];
  settingsBlock: SettingsBlockCstNode[];
};

export interface SettingsBlockCstNode extends CstNode {
  name: "settingsBlock";
  children: SettingsBlockCstChildren;
}

export type SettingsBlockCstChildren = {
  LCurly: IToken[];
  setting?: SettingCstNode[];
  RCurly: IToken[];
};

export interface SettingCstNode extends CstNode {
  name: "setting";
  children: SettingCstChildren;
}

export type SettingCstChildren = {
  name: NameCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface EvaluateDeclCstNode extends CstNode {
  name: "evaluateDecl";
  children: EvaluateDeclCstChildren;
}

export type EvaluateDeclCstChildren = {
  Evaluate: IToken[];
  StringLiteral?: IToken[];
  call?: CallCstNode[];
  Identifier?: IToken[];
};

export interface ObjectiveDeclCstNode extends CstNode {
  name: "objectiveDecl";
  children: ObjectiveDeclCstChildren;
}

export type ObjectiveDeclCstChildren = {
  Objective: IToken[];
  goal: GoalCstNode[];
};

export interface ObjectivesDeclCstNode extends CstNode {
  name: "objectivesDecl";
  children: ObjectivesDeclCstChildren;
}

export type ObjectivesDeclCstChildren = {
  Objectives: IToken[];
  LCurly: IToken[];
  goal?: GoalCstNode[];
  RCurly: IToken[];
};

export interface GoalCstNode extends CstNode {
  name: "goal";
  children: GoalCstChildren;
}

export type GoalCstChildren = {
  Minimize?: IToken[];
  Maximize?: IToken[];
  expression: ExpressionCstNode[];
};

export interface StrategyDeclCstNode extends CstNode {
  name: "strategyDecl";
  children: StrategyDeclCstChildren;
}

export type StrategyDeclCstChildren = {
  Strategy: IToken[];
  call: CallCstNode[];
};

export interface PrunerDeclCstNode extends CstNode {
  name: "prunerDecl";
  children: PrunerDeclCstChildren;
}

export type PrunerDeclCstChildren = {
  Pruner: IToken[];
  call: CallCstNode[];
};

export interface ValidationDeclCstNode extends CstNode {
  name: "validationDecl";
  children: ValidationDeclCstChildren;
}

export type ValidationDeclCstChildren = {
  Validation: IToken[];
  call: CallCstNode[];
};

export interface BudgetDeclCstNode extends CstNode {
  name: "budgetDecl";
  children: BudgetDeclCstChildren;
}

export type BudgetDeclCstChildren = {
  Budget: IToken[];
  settingsBlock: SettingsBlockCstNode[];
};

export interface StorageDeclCstNode extends CstNode {
  name: "storageDecl";
  children: StorageDeclCstChildren;
}

export type StorageDeclCstChildren = {
  Storage: IToken[];
  StringLiteral: IToken[];
};

export interface UnknownDeclCstNode extends CstNode {
  name: "unknownDecl";
  children: UnknownDeclCstChildren;
}

export type UnknownDeclCstChildren = {
  Identifier: IToken[];
  settingsBlock?: SettingsBlockCstNode[];
  expression?: ExpressionCstNode[];
};

export interface NameCstNode extends CstNode {
  name: "name";
  children: NameCstChildren;
}

export type NameCstChildren = {
  Identifier?: IToken[];
  Keyword?: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  ifExpression?: IfExpressionCstNode[];
  binaryExpression?: BinaryExpressionCstNode[];
};

export interface IfExpressionCstNode extends CstNode {
  name: "ifExpression";
  children: IfExpressionCstChildren;
}

export type IfExpressionCstChildren = {
  If: IToken[];
  condition: ExpressionCstNode[];
  Then: IToken[];
  then: ExpressionCstNode[];
  Else: IToken[];
  else: ExpressionCstNode[];
};

export interface BinaryExpressionCstNode extends CstNode {
  name: "binaryExpression";
  children: BinaryExpressionCstChildren;
}

export type BinaryExpressionCstChildren = {
  operands: (OperandCstNode)[];
  operators?: IToken[];
};

export interface OperandCstNode extends CstNode {
  name: "operand";
  children: OperandCstChildren;
}

export type OperandCstChildren = {
  prefixes?: (IToken)[];
  primary: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  NumberLiteral?: IToken[];
  Duration?: IToken[];
  BadUnitNumber?: IToken[];
  StringLiteral?: IToken[];
  UnterminatedString?: IToken[];
  True?: IToken[];
  False?: IToken[];
  list?: ListCstNode[];
  parenthesized?: ParenthesizedCstNode[];
  call?: CallCstNode[];
  indexed?: IndexedCstNode[];
  Identifier?: IToken[];
};

export interface IndexedCstNode extends CstNode {
  name: "indexed";
  children: IndexedCstChildren;
}

export type IndexedCstChildren = {
  Identifier: IToken[];
  LBracket: IToken[];
  index: ExpressionCstNode[];
  RBracket: IToken[];
};

export interface ListCstNode extends CstNode {
  name: "list";
  children: ListCstChildren;
}

export type ListCstChildren = {
  LBracket: IToken[];
  elements?: (ExpressionCstNode)[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface ParenthesizedCstNode extends CstNode {
  name: "parenthesized";
  children: ParenthesizedCstChildren;
}

export type ParenthesizedCstChildren = {
  LParen: IToken[];
  expression: ExpressionCstNode[];
  RParen: IToken[];
};

export interface CallCstNode extends CstNode {
  name: "call";
  children: CallCstChildren;
}

export type CallCstChildren = {
  callee: IToken[];
  LParen: IToken[];
  argument?: (ArgumentCstNode)[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface ArgumentCstNode extends CstNode {
  name: "argument";
  children: ArgumentCstChildren;
}

export type ArgumentCstChildren = {
  namedArgument?: NamedArgumentCstNode[];
  positional?: ExpressionCstNode[];
};

export interface NamedArgumentCstNode extends CstNode {
  name: "namedArgument";
  children: NamedArgumentCstChildren;
}

export type NamedArgumentCstChildren = {
  name: NameCstNode[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};
