/**
 * HELM's "Mean win rate" (`compute_aggregate_row_win_rates` in `helm-summarize`, aggregation
 * "mean") and the MedHELM paper's Win SD. Both are rank-based, so they work on raw leaderboard
 * cells (jury scores on 1-5, accuracies on 0-1) without normalization.
 */

/**
 * A leaderboard as plain numbers: `values[row][column]` with rows = models and columns =
 * benchmark metrics; `null` marks a missing cell. `lowerIsBetter[column]` orders each column;
 * a `null` direction means the column has no ordering and is ignored, as in HELM.
 */
export interface ScoreTable {
  values: ReadonlyArray<ReadonlyArray<number | null>>;
  lowerIsBetter: ReadonlyArray<boolean | null>;
}

/** Throws on ragged rows and non-finite numbers, which would otherwise rank silently wrong. */
function check(table: ScoreTable): void {
  const width = table.lowerIsBetter.length;
  table.values.forEach((row, r) => {
    if (row.length !== width) throw new Error(`row ${r} has ${row.length} values, expected ${width}`);
    row.forEach((v, c) => {
      if (v !== null && !Number.isFinite(v)) throw new Error(`non-finite value ${v} at row ${r} column ${c}`);
    });
  });
}

/**
 * Per-row win rates of one column: `(strictly worse rows + (tied rows) / 2) / (n - 1)`, where n
 * counts the non-null cells. Returns null for a row with a missing cell, and all nulls when the
 * column has fewer than two values (nobody to beat).
 */
export function columnWinRates(column: ReadonlyArray<number | null>, lowerIsBetter: boolean): Array<number | null> {
  const present = column.filter((v): v is number => v !== null);
  const n = present.length;
  if (n < 2) return column.map(() => null);
  // Walking distinct values from worst to best mirrors HELM: each value's wins are the count of
  // values already passed plus half of its own ties (the value itself excluded).
  const counts = new Map<number, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => (lowerIsBetter ? b - a : a - b));
  const wins = new Map<number, number>();
  let passed = 0;
  for (const v of distinct) {
    const k = counts.get(v)!;
    wins.set(v, passed + (k - 1) / 2);
    passed += k;
  }
  return column.map((v) => (v === null ? null : wins.get(v)! / (n - 1)));
}

/**
 * HELM's mean win rate of every row: the mean of its per-column win rates over the ordered
 * columns where it has a value and that have at least two values; null for a row with none.
 * Missing cells neither win nor lose, they only shrink that column's denominator.
 */
export function meanWinRates(table: ScoreTable): Array<number | null> {
  check(table);
  const perRow: number[][] = table.values.map(() => []);
  table.lowerIsBetter.forEach((lower, c) => {
    if (lower === null) return;
    const rates = columnWinRates(table.values.map((row) => row[c]), lower);
    rates.forEach((rate, r) => {
      if (rate !== null) perRow[r].push(rate);
    });
  });
  return perRow.map((xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null));
}

/**
 * Pairwise win fractions: `matrix[i][j]` is the share of columns, among the ordered columns
 * where both i and j have a value, in which row i is strictly better than row j; null on the
 * diagonal and for pairs that share no column.
 */
export function pairwiseWinFractions(table: ScoreTable): Array<Array<number | null>> {
  check(table);
  const rows = table.values;
  return rows.map((a, i) =>
    rows.map((b, j) => {
      if (i === j) return null;
      let shared = 0;
      let wins = 0;
      table.lowerIsBetter.forEach((lower, c) => {
        const x = a[c];
        const y = b[c];
        if (lower === null || x === null || y === null) return;
        shared++;
        if (lower ? x < y : x > y) wins++;
      });
      return shared ? wins / shared : null;
    })
  );
}

/**
 * The paper's Win SD (`tables/1_win_rate_table.py`): the population standard deviation (ddof 0)
 * of a row's pairwise win fractions against every rival it shares a column with; null when it
 * has no such rival. It tells whether a model's win rate is broad or driven by a few rivals.
 */
export function winSd(table: ScoreTable): Array<number | null> {
  return pairwiseWinFractions(table).map((fractions) => {
    const xs = fractions.filter((x): x is number => x !== null);
    if (!xs.length) return null;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  });
}
