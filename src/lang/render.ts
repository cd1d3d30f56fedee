/** Renders diagnostics as text: `FILE:LINE:COL: severity[CODE]: message`, the line, a caret, notes and help. */
import type { Diagnostic } from "./diagnostics.js";

const MAX_SHOWN = 50;

export function formatDiagnostics(diagnostics: Diagnostic[], source: string): string {
  const lines = source.split(/\r?\n/);
  const out: string[] = [];
  for (const d of diagnostics.slice(0, MAX_SHOWN)) {
    const { line, col, endLine, endCol } = d.pos;
    out.push(`${d.file}:${line}:${col}: ${d.severity}[${d.code}]: ${d.message}`);
    const text = lines[line - 1];
    if (text !== undefined) {
      const gutter = " ".repeat(String(line).length);
      const width = endLine === line ? Math.max(1, endCol - col) : Math.max(1, text.length - col + 1);
      out.push(`${gutter} |`);
      out.push(`${line} | ${text}`);
      out.push(`${gutter} | ${" ".repeat(Math.max(0, col - 1))}${"^".repeat(width)}`);
    }
    for (const n of d.notes ?? []) out.push(`   = note: ${n}`);
    if (d.hint) out.push(`   = help: ${d.hint}`);
    out.push("");
  }
  if (diagnostics.length > MAX_SHOWN) out.push(`… and ${diagnostics.length - MAX_SHOWN} more`);
  return out.join("\n");
}
