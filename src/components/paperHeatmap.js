// A models x columns heatmap with the value printed in each cell; missing cells are grey and say why.
import * as Plot from "npm:@observablehq/plot";
import {gridWidth} from "./labelMargin.js";

/**
 * Draws `cells` ({row, column, value, note?, raw?}) with rows and columns in the given orders.
 * Values are on 0-1; a null value is drawn grey with a dash ("=" for a tie) and its note in the
 * tooltip. `groups` (column -> label) prints a group label above the first column of each group.
 * `rowColors` (row -> colour) puts a dot in each row's colour between its label and its cells, so
 * that rows that are models carry the colour they have on every page.
 * A plot wider than the page keeps its size so that its container can scroll: it is at least as
 * wide as its margin and 14 px per column, however narrow the page.
 */
export function Heatmap(cells, {rows, columns, groups = null, width, rowLabel = null, columnLabel = null, legend = "score (0-1)", marginLeft = 200, marginBottom = 120, rotate = -45, cellHeight = 26, digits = 2, rowColors = null} = {}) {
  const present = cells.filter((d) => d.value !== null);
  const missing = cells.filter((d) => d.value === null);
  const marginTop = groups ? 120 : 10;
  const plot = Plot.plot({
    width: gridWidth(width, columns.length, marginLeft + 20, 14),
    height: rows.length * cellHeight + marginBottom + marginTop,
    marginLeft,
    marginBottom,
    marginTop,
    padding: 0.04,
    x: {domain: columns, label: columnLabel},
    y: {domain: rows, label: rowLabel},
    color: {type: "linear", scheme: "blues", domain: [0, 1], legend: true, label: legend},
    marks: [
      Plot.axisX({anchor: "bottom", tickRotate: rotate, label: columnLabel}),
      rowColors ? Plot.axisY({tickSize: 0, tickPadding: 18, label: rowLabel}) : null,
      rowColors ? Plot.dot(rows, {y: (d) => d, frameAnchor: "left", dx: -9, r: 4.5, fill: (d) => rowColors(d), ariaLabel: (d) => d}) : null,
      groups ? Plot.axisX({anchor: "top", tickRotate: -30, tickSize: 0, label: null, fontWeight: "bold", tickFormat: (d) => groups.get(d) ?? ""}) : null,
      Plot.cell(missing, {x: "column", y: "row", fill: "#ddd", title: (d) => `${d.row}\n${d.column}\n${d.note ?? "no value"}`}),
      Plot.cell(present, {x: "column", y: "row", fill: "value", title: (d) => `${d.row}\n${d.column}\n${d.value.toFixed(3)}${d.raw !== undefined && d.raw !== null ? ` (raw ${d.raw})` : ""}`}),
      Plot.text(present, {x: "column", y: "row", text: (d) => d.value.toFixed(digits), fill: (d) => (d.value > 0.6 ? "white" : "black"), fontSize: 10}),
      Plot.text(missing, {x: "column", y: "row", text: (d) => (d.note === "tie" ? "=" : "–"), fill: "#555", fontSize: 10})
    ]
  });
  // Plot caps SVGs at the container's width, which would shrink a wide heatmap instead of letting it scroll.
  for (const svg of plot.tagName === "svg" ? [plot] : plot.querySelectorAll("svg")) svg.style.maxWidth = "none";
  return plot;
}
