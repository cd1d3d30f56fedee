import type { Value } from "../../plan/types.js";
import { HpoError } from "../../util/errors.js";

/** Reads the strategy options the language validated and defaulted; a direct caller gets clear errors. */
export class OptionReader {
  constructor(
    private readonly strategy: string,
    private readonly options: Record<string, Value>,
  ) {}

  private fail(name: string, expected: string, got: Value | undefined): never {
    throw new HpoError(`${this.strategy}(${name}): expected ${expected}, got ${JSON.stringify(got)}`);
  }

  integer(name: string, fallback: number, low: number, high = Number.MAX_SAFE_INTEGER): number {
    const v = this.options[name] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < low || v > high)
      this.fail(name, `a whole number in [${low}, ${high === Number.MAX_SAFE_INTEGER ? "∞" : high}]`, v);
    return v;
  }

  number(name: string, fallback: number, low: number, high: number): number {
    const v = this.options[name] ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v < low || v > high)
      this.fail(name, `a number in [${low}, ${high === Number.POSITIVE_INFINITY ? "∞" : high}]`, v);
    return v;
  }

  choice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
    const v = this.options[name] ?? fallback;
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v))
      this.fail(name, `one of ${choices.map((c) => `"${c}"`).join(", ")}`, v);
    return v as T;
  }

  /** Rejects option names this strategy does not know (a typo would otherwise be ignored silently). */
  only(names: readonly string[]): void {
    for (const k of Object.keys(this.options))
      if (!names.includes(k))
        throw new HpoError(`${this.strategy} has no option \`${k}\``, {
          hint: `its options: ${names.join(", ")}`,
        });
  }
}
