import {describe, expect, it} from "vitest";
import {
  catalogueScale,
  categoryScores,
  categoryWinRates,
  gridFromCells,
  groupScores,
  macroAverages,
  normalizeGrid,
  normalizeScore,
  subcategoryScores,
  subcategoryWinRates,
  summaryTable,
  type ScoreGrid
} from "../data-loaders/paper/leaderboard.ts";

// aci_bench and medication_qa are jury-scored (1-5); medcalc_bench and pubmed_qa are on 0-1.
// aci_bench: clinical_note_generation; medication_qa: patient_communication_and_education;
// medcalc_bench: clinical_decision_support; pubmed_qa: medical_research_assistance.
const grid: ScoreGrid = {
  models: ["a", "b", "c"],
  benchmarks: ["aci_bench", "medcalc_bench", "medication_qa", "pubmed_qa"],
  values: [
    [5, 0.5, 3, 0.9],
    [3, 0.7, 1, 0.8],
    [1, null, 2, 0.7]
  ]
};

describe("normalization", () => {
  it("maps jury scores from 1-5 to 0-1 by (x - 1) / 4", () => {
    expect([1, 3, 5].map((x) => normalizeScore(x, "jury"))).toEqual([0, 0.5, 1]);
  });

  it("leaves 0-1 metrics unchanged", () => {
    expect(normalizeScore(0.42, "unit")).toBe(0.42);
  });

  it("takes the scale from the catalogue's open-ended flag", () => {
    expect(catalogueScale("aci_bench")).toBe("jury");
    expect(catalogueScale("mimiciv_billing_code")).toBe("unit");
    expect(() => catalogueScale("nope")).toThrow("unknown benchmark: nope");
  });

  it("normalizes a grid and keeps nulls", () => {
    expect(normalizeGrid(grid).values[2]).toEqual([0, null, 0.25, 0.7]);
  });
});

describe("gridFromCells", () => {
  it("keeps first-appearance order and fills absent cells with null", () => {
    const g = gridFromCells([
      {model: "m1", benchmark: "x", value: 1},
      {model: "m2", benchmark: "y", value: 2}
    ]);
    expect(g).toEqual({models: ["m1", "m2"], benchmarks: ["x", "y"], values: [[1, null], [null, 2]]});
  });

  it("rejects a repeated cell", () => {
    expect(() => gridFromCells([{model: "m", benchmark: "x", value: 1}, {model: "m", benchmark: "x", value: 2}])).toThrow("duplicate cell: m on x");
  });
});

describe("macroAverages", () => {
  it("is the mean and sample SD of the normalized scores", () => {
    const [a, , c] = macroAverages(grid);
    // a: normalized [1, 0.5, 0.5, 0.9] -> mean 0.725.
    expect(a.macro_avg).toBeCloseTo(0.725, 12);
    expect(a.sd).toBeCloseTo(Math.sqrt((0.275 ** 2 + 0.225 ** 2 + 0.225 ** 2 + 0.175 ** 2) / 3), 12);
    // c skips its missing MedCalc cell: [0, 0.25, 0.7].
    expect(c.macro_avg).toBeCloseTo(0.95 / 3, 12);
  });

  it("gives a null SD for a single score", () => {
    expect(macroAverages({models: ["m"], benchmarks: ["pubmed_qa"], values: [[0.5]]})[0]).toEqual({model: "m", macro_avg: 0.5, sd: null});
  });
});

describe("summaryTable", () => {
  it("sorts by win rate, highest first", () => {
    const rows = summaryTable(grid);
    expect(rows.map((r) => r.model)).toEqual(["a", "b", "c"]);
    // a wins 1 + 0 + 1 + 1 of 4 columns (MedCalc has two values, b beats a there).
    expect(rows[0].win_rate).toBeCloseTo(0.75, 12);
  });

  it("computes Win SD on the pairwise win fractions", () => {
    const a = summaryTable(grid).find((r) => r.model === "a")!;
    // a beats b in 3 of 4 columns and c in 3 of 3 shared columns.
    expect(a.win_sd).toBeCloseTo(0.125, 12);
  });
});

describe("category and subcategory views", () => {
  it("scores a category as the mean normalized score of its benchmarks", () => {
    const twoInOne: ScoreGrid = {models: ["m"], benchmarks: ["aci_bench", "dischargeme", "medcalc_bench"], values: [[5, 3, 0.2]]};
    expect(categoryScores(twoInOne)).toEqual([
      {model: "m", category: "clinical_decision_support", score: 0.2},
      {model: "m", category: "clinical_note_generation", score: 0.75}
    ]);
  });

  it("gives a null score where the model has no benchmark of the category", () => {
    expect(categoryScores(grid).find((r) => r.model === "c" && r.category === "clinical_decision_support")?.score).toBeNull();
  });

  it("reports subcategories in taxonomy order", () => {
    expect(subcategoryScores(grid).filter((r) => r.model === "a").map((r) => r.subcategory)).toEqual([
      "supporting_diagnostic_decisions",
      "documenting_patient_visits",
      "providing_patient_education_resources",
      "conducting_literature_research"
    ]);
  });

  it("computes category win rates on the category's columns only", () => {
    const cds = categoryWinRates(grid).filter((r) => r.category === "clinical_decision_support");
    // Only MedCalc belongs to clinical decision support: b beats a, c has no value.
    expect(cds).toEqual([
      {model: "a", category: "clinical_decision_support", win_rate: 0},
      {model: "b", category: "clinical_decision_support", win_rate: 1},
      {model: "c", category: "clinical_decision_support", win_rate: null}
    ]);
    expect(subcategoryWinRates(grid).filter((r) => r.subcategory === "documenting_patient_visits").map((r) => r.win_rate)).toEqual([1, 0.5, 0]);
  });

  it("accepts any grouping of benchmarks", () => {
    const rows = groupScores(grid, (b) => (b.startsWith("med") ? "med" : "other"), ["other", "med", "none"]);
    expect(rows.filter((r) => r.model === "a")).toEqual([
      {model: "a", group: "other", value: (1 + 0.9) / 2},
      {model: "a", group: "med", value: (0.5 + 0.5) / 2}
    ]);
  });
});
