/**
 * The clinician-study modules on small inline fixtures with known answers: Zou's sample size and
 * the finite-population correction (MedHELM's table), the stratified sample and the balanced
 * assignment, panel composites and sub-panels, the study's figures (ICC(3,k) on z-scores of two
 * columns is 2r/(1+r), r being Pearson's correlation), and MedHELM's script rule for the
 * clinician-clinician baseline on the released ratings.
 */
import {describe, expect, it} from "vitest";
import {readRatings} from "../data-loaders/clinicians/ratings.ts";
import {BUNDLED_RATINGS} from "../data-loaders/cli/commands/agreement.ts";
import type {JudgedResponse} from "../data-loaders/clinicians/judged.ts";
import {assignPackets, stratifiedSample} from "../data-loaders/clinicians/packets.ts";
import {finitePopulation, MEDHELM_DESIGN, requiredResponses, zouSampleSize} from "../data-loaders/clinicians/sample-size.ts";
import {ownStudy, panelComposite, subsets} from "../data-loaders/clinicians/study.ts";
import {upstreamClinicianPair} from "../data-loaders/clinicians/upstream-pair.ts";
import type {ClinicianRating} from "../data-loaders/clinicians/completed.ts";

describe("Zou (2012) sample size", () => {
  it("asks for 47 responses under MedHELM's design (ICC 0.75, interval 0.3 wide, 80 % assurance, k = 2)", () => {
    expect(zouSampleSize(MEDHELM_DESIGN)).toBe(47);
  });

  it("gives MedHELM's per-dataset sizes after the finite-population correction: ACI-Bench 34 of 120, MEDIQA 36 of 150, MedDialog 45 of 1000", () => {
    expect(requiredResponses(120)).toBe(34);
    expect(requiredResponses(150)).toBe(36);
    expect(requiredResponses(1000)).toBe(45);
    expect(requiredResponses(361)).toBe(42);
  });

  it("rates the whole population when it is smaller than the uncorrected size", () => {
    expect(finitePopulation(47, 43)).toBe(43);
    expect(finitePopulation(47, 0)).toBe(0);
  });

  it("needs more responses for a narrower interval and fewer for a wider one", () => {
    expect(zouSampleSize({...MEDHELM_DESIGN, width: 0.2})).toBeGreaterThan(47);
    expect(zouSampleSize({...MEDHELM_DESIGN, width: 0.4})).toBeLessThan(47);
  });

  it("rejects an expected ICC outside (0, 1), naming it", () => {
    expect(() => zouSampleSize({...MEDHELM_DESIGN, expectedIcc: 1.2})).toThrow(/expected ICC must lie between 0 and 1, got 1.2/);
  });
});

const key = (benchmark: string, model: string, i: number) => ({run_id: "r", benchmark, instance_id: `i${i}`, model});

describe("stratified sample", () => {
  it("spreads a benchmark's sample evenly over its models", () => {
    const pool = ["m1", "m2", "m3"].flatMap((m) => Array.from({length: 10}, (_, i) => key("b", m, i)));
    const sample = stratifiedSample(pool, {b: 7}, 1);
    const counts = ["m1", "m2", "m3"].map((m) => sample.filter((r) => r.model === m).length).sort();
    expect(counts).toEqual([2, 2, 3]);
    expect(new Set(sample).size).toBe(7);
  });

  it("gives the unused share of a model with too few responses to the others", () => {
    const pool = [key("b", "small", 0), ...Array.from({length: 10}, (_, i) => key("b", "big", i))];
    const sample = stratifiedSample(pool, {b: 6}, 3);
    expect(sample.filter((r) => r.model === "small")).toHaveLength(1);
    expect(sample.filter((r) => r.model === "big")).toHaveLength(5);
  });

  it("samples each benchmark on its own stream, so adding a benchmark does not change another's sample", () => {
    const pool = [...Array.from({length: 20}, (_, i) => key("a", "m", i)), ...Array.from({length: 20}, (_, i) => key("c", "m", i))];
    const alone = stratifiedSample(pool, {a: 5}, 9);
    const both = stratifiedSample(pool, {a: 5, c: 5}, 9).filter((r) => r.benchmark === "a");
    expect(both).toEqual(alone);
  });
});

