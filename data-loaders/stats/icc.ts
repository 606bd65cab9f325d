/**
 * Intraclass correlation coefficients for an n x k matrix of ratings (rows = targets, columns =
 * raters), in the six Shrout & Fleiss (1979) forms, with F tests and 95 % confidence intervals
 * from the F distribution (Shrout & Fleiss 1979; McGraw & Wong 1996). The formulas follow
 * pingouin's `intraclass_corr`, which MedHELM's clinician-agreement analysis used, so that our
 * figures can be compared with the paper's.
 *
 * No maintained npm package computes ICCs (the `icc` package parses colour profiles), so this
 * module implements them; it is checked against the published Shrout & Fleiss example.
 */
import jStat from "jstat";

const centralF = jStat.centralF;

/** The six Shrout & Fleiss forms, named as pingouin names them (`icc3k` is ICC(3,k)). */
export type IccForm = "icc1" | "icc2" | "icc3" | "icc1k" | "icc2k" | "icc3k";

/** One ICC form with its F test and confidence interval. */
export interface IccEstimate {
  form: IccForm;
  /** Shrout & Fleiss notation, e.g. `ICC(3,k)`. */
  label: string;
  description: string;
  value: number;
  /** The F statistic of the test that the ICC is zero. */
  f: number;
  df1: number;
  df2: number;
  /** One-sided p-value of the F test (upper tail). */
  p: number;
  ci_low: number;
  ci_high: number;
}

/** The one-way and two-way ANOVA mean squares that every form is built from. */
export interface MeanSquares {
  /** Between targets (rows): BMS in Shrout & Fleiss. */
  rows: number;
  /** Within targets (one-way residual): WMS. */
  within: number;
  /** Between raters (columns): JMS. */
  columns: number;
  /** Two-way residual: EMS. */
  error: number;
}

/** All six ICC forms for one matrix. */
export interface IccResult extends Record<IccForm, IccEstimate> {
  /** Targets used (complete rows). */
  n: number;
  /** Raters (columns). */
  k: number;
  /** Rows dropped because a value was missing or not finite. */
  dropped: number;
  meanSquares: MeanSquares;
  /** Confidence level of the intervals, e.g. 0.95. */
  confidence: number;
}

/** Options for {@link icc}. */
export interface IccOptions {
  /**
   * Standardize each rater column by its own mean and sample SD (over the complete rows) before
   * computing the ICC, as MedHELM does to remove rater-specific scale use ("ICC3k-z").
   */
  zscore?: boolean;
  /** Confidence level of the intervals; default 0.95. */
  confidence?: number;
}

/**
 * Computes ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k) and ICC(3,k) for `matrix` (rows =
 * targets, columns = raters). The forms need a complete design, so rows with a missing (`null`)
 * or non-finite value are dropped and counted in `dropped`. Values that are undefined for the
 * data (e.g. no variance between targets) come out as `NaN` or `±Infinity` rather than throwing,
 * so callers looping over many small matrices can skip them.
 */
