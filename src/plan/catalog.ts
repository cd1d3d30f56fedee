/**
 * What the language knows by name, and the runtime implements by the same names: distributions, data
 * readers, model templates, layers, optimizers, schedules, callbacks, activations, losses, validation
 * schemes, strategy and pruner options, built-in test functions, metrics, and the settings of `train`
 * and `budget`. The checker validates against these tables, the compiler fills defaults from them,
 * and the runtime keys its implementations by them.
 */
export * from "./catalog/calls.js";
export * from "./catalog/docs.js";
export * from "./catalog/kinds.js";
export * from "./catalog/metrics.js";
export * from "./catalog/options.js";
export * from "./catalog/settings.js";
export {
  type ArgSpec,
  type ArgType,
  type FunctionSpec,
  functionSpecOf,
  type OptionOrder,
  type OptionSpec,
  type OptionsOf,
  type OptionTable,
  type OptionValue,
} from "./catalog/spec.js";