describe("rater assignment", () => {
  const responses = Array.from({length: 30}, (_, i) => key("b", "m", i));

  it("gives each response to K distinct raters and every rater the same load", () => {
    const packets = assignPackets(responses, ["r1", "r2", "r3"], 2, 5);
    expect(packets.every((p) => new Set(p.raters).size === 2)).toBe(true);
    const load = (r: string) => packets.filter((p) => p.raters.includes(r)).length;
    expect([load("r1"), load("r2"), load("r3")]).toEqual([20, 20, 20]);
  });

  it("lets every pair of raters share the same number of responses", () => {
    const packets = assignPackets(responses, ["r1", "r2", "r3"], 2, 5);
    const shared = (a: string, b: string) => packets.filter((p) => p.raters.includes(a) && p.raters.includes(b)).length;
    expect([shared("r1", "r2"), shared("r1", "r3"), shared("r2", "r3")]).toEqual([10, 10, 10]);
  });

  it("numbers packets P0001.. in an order unrelated to the responses'", () => {
    const packets = assignPackets(responses, ["r1", "r2"], 1, 5);
    expect(packets.map((p) => p.packet_id).slice(0, 3)).toEqual(["P0001", "P0002", "P0003"]);
    expect(packets.map((p) => p.response.instance_id)).not.toEqual(responses.map((r) => r.instance_id));
  });

  it("refuses an overlap larger than the number of raters", () => {
    expect(() => assignPackets(responses, ["r1"], 2, 0)).toThrow(/overlap 2 needs at least 2 raters, got 1/);
  });
});

/** A judged response with judge A and B composites `a` and `b` (every criterion equal). */
function judged(i: number, a: number, b: number, rouge: number): JudgedResponse {
  const verdict = (x: number) => ({accuracy: x, completeness: x, clarity: x});
  return {
    ...key("aci_bench", "m", i), access: "public", benchmark_name: "ACI-Bench", input: "", response: "", gold: "",
    judges: {A: verdict(a), B: verdict(b)}, judge_cost_usd: {A: 0.01, B: 0.02}, metrics: {rouge_l: rouge}
  };
}

function rating(rater: string, i: number, x: number): ClinicianRating {
  return {rater, packet_id: `P${i}`, response: key("aci_bench", "m", i), scores: {accuracy: x, completeness: x, clarity: x}, file: `${rater}.csv`, row: i + 2};
}

describe("panel composites", () => {
  it("averages over criteria the mean of the panel's judges, leaving out judges without a valid verdict", () => {
    const r = judged(0, 2, 4, 0);
    r.judges.A = {accuracy: 1, completeness: 2, clarity: 3};
    expect(panelComposite(r, ["A"])).toBe(2);
    expect(panelComposite(r, ["A", "B"])).toBe(3);
    expect(panelComposite(r, ["A", "C"])).toBe(2);
    expect(panelComposite(r, ["C"])).toBeNull();
  });

  it("lists the seven sub-panels of a three-judge jury, the whole jury first", () => {
    expect(subsets(["c", "a", "b"])).toEqual([["a", "b", "c"], ["a", "b"], ["a", "c"], ["b", "c"], ["a"], ["b"], ["c"]]);
  });
});

