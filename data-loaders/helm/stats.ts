/**
 * Which of HELM's statistics become score rows, and on what scale. HELM records a few dozen
 * stats per instance; most are bookkeeping (token counts, runtimes, finish reasons) that belong
 * in the completions table or nowhere. The rest are quality metrics: the benchmark's main metric
 * (from our catalogue, i.e. MedHELM's `environment.main_name`) and secondary ones such as
 * `quasi_exact_match` or ROUGE-L.
 */
import {catalogueEntry} from "../benchmark/taxonomy.ts";
import type {HelmStat} from "./runs.ts";

/** Stats that describe the call rather than the answer's quality. */
const bookkeeping = /^(num_|inference_|training_|batch_|finish_reason|logprob|max_prob$|perplexity$|bits_per_byte$|prompt_truncated$|predicted_index$|estimated_)/;

/** Whether a stat is a quality metric worth a score row. */
export function isQualityMetric(name: string): boolean {
  return !bookkeeping.test(name);
}

/** HELM stat names whose workbench metric is named differently, so imported and native rows line up. */
const renamed: Record<string, string> = {"BERTScore-P": "bertscore_precision", "BERTScore-R": "bertscore_recall", "BERTScore-F": "bertscore_f1"};

/** The workbench's name of a HELM quality stat (most are the same). */
export function metricName(helmName: string): string {
  return renamed[helmName] ?? helmName;
}

/** Metrics with no fixed range (summary density and compression, SummaC's signed score): no normalized value. */
const unbounded = new Set(["summarization_density", "summarization_compression", "summac"]);

/** MedHELM's main split of a benchmark (`environment.main_split`): `valid` for MedMCQA, else `test`. */
export function mainSplit(benchmark: string): string {
  return benchmark === "med_mcqa" ? "valid" : "test";
}

/** Whether a metric is a jury score on 1-5: a jury benchmark's `<id>_accuracy`, or our per-criterion `jury_<criterion>`. */
export function isJuryMetric(benchmark: string, metric: string): boolean {
  return metric.startsWith("jury_") || (metric === `${benchmark}_accuracy` && Boolean(catalogueEntry(benchmark)?.openEnded));
}

/** The value range of a metric used to normalize it to 0-1; null when it has none. */
export function metricRange(benchmark: string, metric: string): [number, number] | null {
  if (isJuryMetric(benchmark, metric)) return [1, 5];
  return unbounded.has(metric) ? null : [0, 1];
}

/** A value rescaled to 0-1 by its metric's range (null when unscored or unbounded). */
export function normalized(benchmark: string, metric: string, value: number | null): number | null {
  const range = metricRange(benchmark, metric);
  return value === null || range === null ? null : (value - range[0]) / (range[1] - range[0]);
}

/**
 * The stat of an instance (or a run) with this name: the one on the wanted split when there is
 * one, else one without a split; sub-split stats are breakdowns and never chosen.
 */
export function pickStat(stats: readonly HelmStat[], name: string, split: string): HelmStat | undefined {
  const named = stats.filter((s) => s.name === name && s.subSplit === null);
  return named.find((s) => s.split === split) ?? named.find((s) => s.split === null);
}
