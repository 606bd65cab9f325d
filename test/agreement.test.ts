import {readFileSync} from "node:fs";
import {describe, it, expect} from "vitest";
import {analyzeAgreement, clinicianAgreement, clinicianPairs, composite, icc3kZ, ratedResponses, roundHalfEven, type LexicalScore} from "../data-loaders/clinicians/agreement.ts";
import {UsageError, type CommandIO} from "../data-loaders/cli/command.ts";
import command, {BUNDLED_RATINGS} from "../data-loaders/cli/commands/agreement.ts";
import {seeded} from "../data-loaders/stats/random.ts";
import {parseRatings, type Rating} from "../data-loaders/clinicians/ratings.ts";

const bundled = parseRatings(readFileSync(BUNDLED_RATINGS, "utf8"), BUNDLED_RATINGS);

/** Distinct (dataset, instance, model) responses of `ratings`, optionally of one dataset. */
function distinctResponses(ratings: readonly Rating[], dataset?: string): number {
  return new Set(ratings.filter((r) => !dataset || r.dataset_name === dataset).map((r) => `${r.dataset_name}|${r.instance_id}|${r.model_key}`)).size;
}

/** A rating row with the given scores; llm_* are null unless given. */
function rating(rater_id: string, instance_id: string, scores: [number, number, number], llm: [number, number, number] | null = null, dataset_name = "d"): Rating {
  const [accuracy, completeness, clarity] = scores;
  return {
    rater_id, instance_id, dataset_name, model_key: "m", accuracy, completeness, clarity,
    llm_accuracy: llm?.[0] ?? null, llm_completeness: llm?.[1] ?? null, llm_clarity: llm?.[2] ?? null, line: 0
  };
}

/** A CommandIO that records what the command writes. */
function fakeIO(): CommandIO & {out: string[]; err: string[]} {
  const out: string[] = [];
  const err: string[] = [];
  return {out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: process.cwd(), env: {}, isTTY: false};
}

type Stat = {value: number; ci_low: number; ci_high: number};

describe("agreement building blocks", () => {
  it("composite() is the mean of accuracy, completeness and clarity", () => {
    expect(composite(5, 4, 3)).toBe(4);
  });

  it("roundHalfEven() rounds ties to the even neighbour like numpy, tolerating float noise", () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 4]);
    expect(roundHalfEven((13 / 3 + 14 / 3) / 2)).toBe(4);
    expect(roundHalfEven(4.49)).toBe(4);
    expect(roundHalfEven(4.6667)).toBe(5);
  });

  it("ratedResponses() averages composites over raters and takes the jury composite from llm_*", () => {
    const [response] = ratedResponses([rating("a", "i1", [5, 4, 3], [4, 4, 5]), rating("b", "i1", [2, 2, 2], [4, 4, 5])]);
    expect(response.raters).toEqual({a: 4, b: 2});
    expect(response.human).toBe(3);
    expect(response.llm).toBeCloseTo(13 / 3, 12);
  });

  it("ratedResponses() gives a null jury composite when an llm_* value is missing", () => {
    expect(ratedResponses([rating("a", "i1", [5, 4, 3])])[0].llm).toBeNull();
  });

  it("icc3kZ() of two columns is 2r/(1+r) with r their Pearson correlation, and null below two rows", () => {
    const summary = icc3kZ([[1, 10], [2, 30], [3, 20], [4, 50], [5, 40]]);
    expect(summary?.value).toBeCloseTo(1.6 / 1.8, 12);
    expect(summary?.n).toBe(5);
    expect(icc3kZ([[1, 2]])).toBeNull();
  });

  it("clinicianPairs() keeps pairs of raters with at least two shared responses and z-scores over those", () => {
    const ratings = [
      rating("a", "i1", [1, 1, 1]), rating("b", "i1", [2, 2, 2]),
      rating("a", "i2", [3, 3, 3]), rating("b", "i2", [4, 4, 4]),
      rating("a", "i3", [5, 5, 5]), rating("b", "i3", [5, 5, 5]),
      rating("c", "i3", [1, 1, 1])
    ];
    const pairs = clinicianPairs(ratedResponses(ratings));
    expect(pairs.map((p) => p.raters)).toEqual([["a", "b"]]);
    expect(pairs[0].shared).toBe(3);
    // a = (1, 3, 5) and b = (2, 4, 5): cross product 6, sums of squares 8 and 14/3, so
    // r = 6 / sqrt(8 · 14/3) = .9820.
    const r = 6 / Math.sqrt(8 * (14 / 3));
    expect(pairs[0].icc3k_z).toBeCloseTo((2 * r) / (1 + r), 12);
  });

  it("clinicianAgreement() leaves out pairs with an undefined ICC (a rater constant on the shared responses)", () => {
    const ratings = [
      rating("a", "i1", [1, 1, 1]), rating("b", "i1", [2, 2, 2]),
      rating("a", "i2", [3, 3, 3]), rating("b", "i2", [4, 4, 4]),
      rating("c", "i3", [3, 3, 3]), rating("d", "i3", [1, 1, 1]),
      rating("c", "i4", [3, 3, 3]), rating("d", "i4", [5, 5, 5])
    ];
    const summary = clinicianAgreement(ratedResponses(ratings), seeded(1), 200);
    expect(summary).toEqual({value: 1, ci_low: 1, ci_high: 1, pairs: 1});
  });
});

