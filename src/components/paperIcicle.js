// An icicle layout of the taxonomy: category | subcategory | benchmark columns, each block as tall
// as the benchmarks under it. Pure (no DOM), so the page draws it with Plot's rect and text marks.

/**
 * Blocks for `benchmarks` (already filtered and in taxonomy order), grouped by `category` then
 * `subcategory`: one block per category (depth 0), subcategory (depth 1) and benchmark (depth 2),
 * with y0/y1 in benchmark units and, for groups, how many of their benchmarks have data.
 */
export function icicle(benchmarks, {categories, subcategories}) {
  const blocks = [];
  let y = 0;
  for (const category of categories) {
    const inCategory = benchmarks.filter((b) => b.category === category.id);
    if (!inCategory.length) continue;
    const c0 = y;
    for (const sub of subcategories.filter((s) => s.category === category.id)) {
      const inSub = inCategory.filter((b) => b.subcategory === sub.id);
      if (!inSub.length) continue;
      const s0 = y;
      for (const b of inSub) {
        blocks.push({depth: 2, id: b.id, name: b.name, y0: y, y1: y + 1, coverage: b.coverage, benchmark: b});
        y += 1;
      }
      blocks.push(group(1, sub, s0, y, inSub));
    }
    blocks.push(group(0, category, c0, y, inCategory));
  }
  return blocks;
}

function group(depth, node, y0, y1, benchmarks) {
  const withData = benchmarks.filter((b) => b.coverage === "available").length;
  return {depth, id: node.id, name: node.name, description: node.description, y0, y1, n: benchmarks.length, with_data: withData};
}
