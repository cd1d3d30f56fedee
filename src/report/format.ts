/**
 * The report's one number format, used by the trial table (render.ts) and, as its source text, by the
 * page script's tooltips and axis labels: integers as they are, very small or large numbers in
 * exponent form, the rest to six significant digits. Self-contained (no imports, no closures) because
 * its `toString()` is inlined into the page.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(4) : String(+v.toPrecision(6));
}