describe("analyzeAgreement on the MedHELM clinician ratings", () => {
  const results = analyzeAgreement(bundled, {seed: 42});

  it("returns one result per dataset, sorted, then the combined result", () => {
    expect(results.map((r) => r.dataset)).toEqual(["aci_bench", "medi_qa", "mtsamples_replicate", "combined"]);
    expect(results.at(-1)?.datasets).toEqual(["aci_bench", "medi_qa", "mtsamples_replicate"]);
  });

  it("counts every distinct response and every rating row", () => {
    for (const r of results) {
      const dataset = r.dataset === "combined" ? undefined : r.dataset;
      expect(r.responses, r.dataset).toBe(distinctResponses(bundled, dataset));
      expect(r.icc3k_z?.n, r.dataset).toBe(r.responses);
      expect(r.spearman?.n, r.dataset).toBe(r.responses);
    }
    expect(results.map((r) => r.responses)).toEqual([31, 25, 18, 74]);
    expect(results.at(-1)?.ratings).toBe(132);
  });

  it("gives finite figures with ci_low <= value <= ci_high for every statistic", () => {
    for (const r of results) {
      const stats: [string, Stat | null][] = [
        ["icc3k_z", r.icc3k_z],
        ["clinician_icc3k_z", r.clinician_icc3k_z],
        ["spearman", r.spearman && {value: r.spearman.rho, ci_low: r.spearman.ci_low, ci_high: r.spearman.ci_high}],
        ["kappa_quadratic", r.kappa_quadratic]
      ];
      for (const [name, s] of stats) {
        const label = `${r.dataset} ${name}`;
        expect(s, label).not.toBeNull();
        for (const x of [s!.value, s!.ci_low, s!.ci_high]) expect(Number.isFinite(x), label).toBe(true);
        expect(s!.ci_low, label).toBeLessThanOrEqual(s!.value);
        expect(s!.value, label).toBeLessThanOrEqual(s!.ci_high);
      }
      expect(r.lexical_icc3k_z).toEqual({});
    }
  });

  it("reproduces the paper's pooled ACI-Bench + MEDIQA figures: jury vs clinicians ICC3k-z = .47, clinician pairs = .42 (paper: about .43)", () => {
    const combined = analyzeAgreement(bundled, {datasets: ["aci_bench", "medi_qa"]}).at(-1)!;
    expect(combined.responses).toBe(56);
    expect(combined.icc3k_z?.value).toBeCloseTo(0.47, 2);
    expect(combined.clinician_icc3k_z?.value).toBeCloseTo(0.42, 2);
  });

  it("is reproducible for a seed, and a dataset's intervals do not depend on which other datasets are selected", () => {
    expect(analyzeAgreement(bundled, {seed: 42})).toEqual(results);
    const alone = analyzeAgreement(bundled, {seed: 42, datasets: ["medi_qa"]})[0];
    expect(alone).toEqual(results[1]);
    const reseeded = analyzeAgreement(bundled, {seed: 7})[0];
    expect(reseeded.kappa_quadratic?.ci_low).not.toBe(results[0].kappa_quadratic?.ci_low);
    expect(reseeded.icc3k_z).toEqual(results[0].icc3k_z);
  });

  it("computes the same ICC3k-z for supplied per-response lexical scores, over the responses that have one", () => {
    const responses = ratedResponses(bundled.filter((r) => r.dataset_name === "aci_bench"));
    // A metric that is a noisy copy of the clinician mean must agree strongly with it.
    const lexical: LexicalScore[] = responses.map((r, i) => ({...r, metric: "rouge_l", value: r.human / 5 + (i % 3) * 0.01}));
    const [aci, , , combined] = analyzeAgreement(bundled, {lexical});
    expect(aci.lexical_icc3k_z.rouge_l?.n).toBe(31);
    expect(aci.lexical_icc3k_z.rouge_l?.value).toBeGreaterThan(0.9);
    expect(combined.lexical_icc3k_z.rouge_l?.n).toBe(31);
  });

  it("rejects unknown datasets naming the ones present", () => {
    expect(() => analyzeAgreement(bundled, {datasets: ["medqa"]})).toThrow("agreement: unknown dataset medqa (the ratings have aci_bench, medi_qa, mtsamples_replicate)");
  });
});