export function icc(matrix: readonly (readonly (number | null)[])[], options: IccOptions = {}): IccResult {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`icc: confidence ${confidence} is not between 0 and 1`);
  const k = matrix[0]?.length ?? 0;
  matrix.forEach((row, i) => {
    if (row.length !== k) throw new Error(`icc: row ${i + 1} has ${row.length} values, expected ${k}`);
  });
  if (k < 2) throw new Error(`icc: need at least 2 raters (columns), got ${k}`);
  let rows = matrix.filter((row) => row.every((x) => x !== null && Number.isFinite(x))) as number[][];
  const dropped = matrix.length - rows.length;
  const n = rows.length;
  if (n < 2) throw new Error(`icc: need at least 2 complete rows, got ${n}`);
  if (options.zscore) rows = zscoreColumns(rows);

  const ms = meanSquares(rows);
  const {rows: msb, within: msw, columns: msc, error: mse} = ms;
  const alpha = 1 - confidence;
  const upper = (df1: number, df2: number) => centralF.inv(1 - alpha / 2, df1, df2);
  const df1 = n - 1;
  const df1kd = n * (k - 1);
  const df2kd = (n - 1) * (k - 1);

  const icc1 = (msb - msw) / (msb + (k - 1) * msw);
  const icc2 = (msb - mse) / (msb + (k - 1) * mse + (k * (msc - mse)) / n);
  const icc3 = (msb - mse) / (msb + (k - 1) * mse);
  const icc1k = (msb - msw) / msb;
  const icc2k = (msb - mse) / (msb + (msc - mse) / n);
  const icc3k = (msb - mse) / msb;

  // One-way model (forms 1): F = BMS / WMS.
  const f1 = msb / msw;
  const f1Low = f1 / upper(df1, df1kd);
  const f1High = f1 * upper(df1kd, df1);
  // Two-way models: forms 2 and 3 share F = BMS / EMS (as pingouin reports it).
  const f3 = msb / mse;
  const f3Low = f3 / upper(df1, df2kd);
  const f3High = f3 * upper(df2kd, df1);

  // ICC(2,1) has no exact interval; McGraw & Wong (1996) give a Satterthwaite approximation
  // whose denominator degrees of freedom `v` is generally fractional.
  const fc = msc / mse;
  const a = k * icc2 * fc + n * (1 + (k - 1) * icc2) - k * icc2;
  const b = n * (1 + (k - 1) * icc2) - k * icc2;
  const v = (df2kd * a ** 2) / (df1 * k ** 2 * icc2 ** 2 * fc ** 2 + b ** 2);
  const f2u = upper(n - 1, v);
  const f2l = upper(v, n - 1);
  const icc2Low = (n * (msb - f2u * mse)) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msb);
  const icc2High = (n * (f2l * msb - mse)) / (k * msc + (k * n - k - n) * mse + n * f2l * msb);

  const single = (fx: number) => (fx - 1) / (fx + (k - 1));
  const average = (fx: number) => 1 - 1 / fx;
  const spearmanBrown = (r: number) => (r * k) / (1 + r * (k - 1));
  const p1 = upperTail(f1, df1, df1kd);
  const p3 = upperTail(f3, df1, df2kd);
  const make = (form: IccForm, label: string, description: string, value: number, f: number, df2: number, p: number, ci: [number, number]): IccEstimate =>
    ({form, label, description, value, f, df1, df2, p, ci_low: ci[0], ci_high: ci[1]});

  return {
    n,
    k,
    dropped,
    meanSquares: ms,
    confidence,
    icc1: make("icc1", "ICC(1,1)", "single rater, absolute agreement, one-way random", icc1, f1, df1kd, p1, [single(f1Low), single(f1High)]),
    icc2: make("icc2", "ICC(2,1)", "single rater, absolute agreement, two-way random", icc2, f3, df2kd, p3, [icc2Low, icc2High]),
    icc3: make("icc3", "ICC(3,1)", "single rater, consistency, two-way mixed", icc3, f3, df2kd, p3, [single(f3Low), single(f3High)]),
    icc1k: make("icc1k", "ICC(1,k)", "mean of k raters, absolute agreement, one-way random", icc1k, f1, df1kd, p1, [average(f1Low), average(f1High)]),
    icc2k: make("icc2k", "ICC(2,k)", "mean of k raters, absolute agreement, two-way random", icc2k, f3, df2kd, p3, [spearmanBrown(icc2Low), spearmanBrown(icc2High)]),
    icc3k: make("icc3k", "ICC(3,k)", "mean of k raters, consistency, two-way mixed", icc3k, f3, df2kd, p3, [average(f3Low), average(f3High)])
  };
}

/** The ANOVA mean squares of a complete n x k matrix (Shrout & Fleiss 1979, Table 2). */
export function meanSquares(rows: readonly (readonly number[])[]): MeanSquares {
  const n = rows.length;
  const k = rows[0].length;
  let grand = 0;
  for (const row of rows) for (const x of row) grand += x;
  grand /= n * k;
  const rowMeans = rows.map((row) => row.reduce((s, x) => s + x, 0) / k);
  const colMeans = Array.from({length: k}, (_, j) => rows.reduce((s, row) => s + row[j], 0) / n);
  let total = 0;
  for (const row of rows) for (const x of row) total += (x - grand) ** 2;
  const ssRows = k * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssError = total - ssRows - ssCols;
  return {
    rows: ssRows / (n - 1),
    within: (total - ssRows) / (n * (k - 1)),
    columns: ssCols / (k - 1),
    error: ssError / ((n - 1) * (k - 1))
  };
}

/**
 * Standardizes each column by its mean and sample SD (n - 1). Whether the SD uses n or n - 1
 * does not change any ICC, because it rescales every column by the same factor. A constant
 * column has no SD and yields `NaN`s, which propagate to `NaN` ICCs.
 */
export function zscoreColumns(rows: readonly (readonly number[])[]): number[][] {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const stats = Array.from({length: k}, (_, j) => {
    const mean = rows.reduce((s, row) => s + row[j], 0) / n;
    const sd = Math.sqrt(rows.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / (n - 1));
    return {mean, sd};
  });
  return rows.map((row) => row.map((x, j) => (x - stats[j].mean) / stats[j].sd));
}

/** P(F > f) for the F distribution; exact at the infinite and undefined ends. */
function upperTail(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) return 0;
  if (f <= 0) return 1;
  return 1 - centralF.cdf(f, df1, df2);
}
