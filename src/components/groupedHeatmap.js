// A heatmap whose rows are grouped under headings (benchmarks under their category) and whose
// columns are models. Long suites grow downwards, never sideways: the plot fits `width`, unless the page is too narrow for its cells (it then scrolls).
import * as Plot from "npm:@observablehq/plot";
import {gridWidth} from "./labelMargin.js";

/**
 * Draws `cells` ({row, column, value, note?, raw?}, values on 0-1) with `groups` ([{name, rows}])
 * giving the row order and a heading above each group, and `columns` the column order. A null
 * value is drawn grey with a dash ("=" for a tie) and its note in the tooltip. With `colors` (the
 * registry of siteModels.js) each column carries a dot in its model's site-wide colour.
 */
export function GroupedHeatmap(cells, {groups, columns, width, colors = null, legend = "score (0-1)", rowHeight = 20, marginLeft = 210, digits = 2} = {}) {
  // Headings take a row of their own; their keys cannot collide with a row name.
  const heading = (i) => `\u0000${i}`;
  const domain = groups.flatMap((g, i) => [heading(i), ...g.rows]);
  const headings = groups.map((g, i) => ({key: heading(i), name: g.name}));
  const rowNames = groups.flatMap((g) => g.rows);
  const present = cells.filter((d) => d.value !== null);
  const missing = cells.filter((d) => d.value === null);
  // Column labels are turned 45 degrees and run up and to the left of their column, so they
  // need height in proportion to their length and never reach past the right edge.
  const longest = Math.max(0, ...columns.map((c) => String(c).length));
  const marginTop = Math.min(260, 30 + Math.ceil(longest * 4.4));
  const marginRight = 12;
  // On a narrow page the chart keeps a usable cell width and its container scrolls.
  const chartWidth = gridWidth(width, columns.length, marginLeft + marginRight, 8) ?? 640;
  const columnWidth = (chartWidth - marginLeft - marginRight) / Math.max(1, columns.length);
  // Numbers are printed only where they fit; the tooltip always has them.
  const printed = columnWidth >= 6.2 * (digits + 2) + 4;
  const fontSize = 10;
  const plot = Plot.plot({
    width: chartWidth,
    height: domain.length * rowHeight + marginTop + 10,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom: 10,
    x: {domain: columns, axis: null, padding: 0.04},
    y: {domain, axis: null, padding: 0.08},
    color: {type: "linear", scheme: "blues", domain: [0, 1], legend: true, label: legend},
    marks: [
      Plot.axisX({anchor: "top", tickRotate: 45, tickSize: 0, tickPadding: colors ? 16 : 6, label: null, fontSize}),
      colors ? Plot.dot(columns, {x: (d) => d, ariaLabel: (d) => d, title: (d) => d, frameAnchor: "top", dy: -8, r: 4, fill: (d) => colors.fill(d), stroke: (d) => colors.color(d), strokeWidth: 1.5}) : null,
      Plot.cell(headings.flatMap((h) => columns.map((column) => ({row: h.key, column}))), {x: "column", y: "row", fill: "currentColor", fillOpacity: 0.04, inset: 0}),
      Plot.text(headings, {y: "key", text: "name", frameAnchor: "left", textAnchor: "start", dx: -marginLeft + 2, fontWeight: "bold", fontSize: 11}),
      Plot.text(rowNames, {y: (d) => d, text: (d) => d, frameAnchor: "left", textAnchor: "start", dx: -marginLeft + 14, fontSize: 11, lineWidth: (marginLeft - 22) / 11, textOverflow: "ellipsis"}),
      Plot.cell(missing, {x: "column", y: "row", fill: "#ddd", title: (d) => `${d.row}\n${d.column}\n${d.note ?? "no value"}`}),
      Plot.cell(present, {x: "column", y: "row", fill: "value", title: (d) => `${d.row}\n${d.column}\n${d.value.toFixed(3)}${d.raw !== undefined && d.raw !== null ? ` (raw ${d.raw})` : ""}`}),
      printed ? Plot.text(present, {x: "column", y: "row", text: (d) => d.value.toFixed(digits), fill: (d) => (d.value > 0.6 ? "white" : "black"), fontSize}) : null,
      Plot.text(missing, {x: "column", y: "row", text: (d) => (d.note === "tie" ? "=" : "–"), fill: "#555", fontSize})
    ]
  });
  return plot;
}
