/**
 * Errors raised by native work. Every error the addon throws or rejects with carries a `code`, the
 * stable name of a C++ status (native/common/status.h, StatusCodeName): argument errors are
 * TypeError/RangeError with HPO_INVALID_ARGUMENT (HPO_OUT_OF_BOUNDS for a value outside the unit
 * cube), failures found while working are plain Errors, which `fromNativeError` turns into an
 * HpoNativeError with that code, so callers can branch on `err.code` (e.g. fall back to the CPU on
 * HPO_CUDA_UNAVAILABLE) and the CLI prints it as a user-facing message.
 */
import { HpoError } from "../util/errors.js";

/** Every code native/common/status.h can produce (test/native/errors.test.ts checks the two agree). */
export const NATIVE_ERROR_CODES = [
  "HPO_INVALID_ARGUMENT",
  "HPO_OUT_OF_MEMORY",
  "HPO_CUDA_ERROR",
  "HPO_CUDA_UNAVAILABLE",
  "HPO_NOT_POSITIVE_DEFINITE",
  "HPO_OUT_OF_BOUNDS",
  "HPO_VENDOR_LIBRARY_MISSING",
  "HPO_INTERNAL",
  "HPO_INVALID_STATE",
] as const;

/** A native status code, or HPO_UNKNOWN for an error the addon raised without one. */
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number] | "HPO_UNKNOWN";

/** A failure inside the native addon (not a bad argument: those are TypeError/RangeError). */
export class HpoNativeError extends HpoError {
  readonly code: NativeErrorCode;
  constructor(code: NativeErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "HpoNativeError";
    this.code = code;
  }
}

/**
 * The error to throw for `err` caught from an addon call: TypeError/RangeError (argument errors)
 * pass through; an Error with a status code becomes an HpoNativeError with that code.
 * `callSite`, created before an async call, carries the caller's stack (sharp's habit).
 */
export function fromNativeError(err: unknown, callSite?: Error): Error {
  if (err instanceof TypeError || err instanceof RangeError || err instanceof HpoError) return err;
  const raw = err as { code?: unknown; message?: unknown };
  const known = (NATIVE_ERROR_CODES as readonly string[]).includes(String(raw?.code));
  const code = (known ? raw.code : "HPO_UNKNOWN") as NativeErrorCode;
  const message = typeof raw?.message === "string" ? raw.message : String(err);
  const wrapped = new HpoNativeError(code, message, { cause: err });
  if (callSite?.stack)
    wrapped.stack = `${wrapped.name}: ${message}\n${callSite.stack.split("\n").slice(1).join("\n")}`;
  return wrapped;
}
