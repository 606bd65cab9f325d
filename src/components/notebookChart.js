// A cell's quick chart: which Plot mark and channels to draw from a result's columns. The plan is
// plain data, so the page draws it with Plot and "Export as page" writes the same plan as code;
// a chart in the browser and in an exported page cannot differ.

/** The kind of a result column for charting: "number", "date", "boolean" or "text". */
export function columnKind(arrowType) {
  const id = arrowType?.typeId;
  // Arrow type ids: Int 2, Float 3, Decimal 7, Date 8, Time 9, Timestamp 10, Bool 6.
  if (id === 2 || id === 3 || id === 7) return "number";
  if (id === 8 || id === 10) return "date";
  if (id === 6) return "boolean";
  return "text";
}

/**
 * The chart a result gets before anyone chooses: a line over a date, bars of a number per
 * category, dots of two numbers (when the result leads with a number), a heatmap of two categories, counts of one column. `columns`
 * are `{name, kind}`; null when there is nothing to draw.
 */
export function defaultChart(columns) {
  const of = (...kinds) => columns.filter((c) => kinds.includes(c.kind)).map((c) => c.name);
  const numbers = of("number");
  const dates = of("date");
  const categories = of("text", "boolean");
  const chart = (mark, x, y = null, color = null) => ({mark, x, y, color, facet: null});
  if (dates.length && numbers.length) return chart("line", dates[0], numbers[0], categories[0] ?? null);
  // Two numbers make a scatter unless the result leads with a category (then bars per category).
  if (numbers.length >= 2 && columns[0].kind === "number") return chart("dot", numbers[0], numbers[1], categories[0] ?? null);
  if (categories.length && numbers.length) return chart("bar", categories[0], numbers[0], categories[1] ?? null);
  if (numbers.length >= 2) return chart("dot", numbers[0], numbers[1]);
  if (categories.length >= 2) return chart("cell", categories[0], categories[1]);
  if (columns.length) return chart("bar", columns[0].name);
  return null;
}

/** Why `chart` cannot be drawn over `columns` (a column it names is gone), or null when it can. */
export function chartProblem(chart, columns) {
  const names = new Set(columns.map((c) => c.name));
  if (!chart.x) return "Choose a column for x.";
  for (const channel of ["x", "y", "color", "facet"]) {
    if (chart[channel] && !names.has(chart[channel])) {
      return `The chart uses the column "${chart[channel]}" (${channel}), which this result does not have; choose another.`;
    }
  }
  if (chart.mark === "box" && !chart.y && columns.find((c) => c.name === chart.x)?.kind !== "number") return "A box plot needs a numeric x or y.";
  return null;
}

/**
 * The Plot calls of a chart: `{plot, marks}` where `plot` holds options of `Plot.plot` and each
 * mark is `{fn, options}` or `{fn, transform: {fn, outputs}, options}` (a Plot transform around the
 * options). `columns` give each channel's kind.
 */
export function chartPlan(chart, columns) {
  const kind = (name) => columns.find((c) => c.name === name)?.kind;
  const {mark, x, y, color, facet} = chart;
  const numeric = (name) => kind(name) === "number" || kind(name) === "date";
  const plot = {grid: true};
  const common = facet ? {fy: facet} : {};
  const marks = [];
  // Categories along y need room for their labels.
  if (y && !numeric(y)) plot.marginLeft = 120;
  if (color) plot.color = {legend: true};
  if (mark === "dot") {
    marks.push({fn: "dot", options: {x, ...(y ? {y} : {}), ...(color ? {stroke: color} : {}), ...common, tip: true}});
  } else if (mark === "bar") {
    if (!y) {
      marks.push(numeric(x)
        ? {fn: "rectY", transform: {fn: "binX", outputs: {y: "count"}}, options: {x, ...(color ? {fill: color} : {}), ...common, tip: true}}
        : {fn: "barY", transform: {fn: "groupX", outputs: {y: "count"}}, options: {x, ...(color ? {fill: color} : {}), ...common, tip: true}});
    } else if (numeric(x) && !numeric(y)) {
      marks.push({fn: "barX", options: {x, y, ...(color ? {fill: color} : {}), ...common, tip: true}});
    } else {
      marks.push({fn: "barY", options: {x, y, ...(color ? {fill: color} : {}), ...common, tip: true}});
    }
    marks.push({fn: numeric(x) && y && !numeric(y) ? "ruleX" : "ruleY", options: {}, zero: true});
  } else if (mark === "line") {
    marks.push({fn: "line", options: {x, ...(y ? {y} : {}), ...(color ? {stroke: color} : {}), ...common, sort: {channel: "x"}}});
    marks.push({fn: "dot", options: {x, ...(y ? {y} : {}), ...(color ? {fill: color} : {}), ...common, r: 2, tip: true}});
  } else if (mark === "cell") {
    marks.push(color
      ? {fn: "cell", options: {x, ...(y ? {y} : {}), fill: color, ...common, tip: true}}
      : {fn: "cell", transform: {fn: "group", outputs: {fill: "count"}}, options: {x, ...(y ? {y} : {}), ...common, tip: true}});
    if (!color) plot.color = {legend: true, label: "rows"};
  } else if (mark === "box") {
    marks.push(y && numeric(y)
      ? {fn: "boxY", options: {...(x && !numeric(x) ? {x} : {}), y, ...common}}
      : {fn: "boxX", options: {x, ...(y ? {y} : {}), ...common}});
  }
  return {plot, marks};
}

/** Draws a plan with `Plot` over `data` at `width`. */
export function drawPlan(Plot, plan, data, width) {
  const marks = plan.marks.map((m) => {
    if (m.zero) return Plot[m.fn]([0]);
    return Plot[m.fn](data, m.transform ? Plot[m.transform.fn](m.transform.outputs, m.options) : m.options);
  });
  return Plot.plot({...plan.plot, width, marks});
}

/** The same plan as the source of a `Plot.plot` call over the variable `data` (for exported pages). */
export function planSource(plan, data) {
  const json = (v) => JSON.stringify(v);
  const marks = plan.marks.map((m) => {
    if (m.zero) return `Plot.${m.fn}([0])`;
    return `Plot.${m.fn}(${data}, ${m.transform ? `Plot.${m.transform.fn}(${json(m.transform.outputs)}, ${json(m.options)})` : json(m.options)})`;
  });
  const options = Object.entries(plan.plot).map(([k, v]) => `${k}: ${json(v)}`);
  return `Plot.plot({${[...options, "width", `marks: [\n  ${marks.join(",\n  ")}\n]`].join(", ")}})`;
}
