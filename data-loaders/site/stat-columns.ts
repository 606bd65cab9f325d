/**
 * The instance-level values the site's resampling statistics read, as one column per (entry,
 * metric) of each benchmark, aligned to the benchmark's instances. Row objects were the bulk of
 * the statistics' time at 48 models (reading, grouping and hashing a million of them); columns of
 * doubles are built in one pass and hashed as bytes, and each column's content key lets the
 * statistics cache keep every column's results that a rebuild did not change.
 */
import {createHash} from "node:crypto";

/** One entry's values of one metric on a benchmark, aligned to the benchmark's instances. */
export interface StatColumn {
  label: string;
  metric: string;
  /** Whether this is the benchmark's main metric (the one win rates and pairs compare). */
  main: boolean;
  /** Value on each instance, NaN where the entry has none (no row, null, or not finite). */
  value: Float64Array;
  /** The normalized value (0-1, higher is better) on each instance, NaN where none. */
  normalized: Float64Array;
  /**
   * SHA-256 (hex) of the benchmark id, its instance list, the label, the metric, whether it is
   * main and both value arrays: equal keys mean equal statistics, given the same options.
   */
  key: string;
}

/** A metric value of an entry without instances (a published mean): it enters the statistics as a fixed cell. */
export interface PointValue {
  label: string;
  metric: string;
  main: boolean;
  value: number | null;
  normalized: number | null;
}

/** Everything the resampling statistics read about one benchmark. */
export interface BenchmarkColumns {
  benchmark: string;
  /** The benchmark's category ("" when it has none). */
  category: string;
  /** The instances of the entries with instances (point entries' rows are not instances), sorted. */
  instances: string[];
  /** One column per (entry, metric) of the entries with instances, by label, then metric. */
  columns: StatColumn[];
  /** The values of the point entries, by label, then metric. */
  points: PointValue[];
}

/** One instance-level value, the row form of the columns (tests and small inputs). */
export interface StatRow {
  label: string;
  benchmark: string;
  category?: string;
  metric: string;
  instance_id: string;
  value: number | null;
  value_normalized: number | null;
  is_main?: boolean;
}

