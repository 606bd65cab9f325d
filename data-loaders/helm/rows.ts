/**
 * One parsed HELM run as rows of our tables (pure: no I/O). Scores are HELM's own per-instance
 * numbers from `per_instance_stats.json`; jury verdicts become judgment rows untruncated, and the
 * jury score is checked against the verdicts the way HELM computes it (mean of `int(score)`).
 * Instance ids of sub-runs are prefixed by the sub-run (`healthcaremagic/id12`), because HELM
 * numbers instances per run and the ids of two sub-runs collide.
 */
import {stripThinking} from "../benchmark/prompt.ts";
import type {Row} from "../formats/tables.ts";
import {catalogueEntry} from "../benchmark/taxonomy.ts";
import {criterionMeans, helmJuryValue, runJury, verdictRows} from "./jury.ts";
import {vendorOf} from "./names.ts";
import type {HelmPrediction, HelmRun, HelmStat} from "./runs.ts";
import {isQualityMetric, mainSplit, metricName, normalized, pickStat} from "./stats.ts";

/** The rows of one run, plus what the importer reports about it. */
export interface RunRows {
  benchmark: string;
  model: string;
  instances: Row[];
  completions: Row[];
  scores: Row[];
  judgments: Row[];
  judges: string[];
  /** HELM's run-level value of the main metric from `stats.json`, null when absent. */
  runValue: number | null;
  /** Requests, cache hits, failures and the time span, for the runs table. */
  requests: {total: number; cached: number; failed: number; first: number | null; last: number | null};
  warnings: string[];
}

/** Our instance id of a HELM instance: prefixed by the sub-run, when the run is one. */
export function instanceIdOf(subset: string | null, helmId: string): string {
  return subset === null ? helmId : `${subset}/${helmId}`;
}

/**
 * The answer HELM's metrics compare: for multiple choice, the stripped letter mapped through
 * `output_mapping` (null when it is not an option); otherwise, as in HELM when a run has no
 * mapping, the stripped text.
 */
export function answerOf(prediction: HelmPrediction, multipleChoice: boolean): string | null {
  if (prediction.output === null) return null;
  const text = stripThinking(prediction.output).trim();
  if (multipleChoice && prediction.outputMapping) return prediction.outputMapping[text] ?? null;
  return text || null;
}

const statValue = (stats: readonly HelmStat[] | undefined, name: string, split: string) => (stats ? pickStat(stats, name, split)?.value ?? null : null);

