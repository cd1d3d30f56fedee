/**
 * The one catalogue of diagnostics (codes E001…, W001…): each code has a
 * severity and a message template; no message is written anywhere else. `{x}` placeholders are filled
 * from the arguments a check passes.
 */
import type { Pos } from "./ast.js";

export type Severity = "error" | "warning";

/** One problem in a .hpo file, at a span. `hint` is printed as `= help:`, `notes` as `= note:`. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  pos: Pos;
  hint?: string;
  notes?: string[];
}

export const CATALOGUE = {
  E000: "internal error in check `{check}`: {error}",
  E001: "unexpected character `{c}`",
  E002: "unterminated string",
  E003: "number `{text}` is out of range",
  E004: "unknown unit `{u}`: durations use ms, s, m, h, d (e.g. `90m`)",
  E005: "unknown escape `\\{c}`",
  E006: "the spec is {size} bytes, above the limit of {max} bytes",
  E010: "expected {what}, found {token}",
  E011: "`{open}` opened at {l}:{c} is never closed",
  E012: "`{name}` is given twice (first at {l}:{c})",
  E013: "unknown declaration `{w}`{best}",
  E014: "`{w}` is a reserved word and cannot name a hyperparameter",
  E015: "comparisons do not chain; write `a < b and b < c`",
  E016: "positional argument after a named one",
  E017: "{what} nest too deeply (the limit is {max})",
  E020: "unknown name `{n}`{best}",
  E021: "hyperparameter `{n}` is already declared at {l}:{c}",
  E022: "`{n}` is used before its declaration at {l}:{c}",
  E023: "unknown {kind} `{f}`{best} (known: {list})",
  E024: "`{f}` has no argument `{a}`; it takes {list}",
  E025: "`{f}` needs `{a}`",
  E026: "`{f}` takes at most {n} positional argument{s}",
  E030: "`{f}` argument `{a}` expects {want}, got {got}",
  E031: "a distribution must be the whole right-hand side of `{n}`",
  E032: "{kind} `{f}` cannot be used in `{decl}`",
  E033: "values of `{n}` mix {t1} and {t2}",
  E034: "`{n}` must be a constant: it cannot depend on hyperparameters",
  E035: "{what}",
  E036: "`{a}` needs an integer, but `{expr}` may be fractional; use floor() or round()",
  E037: "`{n}` is never {v} (its values: {values}){best}",
  E040: "low {low} must be below high {high}",
  E041: "a log scale needs a positive lower bound, got {low}",
  E042: "{what}",
  E043: "int bounds and step must be integers, step > 0",
  E044: "step {s} does not divide [{low}, {high}]; the last value would be {v}",
  E045: "a normal distribution needs sd > 0",
  E046: "`{f}` argument `{a}` must be {range}, but {got}",
  E050: "`{n}` may be absent here: it exists only when {cond}",
  E051: "`{n}` can never be active: `{cond}` is false for every configuration",
  E052: "no configuration satisfies the constraints ({k} checked); `{c}` rejects all",
  E053: "this constraint is always {tf}",
  E054: "`i` is only defined inside `repeat`",
  E055: "the count of family `{n}` must be an integer parameter or constant from 1 to 64, got `{count}`",
  E056: "`{e}` may read a member of `{n}` that is absent (members: {n}[0] … {n}[{last}])",
  E057: "`{n}` is a family: read one member, e.g. `{n}[i]` inside `repeat {count} {…}`",
  E058: "`{n}` is not a family, so it cannot be indexed",
  E060: "`{decl}` needs `{other}`",
  E061: "`evaluate` cannot be combined with `{decl}` (declared at {l}:{c})",
  E062: "add `evaluate …` or `data` + `model` + `train`",
  E063: "{problem} when {assignment}",
  E064: "`{f}` needs {req}, but {assignment} breaks it",
  E065: "`{f}` needs parameters {names} in `space`",
  E066: "the validation split is set both in `data` and in `validation`",
  E067: "`{decl}` is required",
  E070: "unknown metric `{m}`{best} (available: {list})",
  E071: "use one of `objective` or `objectives`",
  E072: "`{m}` needs {what}",
  E073: "declare `objective` or `objectives`",
  E074: "goal `{m}` is listed twice",
  E075: "a goal reads metrics, not hyperparameters: `{n}` is a hyperparameter",
  E076: "goal `{e}` must compute a number, but {part} is {got}",
  E080: "grid needs finite values, but `{n}` is continuous; use choice(…) or grid(points = N)",
  E081: "`{s}` optimizes one goal, {k} are declared; use nsga2 or random",
  E082: "nsga2 needs two or more goals",
  E083: "{what}",
  E084: "`{s}` option `{o}` must be {range}, got {v}",
  E090: "budget needs `trials` or `time`",
  E091: "storage must be `sqlite:PATH`, `memory:` or `postgresql://…`",
  E092: "no file `{p}` (paths are relative to the spec)",
  E093: "{what}",
  E094: "budget `{a}` needs a finite value, but `{expr}` has none: {why}",
  W001: "the learning-rate range of `{n}` goes above 1 (high {high})",
  W002: "`{n}` is a float: an equality test on it is almost never true",
  W003: "hyperparameter `{n}` is not used by any model, train or data setting",
  W004: "`{n}` has no effect when {cond}",
  W005: "the grid has {g} points but the budget allows {t} trials: a seeded shuffle of it runs",
  W006: "`parallel` = {p} is above `trials` = {t}",
  W007: "the constraints reject {pct} % of random draws",
  W008: "a pruner has no effect beside `{s}`, which stops trials itself",
  W009: "goal `{m}` uses the test split, which should never be used for tuning",
  W010: "this `repeat` is inside another: its `i` shadows the outer one",
  W011: "the parameter type `{p}` declares disagrees with the space: {why}",
  W012: "the parameter type of `{p}` was not checked: {why}",
  W013: "`pbt` trains {n} trials ({p} members × {r} rounds) but the budget allows {t}: the study stops in round {k}",
} as const;

export type Code = keyof typeof CATALOGUE;

/** Fills a code's template. */
export function message(code: Code, args: Record<string, string | number> = {}): string {
  return CATALOGUE[code].replace(/\{(\w+)\}/g, (_, k: string) => (k in args ? String(args[k]) : `{${k}}`));
}

