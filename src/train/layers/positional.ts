/**
 * Positional encoding as a tfjs layer: adds a [maxLen, d] table to [batch, T, d] inputs (T ≤ maxLen).
 * The table starts as the sinusoids of Vaswani et al. 2017 (PE[p, 2i] = sin(p / 10000^(2i/d)),
 * PE[p, 2i+1] = cos(…)) and is a trainable weight unless `trainable` is false.
 */
import * as tf from "@tensorflow/tfjs";

export interface PositionalEncodingArgs {
  maxLen: number;
  trainable?: boolean;
  name?: string;
}

/** The sinusoid table, row-major [maxLen, d]. */
export function sinusoidTable(maxLen: number, d: number): Float32Array {
  const out = new Float32Array(maxLen * d);
  for (let p = 0; p < maxLen; p++)
    for (let j = 0; j < d; j++) {
      const angle = p / 10000 ** ((2 * Math.floor(j / 2)) / d);
      out[p * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return out;
}

export class PositionalEncoding extends tf.layers.Layer {
  static className = "HpoPositionalEncoding";
  readonly maxLen: number;
  private table!: tf.LayerVariable;

  constructor(args: PositionalEncodingArgs) {
    super({ name: args.name, trainable: args.trainable ?? true });
    this.maxLen = args.maxLen;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const d = shape[shape.length - 1] as number;
    const t = shape[1];
    if (t !== null && t !== undefined && t > this.maxLen)
      throw new Error(`positional encoding: sequence length ${t} exceeds max_len ${this.maxLen}`);
    this.table = this.addWeight(
      "table",
      [this.maxLen, d],
      "float32",
      tf.initializers.zeros(),
      undefined,
      this.trainable,
    );
    tf.tidy(() => {
      this.table.write(tf.tensor2d(sinusoidTable(this.maxLen, d), [this.maxLen, d]));
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const t = x.shape[1] as number;
      if (t > this.maxLen)
        throw new Error(`positional encoding: sequence length ${t} exceeds max_len ${this.maxLen}`);
      return tf.add(x, tf.slice(this.table.read(), [0, 0], [t, -1]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLen: this.maxLen };
  }
}
tf.serialization.registerClass(PositionalEncoding);
