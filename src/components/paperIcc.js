// A browser-side ICC(3,k) on z-scored columns, for agreement that only exists once the page joins
// our runs' verdicts with the clinician ratings. data-loaders/stats/icc.ts is the tested reference.

/**
 * ICC(3,k) with k = 2 on z-scored columns of `pairs` ([a, b] per response): two-way mixed effects,
 * consistency, average measures, (MS_rows - MS_error) / MS_rows. Null with fewer than three pairs
 * or when a column is constant, because the statistic is undefined there.
 */
export function icc3kZ(pairs) {
  const n = pairs.length;
  if (n < 3) return null;
  const columns = [0, 1].map((j) => zscore(pairs.map((p) => p[j])));
  if (columns.some((c) => c === null)) return null;
  const rows = pairs.map((_, i) => [columns[0][i], columns[1][i]]);
  // After z-scoring the grand mean is 0 and the column means are 0, so the column sum of squares vanishes.
  const ssRows = 2 * rows.reduce((s, [a, b]) => s + ((a + b) / 2) ** 2, 0);
  const ssTotal = rows.reduce((s, [a, b]) => s + a * a + b * b, 0);
  const msRows = ssRows / (n - 1);
  const msError = (ssTotal - ssRows) / (n - 1);
  return msRows === 0 ? null : (msRows - msError) / msRows;
}

function zscore(values) {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
  return sd > 0 ? values.map((x) => (x - mean) / sd) : null;
}
