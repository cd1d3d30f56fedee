/**
 * Token embedding as a tfjs layer: ids [batch, T] → vectors [batch, T, dim]. For vocabularies up to
 * ONE_HOT_MAX it computes oneHot(ids) · W instead of gather(W, ids): the same numbers, but its gradient
 * is a matrix product, which the wasm backend has, whereas gather's gradient (UnsortedSegmentSum) is
 * missing there. That keeps character- and small-word-level models on wasm, about 5× faster than cpu
 * for LSTMs on this machine (see bench/train.ts). Larger vocabularies use gather.
 */
import * as tf from "@tensorflow/tfjs";

export const ONE_HOT_MAX = 1024;

export interface TokenEmbeddingArgs {
  inputDim: number;
  outputDim: number;
  seed?: number;
  name?: string;
}

export class TokenEmbedding extends tf.layers.Layer {
  static className = "HpoTokenEmbedding";
  readonly inputDim: number;
  readonly outputDim: number;
  readonly seed?: number;
  private embeddings!: tf.LayerVariable;

  constructor(args: TokenEmbeddingArgs) {
    super({ name: args.name });
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.seed = args.seed;
  }

  override build(): void {
    this.embeddings = this.addWeight(
      "embeddings",
      [this.inputDim, this.outputDim],
      "float32",
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape), this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const ids = tf.cast(tf.reshape(x, [-1]), "int32");
      const w = this.embeddings.read() as tf.Tensor2D;
      const flat =
        this.inputDim <= ONE_HOT_MAX
          ? tf.matMul(tf.cast(tf.oneHot(ids, this.inputDim), "float32"), w)
          : tf.gather(w, ids);
      return tf.reshape(flat, [...x.shape, this.outputDim]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim };
  }
}
tf.serialization.registerClass(TokenEmbedding);
