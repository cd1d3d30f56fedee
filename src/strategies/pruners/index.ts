import type { PrunerName } from "../../plan/catalog.js";
import type { PrunerSpec } from "../../plan/types.js";
import { HpoError } from "../../util/errors.js";
import type { Pruner } from "../types.js";
import { createMedianPruner } from "./median.js";

/** The pruners by name: one per entry of the catalogue's PRUNER_OPTIONS. */
export const PRUNERS: Record<PrunerName, (options: PrunerSpec["options"]) => Pruner> = {
  median: createMedianPruner,
};

/** The pruner a plan asks for, or undefined when it asks for none. */
export function createPruner(spec: PrunerSpec | undefined): Pruner | undefined {
  if (!spec) return undefined;
  const factory = Object.hasOwn(PRUNERS, spec.name) ? PRUNERS[spec.name as PrunerName] : undefined;
  if (!factory)
    throw new HpoError(`unknown pruner \`${spec.name}\``, {
      hint: `pruners: ${Object.keys(PRUNERS).join(", ")}`,
    });
  return factory(spec.options);
}
