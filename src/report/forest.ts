/**
 * A seeded random forest of regression trees (bootstrap samples, variance-reduction splits), the model
 * fANOVA decomposes. Same defaults as scikit-learn's RandomForestRegressor, which Optuna's fANOVA uses:
 * every feature is a split candidate, leaves down to one sample, bootstrap on.
 */
import { rngFor, STREAM } from "../plan/random.js";

/** A node of a fitted tree; a leaf has `feature === -1`. Samples with x[feature] <= threshold go left. */
export interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  /** Mean target of the training samples that reached the node. */
  value: number;
}

/** A fitted tree; `nodes[0]` is the root. */
export interface RegressionTree {
  nodes: TreeNode[];
}

export interface ForestOptions {
  nTrees: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  seed: number;
}

export const DEFAULT_FOREST: ForestOptions = {
  nTrees: 64,
  maxDepth: 64,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  seed: 0,
};

/** For each feature, the indices of all samples in ascending order of that feature. */
export function sortByFeature(X: readonly Float64Array[]): Int32Array[] {
  const nFeatures = X[0]?.length ?? 0;
  return Array.from({ length: nFeatures }, (_, f) => {
    const order = Int32Array.from({ length: X.length }, (_, i) => i);
    order.sort((a, b) => X[a][f] - X[b][f] || a - b);
    return order;
  });
}

/**
 * Fits one tree on the samples `idx` (repeats allowed: a bootstrap sample). Each feature's sample order
 * is sorted once per tree and split stably with its node, so finding a node's best split is one linear
 * scan per feature (the presorted scheme of classic CART implementations).
 */
export function fitTree(
  X: readonly Float64Array[],
  y: ArrayLike<number>,
  idx: number[],
  options: Pick<ForestOptions, "maxDepth" | "minSamplesSplit" | "minSamplesLeaf">,
  presorted?: readonly Int32Array[],
): RegressionTree {
  const n = idx.length;
  const nFeatures = X[idx[0]].length;
  const target = Float64Array.from(idx, (i) => y[i]);
  const columns = Array.from({ length: nFeatures }, (_, f) => Float64Array.from(idx, (i) => X[i][f]));
  // Positions of the sample ordered by each feature: from the forest's presorted order of the data set
  // (one sort per feature for the whole forest), expanding repeated samples.
  const sorted = presorted ?? sortByFeature(X);
  const positions: number[][] = Array.from({ length: X.length }, () => []);
  for (let p = 0; p < n; p++) positions[idx[p]].push(p);
  const rootOrder = sorted.map((byFeature) => {
    const order = new Int32Array(n);
    let k = 0;
    for (const i of byFeature) for (const p of positions[i]) order[k++] = p;
    return order;
  });
  const goesLeft = new Uint8Array(n);
  const nodes: TreeNode[] = [];

  const grow = (order: Int32Array[], depth: number): number => {
    const m = order[0].length;
    let total = 0;
    for (const p of order[0]) total += target[p];
    const id = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: total / m });
    if (depth >= options.maxDepth || m < options.minSamplesSplit) return id;

    // Best split: the largest reduction of squared error, nl*meanL² + nr*meanR² - m*mean².
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestThreshold = 0;
    const base = (total * total) / m;
    for (let f = 0; f < nFeatures; f++) {
      const col = columns[f];
      const o = order[f];
      let leftSum = 0;
      for (let k = 0; k < m - 1; k++) {
        leftSum += target[o[k]];
        const here = col[o[k]];
        const next = col[o[k + 1]];
        if (here === next) continue;
        const nl = k + 1;
        const nr = m - nl;
        if (nl < options.minSamplesLeaf || nr < options.minSamplesLeaf) continue;
        const rightSum = total - leftSum;
        const gain = (leftSum * leftSum) / nl + (rightSum * rightSum) / nr - base;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          bestFeature = f;
          bestThreshold = (here + next) / 2;
        }
      }
    }
    if (bestFeature < 0) return id;

    const col = columns[bestFeature];
    for (const p of order[0]) goesLeft[p] = col[p] <= bestThreshold ? 1 : 0;
    const left: Int32Array[] = [];
    const right: Int32Array[] = [];
    let nLeft = 0;
    for (const p of order[0]) nLeft += goesLeft[p];
    for (const o of order) {
      const l = new Int32Array(nLeft);
      const r = new Int32Array(m - nLeft);
      let a = 0;
      let b = 0;
      for (const p of o) {
        if (goesLeft[p]) l[a++] = p;
        else r[b++] = p;
      }
      left.push(l);
      right.push(r);
    }
    const node = nodes[id];
    node.feature = bestFeature;
    node.threshold = bestThreshold;
    node.left = grow(left, depth + 1);
    node.right = grow(right, depth + 1);
    return id;
  };
  grow(rootOrder, 0);
  return { nodes };
}

/** Fits `nTrees` trees, each on a bootstrap sample drawn from the seed. */
export function fitForest(
  X: readonly Float64Array[],
  y: ArrayLike<number>,
  options: Partial<ForestOptions> = {},
): RegressionTree[] {
  const o = { ...DEFAULT_FOREST, ...options };
  if (X.length === 0) throw new Error("fitForest needs at least one sample");
  const rng = rngFor(o.seed, STREAM.reportForest);
  const presorted = sortByFeature(X);
  const trees: RegressionTree[] = [];
  for (let t = 0; t < o.nTrees; t++) {
    const idx = Array.from({ length: X.length }, () => rng.int(X.length));
    trees.push(fitTree(X, y, idx, o, presorted));
  }
  return trees;
}

/** The tree's prediction at `x`. */
export function predictTree(tree: RegressionTree, x: ArrayLike<number>): number {
  let node = tree.nodes[0];
  while (node.feature >= 0) node = tree.nodes[x[node.feature] <= node.threshold ? node.left : node.right];
  return node.value;
}

/** The forest's prediction: the mean of its trees. */
export function predictForest(trees: readonly RegressionTree[], x: ArrayLike<number>): number {
  let s = 0;
  for (const t of trees) s += predictTree(t, x);
  return s / trees.length;
}
