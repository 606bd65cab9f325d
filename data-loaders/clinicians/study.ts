/**
 * A clinician study of the workbench's own runs: completed rating sheets joined with the jury's
 * verdicts, per benchmark and pooled. Beside the paper's figure (the whole jury against the
 * clinicians' mean, ICC(3,k) on z-scores) it gives the same for each single judge and for every
 * sub-panel of the jury with what that panel costs, for ROUGE-L and BERTScore-F1, and the
 * clinician-clinician yardstick, Spearman and weighted kappa of `agreement.ts`.
 *
 * Composites follow MedHELM: a clinician's score of a response is the mean of the rubric's
 * criteria; the human score is the mean over the clinicians who rated the response; a panel's
 * score is the mean over criteria of the mean over its judges with a valid verdict.
 */
import {analyzeRated, COMBINED, icc3kZ, type AgreementResult, type IccSummary, type LexicalScore, type RatedResponse} from "./agreement.ts";
import {responseId, type JudgedResponse} from "./judged.ts";
import type {ClinicianRating} from "./completed.ts";

/** One panel of judges: its agreement with the clinicians and what it cost on these benchmarks. */
export interface PanelAgreement {
  judges: string[];
  size: number;
  icc3k_z: IccSummary | null;
  /** USD of the panel's judge calls over every jury-scored answer of the benchmarks; null when a price is unknown. */
  cost_usd: number | null;
  /** Judge calls those costs cover. */
  calls: number;
}

/** The figures of one benchmark or of the pooled set. */
export interface StudyResult extends AgreementResult {
  per_judge: Record<string, {icc3k_z: IccSummary | null}>;
  /** Every non-empty sub-panel of the jury, largest first, then by name. */
  panels: PanelAgreement[];
  rouge_l_icc3k_z: IccSummary | null;
  bertscore_f1_icc3k_z: IccSummary | null;
}

/** Options of {@link ownStudy}. */
export interface OwnStudyOptions {
  seed?: number;
  resamples?: number;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** The panel's composite of a response, or null when no judge of the panel gave a valid verdict. */
export function panelComposite(response: JudgedResponse, judges: readonly string[]): number | null {
  const valid = judges.filter((j) => response.judges[j]);
  if (!valid.length) return null;
  const criteria = Object.keys(response.judges[valid[0]]);
  return mean(criteria.map((c) => mean(valid.map((j) => response.judges[j][c]))));
}

/** Every non-empty subset of `items`, largest first, then in lexical order of names. */
export function subsets<T extends string>(items: readonly T[]): T[][] {
  const sorted = [...items].sort();
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << sorted.length; mask++) out.push(sorted.filter((_, i) => mask & (1 << i)));
  return out.sort((a, b) => b.length - a.length || a.join(",").localeCompare(b.join(",")));
}

/**
 * The study: `ratings` (complete sheet rows) against `responses` (the judged answers of the
 * results). Per-benchmark results come in benchmark order, then {@link COMBINED}. Panel costs
 * count every judged answer of the analysed benchmarks, rated or not, since that is what running
 * the panel costs.
 */
export function ownStudy(ratings: readonly ClinicianRating[], responses: readonly JudgedResponse[], options: OwnStudyOptions = {}): StudyResult[] {
  if (!ratings.length) throw new Error("no complete ratings to analyse: every packet of the sheets is blank or partly blank");
  const byId = new Map(responses.map((r) => [responseId(r), r]));
  const grouped = new Map<string, {response: JudgedResponse; raters: Record<string, number>}>();
  for (const rating of ratings) {
    const id = responseId(rating.response);
    const response = byId.get(id);
    if (!response) throw new Error(`${rating.file} row ${rating.row}: packet ${rating.packet_id} has no judged answer in the results`);
    const entry = grouped.get(id) ?? {response, raters: {}};
    entry.raters[rating.rater] = mean(Object.values(rating.scores));
    grouped.set(id, entry);
  }
  const rated = [...grouped.values()];
  const judges = [...new Set(responses.flatMap((r) => Object.keys(r.judge_cost_usd)))].sort();
  const all = judges.length ? judges : [...new Set(responses.flatMap((r) => Object.keys(r.judges)))].sort();
  // Responses are keyed by run as well, so one instance answered by one model in two runs stays two responses.
  const modelKey = (r: JudgedResponse) => `${r.run_id}/${r.model}`;
  const toRated = (entry: (typeof rated)[number], judgesOf: readonly string[]): RatedResponse => ({
    dataset_name: entry.response.benchmark, instance_id: entry.response.instance_id, model_key: modelKey(entry.response),
    raters: entry.raters, human: mean(Object.values(entry.raters)), llm: panelComposite(entry.response, judgesOf)
  });
  const lexical: LexicalScore[] = rated.flatMap(({response}) =>
    Object.entries(response.metrics).map(([metric, value]) => ({dataset_name: response.benchmark, instance_id: response.instance_id, model_key: modelKey(response), metric, value}))
  );
  const benchmarks = [...new Set(rated.map((r) => r.response.benchmark))].sort();
  const base = analyzeRated(rated.map((e) => toRated(e, all)), benchmarks, {seed: options.seed, resamples: options.resamples, lexical});

  return base.map((result) => {
    const inSet = rated.filter((e) => result.datasets.includes(e.response.benchmark));
    const iccOf = (panel: readonly string[]) => {
      const rows = inSet.map((e) => [mean(Object.values(e.raters)), panelComposite(e.response, panel)]).filter((r): r is [number, number] => r[1] !== null);
      return icc3kZ(rows);
    };
    const scope = responses.filter((r) => result.datasets.includes(r.benchmark));
    const panels = subsets(all).map((panel) => {
      let cost: number | null = 0;
      let calls = 0;
      for (const r of scope) {
        for (const j of panel) {
          if (!(j in r.judge_cost_usd)) continue;
          calls++;
          const c = r.judge_cost_usd[j];
          cost = cost === null || c === null ? null : cost + c;
        }
      }
      return {judges: panel, size: panel.length, icc3k_z: iccOf(panel), cost_usd: cost, calls};
    });
    return {
      ...result,
      per_judge: Object.fromEntries(all.map((j) => [j, {icc3k_z: iccOf([j])}])),
      panels,
      rouge_l_icc3k_z: result.lexical_icc3k_z.rouge_l ?? null,
      bertscore_f1_icc3k_z: result.lexical_icc3k_z.bertscore_f1 ?? null
    };
  });
}

export {COMBINED};
