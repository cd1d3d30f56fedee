/**
 * Checking a call against its catalogue entry: unknown function (E023), unknown, repeated, missing or
 * out-of-order arguments (E024, E012, E025, E016, E026). Returns the arguments by name.
 */
import type { AstArg, AstCall, AstExpr } from "./ast.js";
import type { FunctionSpec } from "../plan/catalog.js";
import { closest } from "./diagnostics.js";
import type { Reporter } from "./report.js";

export function listNames(names: string[]): string {
  return names.length === 0 ? "no arguments" : names.map((n) => `\`${n}\``).join(", ");
}

/**
 * The named view of a call's arguments, after reporting every argument problem; without a reporter it
 * only binds (the compiler's use: the checks have reported already).
 */
export function bindArguments(
  call: AstCall,
  spec: FunctionSpec,
  report?: Reporter,
): { args: Map<string, { value: AstExpr; arg: AstArg }>; positional: AstExpr[] } {
  const args = new Map<string, { value: AstExpr; arg: AstArg }>();
  const positional: AstExpr[] = [];
  let seenNamed = false;
  const maxPositional = spec.positional ?? 0;
  let index = 0;
  for (const arg of call.args) {
    if (arg.name === undefined) {
      if (seenNamed) {
        report?.add("E016", arg.span);
        continue;
      }
      if (spec.variadic) {
        positional.push(arg.value);
        continue;
      }
      if (index >= maxPositional) {
        report?.add(
          "E026",
          arg.span,
          { f: call.callee, n: maxPositional, s: maxPositional === 1 ? "" : "s" },
          {
            hint: spec.args.length
              ? `name it: ${spec.args.map((a) => `${a.name} = …`).join(", ")}`
              : undefined,
          },
        );
        index++;
        continue;
      }
      const name = spec.args[index]!.name;
      index++;
      args.set(name, { value: arg.value, arg });
      continue;
    }
    seenNamed = true;
    const nameSpan = arg.nameSpan ?? arg.span;
    if (!spec.args.some((a) => a.name === arg.name)) {
      const best = closest(
        arg.name,
        spec.args.map((a) => a.name),
      );
      report?.add(
        "E024",
        nameSpan,
        { f: call.callee, a: arg.name, list: listNames(spec.args.map((a) => a.name)) },
        {
          hint: best ? `did you mean \`${best}\`?` : undefined,
        },
      );
      continue;
    }
    const first = args.get(arg.name);
    if (first) {
      report?.add("E012", nameSpan, { name: arg.name, l: first.arg.span.line, c: first.arg.span.col });
      continue;
    }
    args.set(arg.name, { value: arg.value, arg });
  }
  for (const a of spec.args)
    if (a.required && !args.has(a.name)) report?.add("E025", call.span, { f: call.callee, a: a.name });
  return { args, positional };
}
