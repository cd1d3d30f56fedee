/** The `storage` declaration: a URL hpo can open (E091). */
import type { CheckedAst, DeclOf } from "../checked.js";
import { storageUrl } from "../compile.js";
import type { Reporter } from "../report.js";

/** E091: `sqlite:PATH`, `memory:` or `postgresql://…`. */
export function storageUrlForm(d: DeclOf<"storage">, c: CheckedAst, report: Reporter): void {
  if (storageUrl(c) === undefined) report.add("E091", d.urlSpan);
}
