/**
 * The columns the site's statistics read: one per (entry, benchmark, metric), aligned to the
 * benchmark's instances, with a content key that changes exactly when the column's statistics
 * could. Also the statistics' per-column memo: adding an entry recomputes only its own columns.
 */
import {describe, expect, it} from "vitest";
import {memoryConnection} from "../../data-loaders/formats/parquet.ts";
import {readStatColumns} from "../../data-loaders/site/archive.ts";
import {columnsFromRows, type StatRow} from "../../data-loaders/site/stat-columns.ts";
import {cellIntervalsOf, metricCorrelationsOf, pairComparisonsOf, winRateRowsOf, type StatsMemo} from "../../data-loaders/site/stats.ts";

const row = (label: string, benchmark: string, metric: string, instance: string, value: number | null, main = metric === "exact_match"): StatRow => ({
  label, benchmark, category: "c1", metric, instance_id: instance, value, value_normalized: value, is_main: main
});

/** Three entries on two benchmarks; "pub" is a published point entry (one summary row). */
const rows: StatRow[] = [
  ...["i2", "i1", "i3"].flatMap((id, k) => [row("b", "qa", "exact_match", id, k % 2), row("a", "qa", "exact_match", id, 1), row("a", "qa", "f1", id, 0.5 + k / 10)]),
  row("a", "notes", "exact_match", "n1", 0), row("a", "notes", "exact_match", "n2", null),
  row("pub", "qa", "exact_match", "__leaderboard__", 0.7)
];

describe("columnsFromRows", () => {
  it("aligns each entry's values to the benchmark's sorted instances, NaN where it has none, and keeps point entries apart", () => {
    const [notes, qa] = columnsFromRows(rows, ["pub"]);
    expect(qa.instances).toEqual(["i1", "i2", "i3"]);
    expect(qa.columns.map((c) => [c.label, c.metric, c.main])).toEqual([["a", "exact_match", true], ["a", "f1", false], ["b", "exact_match", true]]);
    expect([...qa.columns[2].value]).toEqual([1, 0, 0]);
    expect(qa.points).toEqual([{label: "pub", metric: "exact_match", main: true, value: 0.7, normalized: 0.7}]);
    expect(notes.instances).toEqual(["n1", "n2"]);
    expect([...notes.columns[0].value]).toEqual([0, NaN]);
    expect(qa.category).toBe("c1");
  });

  it("gives a column the same key while its values and its benchmark's instances stay, and a new one when either changes", () => {
    const keys = (input: StatRow[]) => new Map(columnsFromRows(input, ["pub"]).flatMap((b) => b.columns.map((c) => [`${b.benchmark}/${c.label}/${c.metric}`, c.key])));
    const before = keys(rows);
    const withEntry = keys([...rows, ...["i1", "i2", "i3"].map((id) => row("c", "qa", "exact_match", id, 1))]);
    for (const [id, key] of before) expect(withEntry.get(id)).toBe(key);
    expect(withEntry.get("qa/c/exact_match")).toBeDefined();
    const changed = keys(rows.map((r) => (r.label === "b" && r.instance_id === "i1" ? {...r, value: 0.5} : r)));
    expect(changed.get("qa/b/exact_match")).not.toBe(before.get("qa/b/exact_match"));
    expect(changed.get("qa/a/exact_match")).toBe(before.get("qa/a/exact_match"));
    const newInstance = keys([...rows, row("a", "qa", "exact_match", "i4", 1)]);
    expect(newInstance.get("qa/b/exact_match")).not.toBe(before.get("qa/b/exact_match"));
    expect(newInstance.get("notes/a/exact_match")).toBe(before.get("notes/a/exact_match"));
  });
});

