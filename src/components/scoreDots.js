// A dot plot of scores with their 95 % intervals: one row per benchmark (or any band), one dot and
// interval per leaderboard entry, each entry offset vertically so that intervals never overlap.
// Each entry is drawn in its model's site-wide colour (siteModels.js); axes use currentColor.
import * as Plot from "npm:@observablehq/plot";
import {formatEstimate} from "./format.js";
import {labelMargin} from "./labelMargin.js";

/**
 * `rows` carry `label`, the band field `y` and `x`, `x1`, `x2` (estimate and interval ends).
 * `labels` fixes the entry order; `colors` (the registry of siteModels.js) the colours; `bands`
 * the band order (default: first appearance). Imported entries are drawn as outlined dots.
 */
export function ScoreDots(rows, {labels, colors, bands, width, y = "benchmark_name", x = "value_normalized", x1 = "ci_low_normalized", x2 = "ci_high_normalized", domain = [0, 1], xLabel = "score (0-1, normalized) with 95 % bootstrap CI", marginLeft = 180} = {}) {
  const order = bands ?? [...new Set(rows.map((d) => d[y]))];
  const band = new Map(order.map((b, i) => [b, i]));
  const entry = new Map(labels.map((l, i) => [l, i]));
  // Each entry sits at its own offset inside its band, on a numeric axis whose ticks name the
  // bands: two marks in all, however many entries, which keeps redraws fast.
  const step = Math.min(0.8 / Math.max(1, labels.length), 0.2);
  const position = (d) => band.get(d[y]) + (entry.get(d.label) - (labels.length - 1) / 2) * step;
  const scored = rows.filter((d) => d[x] != null && band.has(d[y]) && entry.has(d.label));
  const rowHeight = Math.max(26, labels.length * 6 + 14);
  // On a narrow page the margin gives way (labelMargin.js), and band names are cut to fit it
  // (each dot's tooltip still names its band in full).
  const left = labelMargin(width, marginLeft);
  // About 5.5 px per character at Plot's 10 px font, less the tick label's 8.5 px offset.
  const chars = Math.max(1, Math.floor((left - 10) / 5.5));
  const fit = (name) => (left < marginLeft && String(name).length > chars ? `${String(name).slice(0, chars - 1)}…` : name);
  return Plot.plot({
    width,
    height: order.length * rowHeight + 44,
    marginLeft: left,
    x: {domain, label: xLabel, grid: true},
    y: {domain: [order.length - 0.5, -0.5], ticks: order.map((_, i) => i), tickFormat: (i) => fit(order[i]), tickSize: 0, label: null},
    marks: [
      Plot.frame({strokeOpacity: 0.1}),
      Plot.gridY(order.map((_, i) => i + 0.5).slice(0, -1), {strokeOpacity: 0.06}),
      Plot.ruleY(scored, {y: position, x1, x2, ariaLabel: "label", stroke: (d) => colors.color(d.label), strokeWidth: 1.5, strokeOpacity: 0.75}),
      Plot.dot(scored, {
        y: position, x, ariaLabel: "label", fill: (d) => colors.fill(d.label), stroke: (d) => colors.color(d.label), strokeWidth: 1.5, r: 3.5, tip: true,
        title: (d) => `${d.label}\n${d[y]}${d.metric ? ` · ${d.metric}` : ""}\n${formatEstimate(d[x], d[x1], d[x2])}${d.n_scored != null ? `\nn = ${d.n_scored}` : ""}`
      })
    ]
  });
}