export function severityOf(code: string): Severity {
  return code.startsWith("W") ? "warning" : "error";
}

/** `; did you mean `x`?` from the closest candidate by edit distance, or "" when none is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best ? `; did you mean \`${best}\`?` : "";
}

/**
 * The replacement a diagnostic suggests for its span, as source text: `x` for "did you mean `x`?"
 * (a name, in the message or the hint) and `"x"` for "did you mean "x"?" (a string value). Editors
 * offer it as a quick fix; the wording is this file's (`didYouMean`) and the checks' hints.
 */
export function suggestionOf(d: Pick<Diagnostic, "message" | "hint">): string | undefined {
  for (const text of [d.message, d.hint ?? ""]) {
    const m = /did you mean (?:`([^`]+)`|"((?:[^"\\]|\\.)*)")\?/.exec(text);
    if (m) return m[1] ?? `"${m[2]}"`;
  }
  return undefined;
}

/**
 * The candidate within edit distance max(1, len/3) of `word`, if any (ties: first listed); failing
 * that, one that the word abbreviates or extends by a suffix of at least 3 letters' stem (`val_acc`
 * for `val_accuracy`, `bayesian` for `bayes`), since those are far by edits but plainly meant.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  let stem: string | undefined;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = editDistance(w, lc);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
    const [short, long] = w.length <= lc.length ? [w, lc] : [lc, w];
    if (stem === undefined && short.length >= 3 && short !== long && long.startsWith(short)) stem = c;
  }
  return best ?? stem;
}

/** Damerau–Levenshtein (optimal string alignment) distance: a swap of two letters counts once. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
