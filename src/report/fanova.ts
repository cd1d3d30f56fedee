/**
 * Functional ANOVA of a regression tree (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for
 * Assessing Hyperparameter Importance", ICML 2014), the method behind Optuna's
 * FanovaImportanceEvaluator. A tree is piecewise constant over axis-aligned boxes, so the marginal of
 * any set of features, under the uniform measure on the domain, is exact and cheap: the variance of
 * that marginal over the domain, divided by the tree's total variance, is the fraction of the
 * variance the features explain on their own.
 */
import type { RegressionTree } from "./forest.js";

/** The range a feature is integrated over (uniform measure). */
export interface FeatureDomain {
  low: number;
  high: number;
}

/** Groups whose grid of cells would exceed this are left out of a tree's estimate (see below). */
const MAX_CELLS = 1 << 20;

interface Leaf {
  value: number;
  lo: Float64Array;
  hi: Float64Array;
}

/** Every leaf with its box (the domain cut by the splits on its path). */
function leafBoxes(tree: RegressionTree, domains: readonly FeatureDomain[]): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (id: number, lo: Float64Array, hi: Float64Array) => {
    const node = tree.nodes[id];
    if (node.feature < 0) {
      leaves.push({ value: node.value, lo, hi });
      return;
    }
    const f = node.feature;
    const cut = Math.min(Math.max(node.threshold, lo[f]), hi[f]);
    const leftHi = hi.slice();
    leftHi[f] = cut;
    const rightLo = lo.slice();
    rightLo[f] = cut;
    walk(node.left, lo, leftHi);
    walk(node.right, rightLo, hi);
  };
  const lo = new Float64Array(domains.length);
  const hi = new Float64Array(domains.length);
  domains.forEach((d, j) => {
    lo[j] = d.low;
    hi[j] = d.high;
  });
  walk(0, lo, hi);
  return leaves;
}

/** Index of `value` in the ascending array `sorted` (it is always present: leaf bounds are cut points). */
function indexOf(sorted: readonly number[], value: number): number {
  let a = 0;
  let b = sorted.length - 1;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (sorted[mid] < value) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * For one tree: the share of its variance each feature group explains on its own (the variance of the
 * group's marginal, over the total), or undefined when the tree is constant. The group's split points
 * cut its subspace into cells where the marginal is constant; each leaf adds its value, weighted by the
 * share of the other features' domain it covers, to the cells its box spans. A group whose grid would
 * exceed MAX_CELLS (a categorical with very many choices, all split in this tree) gets NaN: the caller
 * averages over the trees where it is finite. Every domain must have `high > low`.
 */
export function treeImportances(
  tree: RegressionTree,
  domains: readonly FeatureDomain[],
  groups: readonly (readonly number[])[],
): number[] | undefined {
  const nFeatures = domains.length;
  const leaves = leafBoxes(tree, domains);
  const nLeaves = leaves.length;
  // fractions[l * nFeatures + j]: share of feature j's domain that leaf l's box covers.
  const fractions = new Float64Array(nLeaves * nFeatures);
  const weights = new Float64Array(nLeaves);
  let mean = 0;
  for (let l = 0; l < nLeaves; l++) {
    let w = 1;
    for (let j = 0; j < nFeatures; j++) {
      const f = (leaves[l].hi[j] - leaves[l].lo[j]) / (domains[j].high - domains[j].low);
      fractions[l * nFeatures + j] = f;
      w *= f;
    }
    weights[l] = w;
    mean += w * leaves[l].value;
  }
  let total = 0;
  for (let l = 0; l < nLeaves; l++) total += weights[l] * (leaves[l].value - mean) ** 2;
  if (!(total > 1e-14 * Math.max(1, mean * mean))) return undefined;

  // Split points per feature, inside the domain, with the domain's ends.
  const cutSets = domains.map((d) => new Set<number>([d.low, d.high]));
  for (const node of tree.nodes)
    if (node.feature >= 0) {
      const d = domains[node.feature];
      if (node.threshold > d.low && node.threshold < d.high) cutSets[node.feature].add(node.threshold);
    }
  const cuts = cutSets.map((s) => [...s].sort((a, b) => a - b));

  return groups.map((group) => {
    const inGroup = new Uint8Array(nFeatures);
    for (const j of group) inGroup[j] = 1;
    const sizes = group.map((j) => cuts[j].length - 1);
    const nCells = sizes.reduce((a, b) => a * b, 1);
    if (nCells > MAX_CELLS) return Number.NaN;
    const strides = sizes.map((_, g) => sizes.slice(g + 1).reduce((a, b) => a * b, 1));
    // One dimension: paint with a difference array; several: visit each leaf's block of cells.
    const grid = new Float64Array(group.length === 1 ? nCells + 1 : nCells);
    const from = new Int32Array(group.length);
    const to = new Int32Array(group.length);
    for (let l = 0; l < nLeaves; l++) {
      let outside = leaves[l].value;
      for (let j = 0; j < nFeatures; j++) if (!inGroup[j]) outside *= fractions[l * nFeatures + j];
      if (outside === 0) continue;
      group.forEach((j, g) => {
        from[g] = indexOf(cuts[j], leaves[l].lo[j]);
        to[g] = indexOf(cuts[j], leaves[l].hi[j]);
      });
      if (group.length === 1) {
        grid[from[0]] += outside;
        grid[to[0]] -= outside;
        continue;
      }
      const add = (g: number, offset: number) => {
        if (g === group.length) {
          grid[offset] += outside;
          return;
        }
        for (let c = from[g]; c < to[g]; c++) add(g + 1, offset + c * strides[g]);
      };
      add(0, 0);
    }
    if (group.length === 1) for (let c = 1; c < nCells; c++) grid[c] += grid[c - 1];
    // Variance of the marginal over the group's subspace, each cell weighted by its volume share.
    let variance = 0;
    for (let cell = 0; cell < nCells; cell++) {
      let volume = 1;
      group.forEach((j, g) => {
        const c = Math.floor(cell / strides[g]) % sizes[g];
        volume *= (cuts[j][c + 1] - cuts[j][c]) / (domains[j].high - domains[j].low);
      });
      variance += volume * (grid[cell] - mean) ** 2;
    }
    return variance / total;
  });
}
