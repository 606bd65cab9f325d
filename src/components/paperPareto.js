// The cost-performance Pareto frontier: the models that no other model beats on both cost and win rate.

/**
 * Points on the frontier, cheapest first: a point is on it when every cheaper-or-equal point has
 * a strictly lower win rate. Points with a missing cost or win rate are left out. At equal cost
 * only the best win rate can be on the frontier.
 */
export function paretoFrontier(points, {cost = (d) => d.cost, score = (d) => d.score} = {}) {
  const valid = points.filter((d) => Number.isFinite(cost(d)) && Number.isFinite(score(d)));
  const sorted = [...valid].sort((a, b) => cost(a) - cost(b) || score(b) - score(a));
  const frontier = [];
  let best = -Infinity;
  for (const d of sorted) {
    if (score(d) > best) {
      frontier.push(d);
      best = score(d);
    }
  }
  return frontier;
}
