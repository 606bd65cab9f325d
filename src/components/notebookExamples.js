// Example cells that answer questions the fixed pages do not, one click each. Every query reads
// only tables the site ships, so each runs on any build (the browser test runs all of them).

const chart = (mark, x, y = null, color = null, facet = null) => ({mark, x, y, color, facet});

/** The examples: a title (the question), the SQL and, where a chart says it better, a chart. */
export const EXAMPLES = [
  {
    title: "Leaderboard: HELM mean win rate with its interval and the macro-average",
    sql: `SELECT label, win_rate, win_rate_low, win_rate_high, macro_avg, n_benchmarks
FROM win_rates
WHERE scope = 'all'
ORDER BY rank NULLS LAST, label`,
    chart: chart("bar", "label", "win_rate")
  },
  {
    title: "Sub-run macro-average as HELM computes it (mean per sub-run, then the mean of sub-runs)",
    sql: `-- HELM averages each sub-run (e.g. a MedDialog subset) first, then averages the sub-runs.
WITH per_subrun AS (
  SELECT e.label, s.benchmark, coalesce(i.subset, '(one sub-run)') AS subrun,
    avg(s.value) AS mean_value, count(s.value) AS n_scored
  FROM scores s
  JOIN entries e USING (run_id, model)
  LEFT JOIN instances i USING (run_id, benchmark, instance_id)
  WHERE s.is_main
  GROUP BY ALL)
SELECT label, benchmark, avg(mean_value) AS subrun_macro_average,
  count(*) AS subruns, sum(n_scored) AS n_scored
FROM per_subrun
GROUP BY ALL
ORDER BY benchmark, subrun_macro_average DESC NULLS LAST`
  },
  {
    title: "Judge disagreement per benchmark (spread of the judges' composite scores per answer)",
    sql: `WITH spread AS (
  SELECT benchmark, run_id, label, instance_id,
    max(composite) - min(composite) AS spread, count(*) AS judges
  FROM judge_composites
  GROUP BY ALL
  HAVING count(*) >= 2)
SELECT benchmark, count(*) AS answers, avg(spread) AS mean_spread, max(spread) AS max_spread,
  avg(CASE WHEN spread >= 1 THEN 1 ELSE 0 END) AS share_apart_by_1_point
FROM spread
GROUP BY benchmark
ORDER BY mean_spread DESC`,
    chart: chart("bar", "benchmark", "mean_spread")
  },
  {
    title: "The answers the judges disagreed on most",
    sql: `SELECT benchmark, label, instance_id, min(composite) AS lowest, max(composite) AS highest,
  max(composite) - min(composite) AS spread, string_agg(judge || ': ' || round(composite, 2), '; ' ORDER BY judge) AS verdicts
FROM judge_composites
GROUP BY benchmark, run_id, label, instance_id
HAVING count(*) >= 2
ORDER BY spread DESC, benchmark, instance_id
LIMIT 25`
  },
  {
    title: "Why answers are unscored, across benchmarks",
    sql: `SELECT reason, sum(n) AS answers, count(DISTINCT benchmark) AS benchmarks,
  string_agg(DISTINCT model, ', ') AS models
FROM unscored_reasons
GROUP BY reason
ORDER BY answers DESC`,
    chart: chart("bar", "answers", "reason")
  },
  {
    title: "Cost per win-rate point (USD per percentage point of mean win rate)",
    sql: `SELECT w.label, w.win_rate, c.total_cost,
  c.total_cost / nullif(100 * w.win_rate, 0) AS usd_per_win_rate_point
FROM win_rates w
LEFT JOIN own_costs c USING (label)
WHERE w.scope = 'all'
ORDER BY usd_per_win_rate_point NULLS LAST, w.win_rate DESC NULLS LAST`,
    chart: chart("dot", "total_cost", "win_rate", "label")
  },
  {
    title: "Paired differences of the two top-ranked models, per benchmark",
    sql: `WITH top AS (
  SELECT label FROM win_rates WHERE scope = 'all' ORDER BY rank NULLS LAST, label LIMIT 2)
SELECT benchmark_name, label_a, label_b, n, difference, difference_low, difference_high, p_value
FROM pair_differences
WHERE label_a IN (SELECT label FROM top) AND label_b IN (SELECT label FROM top)
ORDER BY difference DESC`,
    chart: chart("bar", "difference", "benchmark_name")
  },
  {
    title: "Win rate without the gated and private benchmarks",
    sql: `-- HELM's mean win rate, recomputed over the public benchmarks only (ties count one half).
WITH cells AS (
  SELECT label, benchmark, value FROM leaderboard
  WHERE is_main AND access = 'public' AND value IS NOT NULL),
wins AS (
  SELECT a.label, a.benchmark,
    avg(CASE WHEN a.value > b.value THEN 1 WHEN a.value = b.value THEN 0.5 ELSE 0 END) AS win_rate
  FROM cells a JOIN cells b ON a.benchmark = b.benchmark AND a.label <> b.label
  GROUP BY ALL)
SELECT label, avg(win_rate) AS public_win_rate, count(*) AS benchmarks
FROM wins
GROUP BY label
ORDER BY public_win_rate DESC`,
    chart: chart("bar", "label", "public_win_rate")
  },
  {
    title: "Normalized main score per category (heatmap)",
    sql: `SELECT category_name, label, avg(value_normalized) AS score, count(value) AS benchmarks
FROM leaderboard
WHERE is_main
GROUP BY ALL
ORDER BY category_name, label`,
    chart: chart("cell", "category_name", "label", "score")
  },
  {
    title: "Score by prompt length (short, medium, long prompts)",
    sql: `SELECT e.label,
  CASE WHEN i.input_chars < 1000 THEN '1 short (< 1k chars)'
       WHEN i.input_chars < 4000 THEN '2 medium (1k-4k)'
       ELSE '3 long (>= 4k)' END AS prompt_length,
  avg(s.value_normalized) AS mean_score, count(s.value) AS n_scored
FROM scores s
JOIN instances i USING (run_id, benchmark, instance_id)
JOIN entries e USING (run_id, model)
WHERE s.is_main
GROUP BY ALL
ORDER BY ALL`,
    chart: chart("line", "prompt_length", "mean_score", "label")
  },
  {
    title: "Judge reliability: share of usable verdicts per judge and benchmark",
    sql: `SELECT benchmark, judge, n, n_ok, success_rate, top_reason
FROM judge_success
ORDER BY success_rate, benchmark, judge`,
    chart: chart("cell", "judge", "benchmark", "success_rate")
  },
  {
    title: "Tokens, latency, failures and cost per model",
    sql: `SELECT model, count(*) AS answers, count(error) AS failed,
  avg(input_tokens) AS mean_input_tokens, avg(output_tokens) AS mean_output_tokens,
  quantile_cont(latency_ms, 0.5) AS median_latency_ms, sum(cost_usd) AS cost_usd
FROM completions
GROUP BY model
ORDER BY model`
  },
  {
    title: "Self-judging: verdicts where the judge is the evaluated model or its vendor",
    sql: `SELECT benchmark, model, judge, n_verdicts, n_self_judging, n_same_vendor,
  n_self_judging / n_verdicts AS share_self_judging
FROM self_judging
ORDER BY share_self_judging DESC, benchmark, model, judge`
  },
  {
    title: "Score distribution per benchmark (box plot of instance scores)",
    sql: `SELECT benchmark, label, value_normalized
FROM scores s JOIN entries e USING (run_id, model)
WHERE s.is_main AND s.value IS NOT NULL`,
    chart: chart("box", "benchmark", "value_normalized")
  }
];