const finite = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The content key of a column: the hash of its benchmark, the benchmark's instance list (as
 * `instancesKey`), its identity and the bytes of both arrays (so -0 and 0 differ, as JSON's would not).
 */
function columnKey(benchmark: string, instancesKey: string, label: string, metric: string, main: boolean, value: Float64Array, normalized: Float64Array): string {
  return createHash("sha256").update(JSON.stringify([benchmark, instancesKey, label, metric, main]))
    .update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    .update(new Uint8Array(normalized.buffer, normalized.byteOffset, normalized.byteLength)).digest("hex");
}

/** The hash of a benchmark's sorted instance ids. */
function instancesKeyOf(instances: readonly string[]): string {
  const hash = createHash("sha256");
  for (const id of instances) hash.update(id).update("\u0000");
  return hash.digest("hex");
}

/** An accumulating column before its key is known. */
interface Draft {
  label: string;
  metric: string;
  main: boolean;
  value: Float64Array;
  normalized: Float64Array;
}

/**
 * Builds the columns of one benchmark. `rows(visit)` calls `visit` for each of its rows with the
 * label, metric, instance, values and main flag; it is called twice (instances, then values).
 */
function buildBenchmark(
  benchmark: string, category: string, points: ReadonlySet<string>,
  rows: (visit: (label: string, metric: string, instance: string, value: number | null, normalized: number | null, main: boolean) => void) => void
): BenchmarkColumns {
  const ids = new Set<string>();
  rows((label, _metric, instance) => {
    if (!points.has(label)) ids.add(instance);
  });
  const instances = [...ids].sort(byText);
  const position = new Map(instances.map((id, k) => [id, k]));
  const n = instances.length;
  const drafts = new Map<string, Draft>();
  const fixed = new Map<string, PointValue>();
  // Rows usually come grouped by label and metric: the last column is reused without a lookup.
  let last: Draft | undefined;
  rows((label, metric, instance, value, normalized, main) => {
    if (points.has(label)) {
      const id = `${label}\u0000${metric}`;
      const point = fixed.get(id);
      if (point) point.main ||= main;
      else fixed.set(id, {label, metric, main, value: finite(value) ? value : null, normalized: finite(normalized) ? normalized : null});
      return;
    }
    let draft = last && last.label === label && last.metric === metric ? last : drafts.get(`${label}\u0000${metric}`);
    if (!draft) {
      draft = {label, metric, main, value: new Float64Array(n).fill(NaN), normalized: new Float64Array(n).fill(NaN)};
      drafts.set(`${label}\u0000${metric}`, draft);
    }
    last = draft;
    draft.main ||= main;
    const k = position.get(instance)!;
    if (finite(value)) draft.value[k] = value;
    if (finite(normalized)) draft.normalized[k] = normalized;
  });
  const order = (a: {label: string; metric: string}, b: {label: string; metric: string}) => byText(a.label, b.label) || byText(a.metric, b.metric);
  const instancesKey = instancesKeyOf(instances);
  const columns = [...drafts.values()].sort(order).map((d): StatColumn => ({...d, key: columnKey(benchmark, instancesKey, d.label, d.metric, d.main, d.value, d.normalized)}));
  return {benchmark, category, instances, columns, points: [...fixed.values()].sort(order)};
}

/**
 * The columns of every benchmark in `rows` (benchmarks in id order). Entries in `points` have no
 * instances: their rows become `PointValue`s and stay out of the instance lists.
 */
export function columnsFromRows(rows: readonly StatRow[], points: Iterable<string> = []): BenchmarkColumns[] {
  const pointSet = new Set(points);
  const byBenchmark = new Map<string, StatRow[]>();
  for (const r of rows) {
    const group = byBenchmark.get(r.benchmark);
    if (group) group.push(r);
    else byBenchmark.set(r.benchmark, [r]);
  }
  return [...byBenchmark].sort(([a], [b]) => byText(a, b)).map(([benchmark, group]) =>
    buildBenchmark(benchmark, group[0].category ?? "", pointSet, (visit) => {
      for (const r of group) visit(r.label, r.metric, r.instance_id, r.value, r.value_normalized, r.is_main ?? false);
    }));
}

/** The string columns of a columnar read: per row, a code into `values`. */
export interface CodedStrings {
  codes: Int32Array;
  values: string[];
}

/** The typed columns `columnsFromColumns` reads (as `readColumns` returns them, by name). */
export interface StatColumnsInput {
  length: number;
  benchmark: CodedStrings;
  category: CodedStrings;
  label: CodedStrings;
  metric: CodedStrings;
  instance: CodedStrings;
  /** Main flag per row. */
  main: (row: number) => boolean;
  /** Values per row, NaN where null. */
  value: Float64Array;
  normalized: Float64Array;
}

/**
 * The columns of every benchmark from typed columns whose rows are grouped by benchmark (each
 * benchmark's rows consecutive, benchmarks in id order): the loader's path, with no row objects.
 */
export function columnsFromColumns(input: StatColumnsInput, points: Iterable<string> = []): BenchmarkColumns[] {
  const pointSet = new Set(points);
  const out: BenchmarkColumns[] = [];
  const {length, benchmark, category, label, metric, instance, value, normalized, main} = input;
  const orNull = (x: number) => (x === x ? x : null);
  for (let start = 0; start < length; ) {
    const code = benchmark.codes[start];
    let end = start + 1;
    while (end < length && benchmark.codes[end] === code) end++;
    const from = start;
    out.push(buildBenchmark(benchmark.values[code], category.values[category.codes[from]] ?? "", pointSet, (visit) => {
      for (let i = from; i < end; i++) {
        visit(label.values[label.codes[i]], metric.values[metric.codes[i]], instance.values[instance.codes[i]], orNull(value[i]), orNull(normalized[i]), main(i));
      }
    }));
    start = end;
  }
  const ids = out.map((b) => b.benchmark);
  if (new Set(ids).size !== ids.length) throw new Error("columnsFromColumns: the rows of a benchmark are not consecutive");
  return out;
}
