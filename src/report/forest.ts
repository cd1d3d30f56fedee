/**
 * A seeded random forest of regression trees (bootstrap samples, variance-reduction splits), the model
 * fANOVA decomposes. Same defaults as scikit-learn's RandomForestRegressor, which Optuna's fANOVA uses:
 * every feature is a split candidate, leaves down to one sample, bootstrap on.
 */

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

/** mulberry32: a small, well-mixed 32-bit generator; returns uniforms in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Split {
  feature: number;
  threshold: number;
  gain: number;
}

/** The split of `idx` with the largest reduction of squared error, or undefined when none separates. */
function bestSplit(X: readonly Float64Array[], y: ArrayLike<number>, idx: number[], minLeaf: number) {
  const n = idx.length;
  let total = 0;
  for (const i of idx) total += y[i];
  let best: Split | undefined;
  const nFeatures = X[idx[0]].length;
  for (let f = 0; f < nFeatures; f++) {
    const order = [...idx].sort((a, b) => X[a][f] - X[b][f] || a - b);
    let leftSum = 0;
    for (let k = 0; k < n - 1; k++) {
      leftSum += y[order[k]];
      const here = X[order[k]][f];
      const next = X[order[k + 1]][f];
      if (here === next) continue;
      const nl = k + 1;
      const nr = n - nl;
      if (nl < minLeaf || nr < minLeaf) continue;
      const rightSum = total - leftSum;
      // SSE reduction = nl*meanL² + nr*meanR² - n*mean²; the last term is the same for every split.
      const gain = (leftSum * leftSum) / nl + (rightSum * rightSum) / nr - (total * total) / n;
      if (!best || gain > best.gain + 1e-12) best = { feature: f, threshold: (here + next) / 2, gain };
    }
  }
  return best && best.gain > 1e-12 ? best : undefined;
}

/** Fits one tree on the samples `idx` (repeats allowed: a bootstrap sample). */
export function fitTree(
  X: readonly Float64Array[],
  y: ArrayLike<number>,
  idx: number[],
  options: Pick<ForestOptions, "maxDepth" | "minSamplesSplit" | "minSamplesLeaf">,
): RegressionTree {
  const nodes: TreeNode[] = [];
  const grow = (sample: number[], depth: number): number => {
    let sum = 0;
    for (const i of sample) sum += y[i];
    const id = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: sum / sample.length });
    if (depth >= options.maxDepth || sample.length < options.minSamplesSplit) return id;
    const split = bestSplit(X, y, sample, options.minSamplesLeaf);
    if (!split) return id;
    const left = sample.filter((i) => X[i][split.feature] <= split.threshold);
    const right = sample.filter((i) => X[i][split.feature] > split.threshold);
    const node = nodes[id];
    node.feature = split.feature;
    node.threshold = split.threshold;
    node.left = grow(left, depth + 1);
    node.right = grow(right, depth + 1);
    return id;
  };
  grow(idx, 0);
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
  const uniform = seededUniform(o.seed);
  const trees: RegressionTree[] = [];
  for (let t = 0; t < o.nTrees; t++) {
    const idx = Array.from({ length: X.length }, () => Math.floor(uniform() * X.length));
    trees.push(fitTree(X, y, idx, o));
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