/** Converts a parsed run into table rows. `benchmark` must be the run's (catalogue) benchmark id. */
export function runRows(run: HelmRun, runId: string, benchmark: string): RunRows {
  const {spec} = run;
  const entry = catalogueEntry(benchmark);
  if (!entry) throw new Error(`unknown benchmark: ${benchmark}`);
  const main = entry.mainMetric;
  const multipleChoice = spec.method.startsWith("multiple_choice");
  const model = spec.model;
  const out: RunRows = {
    benchmark, model, instances: [], completions: [], scores: [], judgments: [], judges: [], runValue: null,
    requests: {total: 0, cached: 0, failed: 0, first: null, last: null}, warnings: [...run.notes]
  };

  // Secondary metrics are those HELM recorded for any instance of the run; an instance lacking one gets an unscored row.
  const metrics = [main];
  for (const stats of run.instanceStats.values()) for (const s of stats) if (isQualityMetric(s.name) && !metrics.includes(s.name) && !s.name.startsWith("jury_")) metrics.push(s.name);

  const jury = entry.openEnded ? runJury(spec, benchmark, run.predictions) : {judges: [], criteria: []};
  out.judges = jury.judges.map((j) => j.id);
  const mismatches: string[] = [];
  let defaulted = 0;

  for (const p of run.predictions) {
    const instanceId = instanceIdOf(spec.subset, p.instance.id);
    const key = {run_id: runId, benchmark, instance_id: instanceId, model};
    const stats = run.instanceStats.get(p.instance.id);
    const split = p.instance.split;
    const gold = p.instance.references.find((r) => r.correct)?.text ?? p.instance.references[0]?.text ?? null;
    out.instances.push({
      run_id: runId, benchmark, instance_id: instanceId, subset: spec.subset, split, input_text: p.instance.input,
      choices_json: multipleChoice ? JSON.stringify(p.instance.references.map((r) => r.text)) : null,
      gold_text: gold, prompt_text: p.prompt, input_chars: p.prompt?.length ?? null
    });
    const runtime = statValue(stats, "inference_runtime", split);
    out.completions.push({
      ...key, model_kind: "llm", endpoint: spec.deployment, output_text: p.output, answer_text: answerOf(p, multipleChoice), error: p.error,
      finish_reason: p.finishReason, input_tokens: statValue(stats, "num_prompt_tokens", split),
      output_tokens: statValue(stats, "num_output_tokens", split) ?? statValue(stats, "num_completion_tokens", split),
      latency_ms: p.latencyMs ?? (runtime === null ? null : runtime * 1000), cached: p.cached, request_hash: null
    });
    out.requests.total++;
    if (p.cached) out.requests.cached++;
    if (p.error) out.requests.failed++;
    if (p.requestedAt !== null) {
      out.requests.first = Math.min(out.requests.first ?? Infinity, p.requestedAt);
      out.requests.last = Math.max(out.requests.last ?? -Infinity, p.requestedAt + (p.latencyMs ?? 0) / 1000);
    }

    const writeScore = (metric: string, value: number | null, reason: string | null) =>
      out.scores.push({...key, metric, is_main: metric === main, value, value_normalized: normalized(benchmark, metric, value), unscored_reason: value === null ? reason : null});
    for (const metric of metrics) {
      const value = statValue(stats, metric, split);
      writeScore(metricName(metric), value, stats ? `per_instance_stats.json has no ${metric} stat for this instance` : "per_instance_stats.json has no record of this instance");
    }

    if (jury.judges.length) {
      const verdicts = verdictRows(jury, spec, benchmark, p);
      for (const v of verdicts) {
        out.judgments.push({
          ...key, judge: v.judge, criterion: v.criterion, score: v.score, explanation: v.explanation, parse_status: v.status, reason: v.reason,
          self_judging: v.judge === model, same_vendor: vendorOf(v.judge) === vendorOf(model),
          input_tokens: null, output_tokens: null, latency_ms: null, cached: null
        });
      }
      for (const [criterion, value] of Object.entries(criterionMeans(verdicts, jury.criteria))) {
        writeScore(`jury_${criterion}`, value, "no counted judge verdict in HELM's annotations");
      }
      const helm = statValue(stats, main, split);
      const recomputed = helmJuryValue(verdicts);
      if (recomputed === null) defaulted++;
      else if (helm !== null && Math.abs(helm - recomputed) > 1e-9) mismatches.push(`${p.instance.id}: ${helm} vs ${recomputed}`);
    }
  }

  if (mismatches.length) out.warnings.push(`${mismatches.length} of ${run.predictions.length} answers: HELM's ${main} differs from the mean of int(verdict scores) (e.g. ${mismatches[0]})`);
  if (defaulted) out.warnings.push(`${defaulted} answers have no counted verdict; their ${main} is HELM's default, not a jury score`);
  const runStat = pickStat(run.runStats, main, mainSplit(benchmark));
  out.runValue = runStat?.value ?? null;
  const mains = out.scores.filter((s) => s.is_main && typeof s.value === "number").map((s) => s.value as number);
  if (runStat && mains.length && Math.abs(runStat.value - mains.reduce((a, b) => a + b, 0) / mains.length) > 1e-6) {
    out.warnings.push(`stats.json gives ${main} = ${runStat.value}, but its per-instance values average ${mains.reduce((a, b) => a + b, 0) / mains.length}`);
  }
  return out;
}
