import {
  CALLBACKS,
  DISTRIBUTIONS,
  LAYERS,
  OPTIMIZERS,
  READERS,
  SCHEDULES,
  TEMPLATES,
  VALIDATIONS,
} from "./calls.js";
import { PRUNERS, STRATEGIES } from "./options.js";
import type { FunctionSpec } from "./spec.js";

/**
 * Every kind of named call the language has, with its table, in the order a name is looked up: the
 * checker names the kind when a call is in the wrong place (E032, "a layer call in train"), the
 * editor lists and documents built-ins by kind. (CALL_TABLES in calls.ts are the runtime's typed
 * view of some of the same tables.)
 */
export const FUNCTION_KINDS = {
  distribution: DISTRIBUTIONS,
  optimizer: OPTIMIZERS,
  schedule: SCHEDULES,
  layer: LAYERS,
  reader: READERS,
  template: TEMPLATES,
  strategy: STRATEGIES,
  callback: CALLBACKS,
  validation: VALIDATIONS,
  pruner: PRUNERS,
} as const satisfies Record<string, Record<string, FunctionSpec>>;
export type FunctionKind = keyof typeof FUNCTION_KINDS;
