/**
 * Search spaces: conditions and constraints, prior sampling (from plan/random.ts streams), and the
 * unit-cube encoding the model-based strategies work in.
 */
export { isActive, satisfiesConstraints } from "./conditions.js";
export { MAX_CONSTRAINT_TRIES, sampleConfiguration, sampleValue } from "./sample.js";
export {
  decode,
  decodeValue,
  encode,
  encodeValue,
  gridSize,
  gridValue,
  interval,
  snap,
  stepOf,
} from "./encoding.js";
export { erf, erfc, logNormalCdf, logNormalMass, normalCdf, normalLogPdf, normalQuantile } from "./normal.js";
