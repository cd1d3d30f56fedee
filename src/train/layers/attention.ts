/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) as a tfjs layer with trainable
 * weights; tfjs-layers has none. Inputs: `x` (self-attention) or `[query, memory]`; with `keyMask`,
 * the token ids of the keys come last, `[x, ids]` or `[query, memory, ids]`, and keys whose id is 0
 * (padding) are masked out. (A layer must not take one tensor twice: tfjs-layers would free it early.)
 * Shapes: query [batch, Tq, dq], memory [batch, Tk, dk] → output [batch, Tq, dq].
 */
import * as tf from "@tensorflow/tfjs";

export interface MultiHeadAttentionArgs {
  numHeads: number;
  /** Size of each head's queries/keys/values (default dq / numHeads). */
  keyDim?: number;
  /** Each position attends only to itself and earlier ones (decoder self-attention). */
  causal?: boolean;
  /** The last input holds the keys' token ids; id 0 (padding) is masked out. */
  keyMask?: boolean;
  /** Dropout on the attention weights while training. */
  dropout?: number;
  seed?: number;
  name?: string;
}

type Kwargs = { training?: boolean };

export class MultiHeadAttention extends tf.layers.Layer {
  static className = "HpoMultiHeadAttention";
  readonly numHeads: number;
  keyDim: number;
  readonly causal: boolean;
  readonly keyMask: boolean;
  readonly dropoutRate: number;
  readonly seed?: number;
  private wq!: tf.LayerVariable;
  private bq!: tf.LayerVariable;
  private wk!: tf.LayerVariable;
  private bk!: tf.LayerVariable;
  private wv!: tf.LayerVariable;
  private bv!: tf.LayerVariable;
  private wo!: tf.LayerVariable;
  private bo!: tf.LayerVariable;

  constructor(args: MultiHeadAttentionArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.numHeads) || args.numHeads < 1)
      throw new Error(`attention heads must be a positive integer, got ${args.numHeads}`);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim ?? 0;
    this.causal = args.causal ?? false;
    this.keyMask = args.keyMask ?? false;
    this.dropoutRate = args.dropout ?? 0;
    this.seed = args.seed;
  }

  /** Splits the inputs into query, memory and (with keyMask) token ids. */
  private split<T>(list: T[]): { q: T; m: T; ids?: T } {
    const ids = this.keyMask ? list[list.length - 1] : undefined;
    const rest = this.keyMask ? list.slice(0, -1) : list;
    return { q: rest[0], m: rest[1] ?? rest[0], ids };
  }

  private shapes(inputShape: tf.Shape | tf.Shape[]): { q: tf.Shape; m: tf.Shape } {
    if (Array.isArray(inputShape[0])) return this.split(inputShape as tf.Shape[]);
    return { q: inputShape as tf.Shape, m: inputShape as tf.Shape };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const { q, m } = this.shapes(inputShape);
    const dq = q[q.length - 1] as number;
    const dm = m[m.length - 1] as number;
    if (this.keyDim === 0) {
      if (dq % this.numHeads !== 0)
        throw new Error(`attention: model width ${dq} is not divisible by ${this.numHeads} heads`);
      this.keyDim = dq / this.numHeads;
    }
    const inner = this.numHeads * this.keyDim;
    let s = this.seed ?? 0;
    const glorot = () => tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : s++ });
    const zeros = tf.initializers.zeros();
    this.wq = this.addWeight("wq", [dq, inner], "float32", glorot());
    this.bq = this.addWeight("bq", [inner], "float32", zeros);
    this.wk = this.addWeight("wk", [dm, inner], "float32", glorot());
    this.bk = this.addWeight("bk", [inner], "float32", zeros);
    this.wv = this.addWeight("wv", [dm, inner], "float32", glorot());
    this.bv = this.addWeight("bv", [inner], "float32", zeros);
    this.wo = this.addWeight("wo", [inner, dq], "float32", glorot());
    this.bo = this.addWeight("bo", [dq], "float32", zeros);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return this.shapes(inputShape).q;
  }

  /** [batch, T, d] @ w + b → [batch, heads, T, keyDim]. */
  private project(x: tf.Tensor, w: tf.LayerVariable, b: tf.LayerVariable): tf.Tensor4D {
    const [, t, d] = x.shape as number[];
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, d]), w.read() as tf.Tensor2D), b.read());
    return tf.transpose(tf.reshape(y, [-1, t, this.numHeads, this.keyDim]), [0, 2, 1, 3]) as tf.Tensor4D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { q: query, m: memory, ids } = this.split(Array.isArray(inputs) ? inputs : [inputs]);
      const [, tq, dq] = query.shape as number[];
      const tk = memory.shape[1] as number;
      const q = this.project(query, this.wq, this.bq);
      const k = this.project(memory, this.wk, this.bk);
      const v = this.project(memory, this.wv, this.bv);
      let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(this.keyDim)); // [b, h, tq, tk]
      if (this.causal) {
        const future = tf.sub(1, tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0));
        scores = tf.add(scores, tf.mul(future, -1e9));
      }
      if (ids) {
        const pad = tf.reshape(tf.cast(tf.equal(ids, 0), "float32"), [-1, 1, 1, tk]);
        scores = tf.add(scores, tf.mul(pad, -1e9));
      }
      let weights = tf.softmax(scores, -1);
      if (kwargs?.training && this.dropoutRate > 0)
        weights = tf.dropout(weights, this.dropoutRate, undefined, this.seed);
      const heads = tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]); // [b, tq, h, keyDim]
      const merged = tf.reshape(heads, [-1, this.numHeads * this.keyDim]);
      const out = tf.add(tf.matMul(merged, this.wo.read() as tf.Tensor2D), this.bo.read());
      return tf.reshape(out, [-1, tq, dq]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      causal: this.causal,
      keyMask: this.keyMask,
      dropout: this.dropoutRate,
    };
  }
}
tf.serialization.registerClass(MultiHeadAttention);
