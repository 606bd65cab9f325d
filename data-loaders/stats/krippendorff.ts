/**
 * Krippendorff's alpha: agreement among any number of coders on any number of units, tolerating
 * missing values, for nominal, ordinal, interval and ratio data. It follows the coincidence-matrix
 * computation of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", with the
 * ordinal metric of Krippendorff (2007), the same definitions as Inspect's implementation.
 *
 * The only npm package (`krippendorff` 0.1.0) is immature, so this module implements alpha; it is
 * checked against the worked example of the 2011 paper.
 */

/** The difference function applied between values. */
export type AlphaLevel = "nominal" | "ordinal" | "interval" | "ratio";

/** Options for {@link krippendorffAlpha}. */
export interface AlphaOptions<T> {
  /**
   * For ordinal data, the values in rank order. Defaults to the distinct values seen, sorted
   * numerically (numbers) or by code point (strings). Listing values that no coder used changes
   * nothing, because they carry no marginal mass.
   */
  order?: readonly T[];
}

/**
 * Krippendorff's alpha for `data`, a coders x units matrix (`data[c][u]` is coder c's value for
 * unit u, `null` or `undefined` when missing). Units with fewer than two values are not pairable
 * and are ignored. Interval and ratio levels need numeric values. Returns `NaN` when there is no
 * expected disagreement (every pairable value is the same).
 */
export function krippendorffAlpha<T extends number | string>(
  data: readonly (readonly (T | null | undefined)[])[],
  level: AlphaLevel = "nominal",
  options: AlphaOptions<T> = {}
): number {
  const units = data[0]?.length ?? 0;
  data.forEach((row, c) => {
    if (row.length !== units) throw new Error(`krippendorffAlpha: coder ${c + 1} has ${row.length} units, expected ${units}`);
  });
  if ((level === "interval" || level === "ratio") && data.some((row) => row.some((v) => v != null && typeof v !== "number"))) {
    throw new Error(`krippendorffAlpha: ${level} data must be numeric`);
  }

  // Pairable values of each unit.
  const pairable: T[][] = [];
  for (let u = 0; u < units; u++) {
    const values = data.map((row) => row[u]).filter((v): v is T => v != null && !(typeof v === "number" && Number.isNaN(v)));
    if (values.length >= 2) pairable.push(values);
  }
  const values = orderValues(pairable.flat(), options.order);
  const index = new Map(values.map((v, i) => [v, i]));
  const q = values.length;

  // Coincidence matrix: each ordered pair of values within a unit adds 1 / (m_u - 1).
  const o = Array.from({length: q}, () => new Array<number>(q).fill(0));
  for (const unit of pairable) {
    const m = unit.length;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const a = index.get(unit[i]);
        const b = index.get(unit[j]);
        if (a === undefined || b === undefined) throw new Error(`krippendorffAlpha: ${JSON.stringify(a === undefined ? unit[i] : unit[j])} is not in the ordinal order`);
        o[a][b] += 1 / (m - 1);
      }
    }
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  const delta = differences(values, nc, level);

  let observed = 0;
  let expected = 0;
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      observed += o[c][k] * delta[c][k];
      expected += nc[c] * nc[k] * delta[c][k];
    }
  }
  return expected === 0 ? NaN : 1 - ((n - 1) * observed) / expected;
}

function orderValues<T extends number | string>(seen: readonly T[], order: readonly T[] | undefined): T[] {
  if (order) return [...new Set(order)];
  return [...new Set(seen)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
  );
}

/** The squared difference δ²(c, k) for every pair of values, by level. */
function differences<T extends number | string>(values: readonly T[], nc: readonly number[], level: AlphaLevel): number[][] {
  const q = values.length;
  return Array.from({length: q}, (_, c) =>
    Array.from({length: q}, (_, k) => {
      if (c === k) return 0;
      switch (level) {
        case "nominal":
          return 1;
        case "ordinal": {
          // Krippendorff's ordinal metric: the marginal mass between the two ranks, counting
          // the end categories by half.
          const [lo, hi] = c < k ? [c, k] : [k, c];
          let mass = 0;
          for (let g = lo; g <= hi; g++) mass += nc[g];
          return (mass - (nc[c] + nc[k]) / 2) ** 2;
        }
        case "interval":
          return ((values[c] as number) - (values[k] as number)) ** 2;
        case "ratio": {
          const a = values[c] as number;
          const b = values[k] as number;
          return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
        }
      }
    })
  );
}