describe("readStatColumns", () => {
  it("reads instance_values from DuckDB into the same columns as the rows give", async () => {
    const {connection, close} = await memoryConnection();
    try {
      await connection.run(`CREATE TABLE catalogue (benchmark VARCHAR, category VARCHAR)`);
      await connection.run(`INSERT INTO catalogue VALUES ('qa', 'c1'), ('notes', 'c1')`);
      await connection.run(`CREATE TABLE instance_values (label VARCHAR, benchmark VARCHAR, metric VARCHAR, instance_id VARCHAR, is_main BOOLEAN, value DOUBLE, value_normalized DOUBLE)`);
      const literal = (x: string | number | boolean | null) => (x === null ? "NULL" : typeof x === "string" ? `'${x}'` : String(x));
      await connection.run(`INSERT INTO instance_values VALUES ${rows.map((r) => `(${[r.label, r.benchmark, r.metric, r.instance_id, r.is_main ?? false, r.value, r.value_normalized].map(literal).join(", ")})`).join(", ")}`);
      const read = await readStatColumns(connection, new Set(["pub"]));
      expect(read).toEqual(columnsFromRows(rows, ["pub"]));
    } finally {
      close();
    }
  });
});

describe("statistics over columns with a memo", () => {
  /** A memo that counts computations per namespace, over one store shared across "builds". */
  const countingMemo = (store: Map<string, unknown>, computed: Map<string, number>): StatsMemo => (namespace, key, compute) => {
    const id = `${namespace}/${key}`;
    if (!store.has(id)) {
      computed.set(namespace, (computed.get(namespace) ?? 0) + 1);
      store.set(id, compute());
    }
    return store.get(id) as ReturnType<typeof compute>;
  };

  it("recomputes only the added entry's cells and sums, with the same results as without a memo", () => {
    const base = ["i1", "i2", "i3", "i4", "i5"].flatMap((id, k) => ["a", "b", "d"].map((label, e) => row(label, "qa", "exact_match", id, (k + e) % 2)));
    const added = [...base, ...["i1", "i2", "i3", "i4", "i5"].map((id, k) => row("c", "qa", "exact_match", id, k < 3 ? 1 : 0))];
    const store = new Map<string, unknown>();
    const first = new Map<string, number>();
    cellIntervalsOf(columnsFromRows(base), {resamples: 200, memo: countingMemo(store, first)});
    winRateRowsOf(columnsFromRows(base), {resamples: 200, memo: countingMemo(store, first)});
    expect(Object.fromEntries(first)).toEqual({"cell-interval": 3, "main-sums": 3, "win-rates": 1});

    const second = new Map<string, number>();
    const memo = countingMemo(store, second);
    const columns = columnsFromRows(added);
    const cells = cellIntervalsOf(columns, {resamples: 200, memo});
    const rates = winRateRowsOf(columns, {resamples: 200, memo});
    const pairs = pairComparisonsOf(columns, {resamples: 200, memo});
    expect(Object.fromEntries(second)).toEqual({"cell-interval": 1, "main-sums": 1, "win-rates": 1});
    expect(cells).toEqual(cellIntervalsOf(columnsFromRows(added), {resamples: 200}));
    expect(rates).toEqual(winRateRowsOf(columnsFromRows(added), {resamples: 200}));
    expect(pairs).toEqual(pairComparisonsOf(columnsFromRows(added), {resamples: 200}));
    expect(pairs.differences).toHaveLength(6);
  });
});

describe("metricCorrelationsOf", () => {
  it("names the main metric as asked, pairs metrics over each entry's instances and pools benchmarks, without point entries", () => {
    const values = [
      ...["i1", "i2", "i3", "i4"].flatMap((id, k) => ["a", "b"].flatMap((label, e) => [row(label, "qa", "exact_match", id, k + e), row(label, "qa", "f1", id, 2 * (k + e))])),
      ...["n1", "n2", "n3"].flatMap((id, k) => [row("a", "notes", "exact_match", id, k), row("a", "notes", "f1", id, -k)]),
      row("pub", "qa", "exact_match", "__leaderboard__", 0.7), row("pub", "qa", "f1", "__leaderboard__", 99)
    ];
    const out = metricCorrelationsOf(columnsFromRows(values, ["pub"]), {mainAs: "jury_score"});
    expect(out.map((c) => [c.benchmark, c.metric_x, c.metric_y, c.n, c.spearman])).toEqual([
      ["notes", "f1", "jury_score", 3, -1],
      ["qa", "f1", "jury_score", 8, 1],
      ["all", "f1", "jury_score", 11, expect.any(Number)]
    ]);
  });
});
