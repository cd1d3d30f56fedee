import { fileURLToPath } from "node:url";

/** Small copies of MNIST and Fashion-MNIST (300 images each; see the folder's README). */
export const fixtureDatasets = fileURLToPath(new URL("../../../test/fixtures/datasets", import.meta.url));

/**
 * Points HPO_DATA_DIR at the fixtures: mnist() and fashion_mnist() without `path` read them, never the
 * user's downloads or the network. Worker threads and child processes inherit it.
 */
export function useFixtureDatasets(): void {
  process.env.HPO_DATA_DIR = fixtureDatasets;
}
