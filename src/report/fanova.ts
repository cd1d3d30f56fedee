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
  walk(
    0,
    Float64Array.from(domains, (d) => d.low),
    Float64Array.from(domains, (d) => d.high),
  );
  return leaves;
}

/** Fractions of the domain's width each leaf covers, per feature. */
function widthFractions(leaf: Leaf, domains: readonly FeatureDomain[]): Float64Array {
  return Float64Array.from(domains, (d, j) => (leaf.hi[j] - leaf.lo[j]) / (d.high - d.low));
}

/**
 * For one tree: the share of its variance each feature group explains on its own (main effect of the
 * group), or undefined when the tree is constant (it explains nothing to share). Every domain must have
 * `high > low`.
 */
export function treeImportances(
  tree: RegressionTree,
  domains: readonly FeatureDomain[],
  groups: readonly (readonly number[])[],
): number[] | undefined {
  const leaves = leafBoxes(tree, domains);
  const fractions = leaves.map((l) => widthFractions(l, domains));
  const weights = fractions.map((f) => f.reduce((a, b) => a * b, 1));
  let mean = 0;
  for (let i = 0; i < leaves.length; i++) mean += weights[i] * leaves[i].value;
  let total = 0;
  for (let i = 0; i < leaves.length; i++) total += weights[i] * (leaves[i].value - mean) ** 2;
  if (!(total > 1e-14 * Math.max(1, mean * mean))) return undefined;

  // Split points per feature, inside the domain.
  const cuts = domains.map((d) => new Set<number>([d.low, d.high]));
  for (const n of tree.nodes)
    if (n.feature >= 0) {
      const d = domains[n.feature];
      if (n.threshold > d.low && n.threshold < d.high) cuts[n.feature].add(n.threshold);
    }
  const sortedCuts = cuts.map((s) => [...s].sort((a, b) => a - b));

  return groups.map((group) => {
    // Leaf weight outside the group: the marginal integrates those features out.
    const outside = fractions.map((f) => {
      let w = 1;
      for (let j = 0; j < f.length; j++) if (!group.includes(j)) w *= f[j];
      return w;
    });
    // Walk every cell of the grid the group's split points make; the marginal is constant in each.
    let variance = 0;
    const mids = new Float64Array(group.length);
    const visit = (k: number, size: number) => {
      if (k === group.length) {
        let value = 0;
        for (let l = 0; l < leaves.length; l++) {
          let inside = true;
          for (let g = 0; g < group.length && inside; g++) {
            const j = group[g];
            inside = mids[g] >= leaves[l].lo[j] && mids[g] < leaves[l].hi[j];
          }
          if (inside) value += outside[l] * leaves[l].value;
        }
        variance += size * (value - mean) ** 2;
        return;
      }
      const j = group[k];
      const c = sortedCuts[j];
      const width = domains[j].high - domains[j].low;
      for (let i = 0; i + 1 < c.length; i++) {
        mids[k] = (c[i] + c[i + 1]) / 2;
        visit(k + 1, (size * (c[i + 1] - c[i])) / width);
      }
    };
    visit(0, 1);
    return variance / total;
  });
}
