/**
 * W011: a TypeScript objective module whose declared parameter type disagrees with the space (a
 * renamed, retyped or missing hyperparameter). The spec's parameters are declared as `hpo types` would
 * (src/lang/declare.ts) and the TypeScript compiler checks that they are assignable to the type of the
 * default export's first parameter; a module that declares none (or `any`) passes. TypeScript is
 * loaded only here, only for a `.ts` module; without it the check says so (W012) instead.
 */
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, isAbsolute, join } from "node:path";
import type { AstFile } from "../ast.js";
import { type CheckedAst, decl } from "../checked.js";
import { declareParams } from "../declare.js";
import type { Reporter } from "../report.js";

type TS = typeof import("typescript");

const SPEC_TYPES = "__hpo_spec_params.ts";
const PROBE = "__hpo_param_probe.ts";

/** The compiler's findings: disagreements (W011), or why the module could not be checked (W012). */
interface Findings {
  disagree: string[];
  unchecked: string[];
}

/** Results per (module, modified time, declaration): editors and tests check the same files again and again. */
const memo = new Map<string, Findings>();

export function moduleParamTypes(_file: AstFile, c: CheckedAst, report: Reporter): void {
  const d = decl(c, "evaluate");
  if (!d?.module || !d.moduleSpan) return;
  const abs = isAbsolute(d.module) ? d.module : join(c.dir, d.module);
  const ext = extname(abs);
  if (![".ts", ".mts", ".cts"].includes(ext) || !existsSync(abs) || !statSync(abs).isFile()) return;
  const declaration = declareParams({
    space: c.space.space,
    objectives: [...c.goals],
    source: { file: c.file },
  });
  const key = `${abs}\u0000${statSync(abs).mtimeMs}\u0000${declaration}`;
  let result = memo.get(key);
  if (!result) {
    result = disagreements(abs, declaration);
    memo.set(key, result);
  }
  for (const why of result.unchecked) report.add("W012", d.moduleSpan, { p: d.module, why });
  for (const why of result.disagree)
    report.add(
      "W011",
      d.moduleSpan,
      { p: d.module, why },
      {
        hint: `declare its parameters with \`hpo types ${basename(c.file)} -o …\` and import \`Params\` from that file`,
      },
    );
}

/** Parsed files other than the probe's two, with the modified time they were read at. */
const parsed = new Map<string, { stamp: number; file: import("typescript").SourceFile }>();

/** How a user's TypeScript project is assumed to check its objective: strict, Node's ES modules. */
export function userProjectOptions(ts: TS): import("typescript").CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
}

function loadTypeScript(): TS | undefined {
  try {
    return createRequire(import.meta.url)("typescript") as TS;
  } catch {
    return undefined;
  }
}

/** The compiler's complaints about giving the spec's parameters to the module's default export. */
function disagreements(modulePath: string, declaration: string): Findings {
  const ts = loadTypeScript();
  if (!ts)
    return {
      disagree: [],
      unchecked: ["the `typescript` package is not installed (npm install --save-dev typescript)"],
    };
  const dir = dirname(modulePath);
  const ext = extname(modulePath);
  const specifier = `./${basename(modulePath, ext)}${ext === ".mts" ? ".mjs" : ext === ".cts" ? ".cjs" : ".js"}`;
  const virtual = new Map<string, string>([
    [join(dir, SPEC_TYPES), declaration],
    [
      join(dir, PROBE),
      [
        'import type { Params as SpecParams } from "./__hpo_spec_params.js";',
        `import objective from ${JSON.stringify(specifier)};`,
        "type Declared = typeof objective extends (params: infer P, ...rest: never[]) => unknown ? P : unknown;",
        "declare const spec: SpecParams;",
        "export const accepted: Declared = spec;",
        "",
      ].join("\n"),
    ],
  ]);
  const options = userProjectOptions(ts);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, onError, fresh) => {
    const text = virtual.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    // The standard library's declarations are most of the work: parsed once per process, as is each
    // other file until it changes.
    const stamp = existsSync(f) ? statSync(f).mtimeMs : 0;
    const hit = parsed.get(f);
    if (hit && hit.stamp === stamp) return hit.file;
    const file = getSourceFile.call(host, f, lang, onError, fresh);
    if (file) parsed.set(f, { stamp, file });
    return file;
  };
  const program = ts.createProgram([join(dir, PROBE)], options, host);
  const probe = program.getSourceFile(join(dir, PROBE));
  const out: Findings = { disagree: [], unchecked: [] };
  if (!probe) return out;
  // Complaints on the assignment are disagreements; any other (no default export, a module that does
  // not resolve) means the comparison could not be made.
  const assignment = probe.text.indexOf("export const accepted");
  for (const diag of program.getSemanticDiagnostics(probe)) {
    const text = ts.flattenDiagnosticMessageText(diag.messageText, " ").replace(/\s+/g, " ");
    if ((diag.start ?? 0) >= assignment) out.disagree.push(text);
    // TS1192/TS2613 name the module by its resolved path, which only repeats the `evaluate` line.
    else out.unchecked.push(/has no default export/.test(text) ? "it has no default export" : text);
  }
  return out;
}
