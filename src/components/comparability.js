// Comparability with the published MedHELM results, for the leaderboard and Explore: the badge a
// cell of a run carries when it differs from the paper's setting, and HELM's mean win rate over
// whichever cells a page keeps (point values: the "comparable cells only" view is not resampled).
// Pure: no DOM and no imports, so it is unit-tested in Node (test/comparability-page.test.ts).

/**
 * The badge of a leaderboard cell: "published" for the paper's own cells, "comparable" or
 * "differs" for a run's cells (with the reasons as its title), null where nothing was compared
 * (no published results, or an imported entry whose settings our runs did not record).
 */
export function cellBadge(cell) {
  if (cell.source === "medhelm-paper") return {kind: "published", text: "paper", title: "published MedHELM result (no instances)"};
  if (cell.comparable === true) return {kind: "comparable", text: "=", title: "comparable with the paper's setting"};
  if (cell.comparable === false) return {kind: "differs", text: "≠", title: cell.comparability ?? "differs from the paper's setting"};
  return null;
}

/** Whether a cell stays under "comparable cells only": the paper's cells and the runs' comparable ones. */
export function keepsComparable(cell) {
  return cell.source === "medhelm-paper" || cell.comparable === true;
}

/**
 * HELM's mean win rate of each label over `cells` ({label, benchmark, value}): per benchmark the
 * share of the other scored labels a label beats (ties one half), averaged over the benchmarks
 * where it has a value and at least one rival. Returns rows sorted by win rate (best first), with
 * competition ranks and the number of benchmarks each label was ranked on.
 */
export function pointWinRates(cells) {
  const byBenchmark = new Map();
  for (const c of cells) {
    if (c.value == null || Number.isNaN(c.value)) continue;
    if (!byBenchmark.has(c.benchmark)) byBenchmark.set(c.benchmark, []);
    byBenchmark.get(c.benchmark).push(c);
  }
  const rates = new Map();
  for (const column of byBenchmark.values()) {
    if (column.length < 2) continue;
    for (const c of column) {
      let wins = 0;
      for (const d of column) if (d !== c) wins += d.value < c.value ? 1 : d.value === c.value ? 0.5 : 0;
      if (!rates.has(c.label)) rates.set(c.label, []);
      rates.get(c.label).push(wins / (column.length - 1));
    }
  }
  const rows = [...rates].map(([label, xs]) => ({label, win_rate: xs.reduce((a, b) => a + b, 0) / xs.length, n_benchmarks: xs.length}));
  rows.sort((a, b) => b.win_rate - a.win_rate || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return rows.map((r) => ({...r, rank: 1 + rows.filter((s) => s.win_rate > r.win_rate).length}));
}
