/**
 * Search spaces: seeded random streams, conditions and constraints, prior sampling, and the
 * unit-cube encoding the model-based strategies work in.
 */
export { type Rng, rngFor } from "./rng.js";
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
