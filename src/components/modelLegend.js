// A legend of model colours, the same on every page: a swatch per entry (filled for our own runs
// and the published models, outlined for imported results), in the order the page gives.
// Swatches are styled spans, not SVG, so that they never count as marks of a chart.

/**
 * A legend for `keys` (entry labels or published display names) coloured by `colors`, the
 * registry of siteModels.js. Each item carries its key in `data-model`.
 */
export function ModelLegend(keys, colors) {
  const legend = document.createElement("div");
  legend.className = "model-legend";
  legend.style.cssText = "display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font: 12px var(--sans-serif); margin: 0.5rem 0;";
  for (const key of keys) {
    const item = document.createElement("span");
    item.dataset.model = key;
    item.style.cssText = "display: inline-flex; align-items: center; gap: 0.35rem;";
    const swatch = document.createElement("span");
    swatch.className = "model-swatch";
    const color = colors.color(key);
    swatch.style.cssText = `display: inline-block; box-sizing: border-box; width: 11px; height: 11px; border-radius: 50%; border: 2px solid ${color}; background: ${colors.fill(key) === "none" ? "transparent" : color};`;
    item.append(swatch, key);
    legend.append(item);
  }
  if (keys.some((key) => colors.imported(key))) {
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = keys.some((key) => colors.published?.(key)) ? "outlined: imported or published results" : "outlined: imported results";
    legend.append(note);
  }
  return legend;
}
