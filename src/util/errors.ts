/**
 * An error meant for the user: its message is printed as `hpo: error: <message>` without a stack
 * trace. `exitCode` is the process exit code the CLI uses for it.
 */
export class HpoError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HpoError";
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** A short, stack-free description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
