// Label margins that give way on narrow pages (a phone, a split window).

/**
 * The left margin for a chart of `width` whose labels want `wanted` pixels: at most 40 % of the
 * width. A fixed margin wider than the page leaves Plot a plot area of negative width, whose frame
 * or bars are <rect>s of negative width that the browser reports as errors; the labels are cut
 * instead (tooltips still name them in full). Without a width (static rendering) it is `wanted`.
 */
export function labelMargin(width, wanted) {
  return width == null ? wanted : Math.max(0, Math.min(wanted, Math.floor(width * 0.4)));
}

/**
 * The width of a grid chart (a heatmap) with `columns` columns of at least `cell` pixels after a
 * `margins`-pixel margin: the page's `width` when they fit, wider otherwise, so that the chart's
 * container scrolls rather than the cells shrinking to nothing.
 */
export function gridWidth(width, columns, margins, cell = 18) {
  const needed = margins + columns * cell;
  return width == null ? undefined : Math.max(width, needed);
}