describe("medhelm agreement", () => {
  it("prints JSON figures for each selected dataset and for combined", async () => {
    const io = fakeIO();
    expect(await command.run(["--datasets", "aci_bench,medi_qa", "--seed", "3", "--format", "json"], io)).toBe(0);
    const output = JSON.parse(io.out.join(""));
    expect(output.seed).toBe(3);
    expect(output.ratings).toBe(BUNDLED_RATINGS);
    expect(Object.keys(output.datasets)).toEqual(["aci_bench", "medi_qa", "combined"]);
    for (const figures of Object.values(output.datasets) as Record<string, unknown>[]) {
      expect(Object.keys(figures)).toEqual(["responses", "ratings", "icc3k_z", "clinician_icc3k_z", "spearman", "kappa_quadratic", "rouge_l_icc3k_z"]);
      expect(figures.rouge_l_icc3k_z).toBeNull();
    }
    expect(output.datasets.combined.icc3k_z).toMatchObject({n: 56});
    expect(output.datasets.combined.spearman).toMatchObject({n: 56});
    expect(output.datasets.combined.clinician_icc3k_z.pairs).toBeGreaterThan(0);
    expect(Object.keys(output.datasets.combined.kappa_quadratic)).toEqual(["value", "ci_low", "ci_high"]);
  });

  it("reads --ratings relative to the working directory and prints a table by default", async () => {
    const io = {...fakeIO(), cwd: new URL("../reference/medhelm-paper/", import.meta.url).pathname};
    const out: string[] = [];
    io.stdout = (t) => void out.push(t);
    expect(await command.run(["--ratings", "clinician-ratings.csv"], io)).toBe(0);
    const text = out.join("");
    expect(text).toMatch(/^dataset\s+responses\s+jury ICC3k-z/);
    expect(text).toMatch(/\ncombined\s+74\s/);
  });

  it("throws UsageError for unknown flags, formats, seeds, datasets and missing files", async () => {
    const cases = [
      ["--bogus"],
      ["--format", "xml"],
      ["--seed", "-1"],
      ["--datasets", "nope"],
      ["--ratings", "/no/such/ratings.csv"]
    ];
    for (const args of cases) await expect(command.run(args, fakeIO()), args.join(" ")).rejects.toBeInstanceOf(UsageError);
  });
});
