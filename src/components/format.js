// Number formats shared by the workbench pages; a missing value always reads as a dash, never 0.

/** A number with fixed decimals, or "–" when missing. */
export function formatNumber(x, digits = 3) {
  return x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}

/** An interval as "[low, high]", or "" when either end is missing. */
export function formatInterval(low, high, digits = 3) {
  return low == null || high == null || Number.isNaN(low) || Number.isNaN(high) ? "" : `[${Number(low).toFixed(digits)}, ${Number(high).toFixed(digits)}]`;
}

/** A value with its interval, e.g. "0.612 [0.551, 0.670]". */
export function formatEstimate(value, low, high, digits = 3) {
  const interval = formatInterval(low, high, digits);
  return interval ? `${formatNumber(value, digits)} ${interval}` : formatNumber(value, digits);
}

/** US dollars with cents (fractions of a cent shown as such), or "unknown" when no price applies. */
export function formatUsd(x) {
  if (x == null || Number.isNaN(x)) return "unknown";
  return x !== 0 && Math.abs(x) < 0.01 ? `$${Number(x).toPrecision(2)}` : `$${Number(x).toFixed(2)}`;
}

/** A rank with its bootstrap interval, e.g. "2 (1–3)". */
export function formatRank(rank, low, high) {
  if (rank == null) return "–";
  if (low == null || high == null) return String(rank);
  const lo = Math.round(low);
  const hi = Math.round(high);
  return lo === hi ? `${rank} (${lo})` : `${rank} (${lo}–${hi})`;
}

/** Plain objects from Arrow rows (DuckDB results and Arrow files), so that pages can spread and sort them. */
export function plainRows(table) {
  return Array.from(table, (row) => (typeof row?.toJSON === "function" ? row.toJSON() : {...row}));
}
