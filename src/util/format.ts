/**
 * hpo's one number format, for the terminal (tables, `hpo best`, progress) and the HTML report (its
 * table and, as this function's source text, the page script's tooltips and axis labels): integers
 * below a million as they are, very small or large numbers in exponent form, the rest to six
 * significant digits; undefined as an empty cell. Self-contained (no imports, no closures) because
 * its `toString()` is inlined into the report page.
 */
export function formatNumber(v: number | undefined): string {
  if (v === undefined) return "";
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(4) : String(+v.toPrecision(6));
}