describe("own-run study", () => {
  // Clinicians (two, identical) give 1, 2, 3, 4; judge A gives 1, 3, 2, 4 and judge B 1, 2, 3, 4.
  const responses = [judged(0, 1, 1, 0.1), judged(1, 3, 2, 0.2), judged(2, 2, 3, 0.3), judged(3, 4, 4, 0.4)];
  const ratings = [0, 1, 2, 3].flatMap((i) => [rating("r1", i, i + 1), rating("r2", i, i + 1)]);
  const [aci, combined] = ownStudy(ratings, responses, {resamples: 50});
  const icc2 = (r: number) => (2 * r) / (1 + r);

  it("gives judge A 2r/(1+r) = 8/9 with r = 0.8, and judge B 1", () => {
    expect(aci.per_judge.A.icc3k_z!.value).toBeCloseTo(8 / 9, 12);
    expect(aci.per_judge.B.icc3k_z!.value).toBeCloseTo(1, 12);
  });

  it("gives the whole jury (composites 1, 2.5, 2.5, 4) 2r/(1+r) with r = 4.5/sqrt(22.5)", () => {
    const expected = icc2(4.5 / Math.sqrt(5 * 4.5));
    expect(aci.icc3k_z!.value).toBeCloseTo(expected, 12);
    expect(aci.panels[0]).toMatchObject({judges: ["A", "B"], size: 2});
    expect(aci.panels[0].icc3k_z!.value).toBeCloseTo(expected, 12);
    expect(aci.icc3k_z!.n).toBe(4);
  });

  it("prices each panel at its judges' calls over every judged answer: A $0.04, B $0.08, both $0.12", () => {
    const cost = Object.fromEntries(aci.panels.map((p) => [p.judges.join("+"), p.cost_usd]));
    expect(cost["A+B"]).toBeCloseTo(0.12, 12);
    expect(cost.A).toBeCloseTo(0.04, 12);
    expect(cost.B).toBeCloseTo(0.08, 12);
    expect(aci.panels.map((p) => p.calls)).toEqual([8, 4, 4]);
  });

  it("leaves a panel's cost unknown when one of its calls has no price", () => {
    const unpriced = responses.map((r, i) => (i === 0 ? {...r, judge_cost_usd: {A: null, B: 0.02}} : r));
    const [result] = ownStudy(ratings, unpriced, {resamples: 10});
    expect(result.panels.map((p) => p.cost_usd === null)).toEqual([true, true, false]);
  });

  it("compares ROUGE-L with the clinicians (a perfectly monotone metric gives 1) and leaves BERTScore null when not computed", () => {
    expect(aci.rouge_l_icc3k_z!.value).toBeCloseTo(1, 12);
    expect(aci.bertscore_f1_icc3k_z).toBeNull();
  });

  it("compares BERTScore-F1 when computed: 0.1, 0.3, 0.2, 0.4 has r = 0.8 with the clinicians, so 8/9", () => {
    const withBert = responses.map((r, i) => ({...r, metrics: {...r.metrics, bertscore_f1: [0.1, 0.3, 0.2, 0.4][i]}}));
    const [result] = ownStudy(ratings, withBert, {resamples: 10});
    expect(result.bertscore_f1_icc3k_z!.value).toBeCloseTo(8 / 9, 12);
  });

  it("gives Spearman's rho of the jury (ranks 1, 2.5, 2.5, 4) against the clinicians as 4.5/sqrt(22.5)", () => {
    expect(aci.spearman!.rho).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(aci.spearman!.n).toBe(4);
  });

  it("measures identical clinicians at 1 and pools the benchmark into combined", () => {
    expect(aci.clinician_icc3k_z!.value).toBeCloseTo(1, 12);
    expect(combined.dataset).toBe("combined");
    expect(combined.icc3k_z!.value).toBeCloseTo(aci.icc3k_z!.value, 12);
  });

  it("refuses to analyse sheets without one complete rating", () => {
    expect(() => ownStudy([], responses)).toThrow(/no complete ratings to analyse/);
  });
});

describe("MedHELM's script rule for the clinician-clinician baseline, on the released ratings", () => {
  it("picks one most-overlapping pair per set and gives ACI-Bench 0.237, MEDIQA undefined and ACI-Bench + MEDIQA 0.641, not the published 0.458, 0.52 and 0.426", async () => {
    const ratings = await readRatings(BUNDLED_RATINGS);
    const of = (...datasets: string[]) => upstreamClinicianPair(ratings.filter((r) => datasets.includes(r.dataset_name)));
    const aci = of("aci_bench");
    expect(aci.raters).toEqual(["rater_01", "rater_16"]);
    expect(aci.overlap).toBe(9);
    expect(aci.icc3k_z).toBeCloseTo(0.2374, 4);
    // rater_08 gave every MEDIQA response 5/5/5, so the chosen pair's z-scores are undefined.
    expect(of("medi_qa")).toMatchObject({raters: ["rater_04", "rater_08"], overlap: 7});
    expect(of("medi_qa").icc3k_z).toBeNaN();
    const combined = of("aci_bench", "medi_qa");
    expect(combined.raters).toEqual(["rater_03", "rater_07"]);
    expect(combined.icc3k_z).toBeCloseTo(0.6409, 4);
  });
});
