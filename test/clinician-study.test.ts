import {describe, expect, it} from "vitest";
import {clinicianStudy, clinicianStudyFile} from "../data-loaders/clinicians/agreement-page.ts";
import {parseRatings} from "../data-loaders/clinicians/ratings.ts";

describe("clinicianStudyFile", () => {
  it("reproduces the paper's combined ICC3k-z 0.474 [0.104, 0.692] and clinician-clinician 0.421", async () => {
    const study = await clinicianStudyFile();
    expect(study).toMatchObject({file: "reference/medhelm-paper/clinician-ratings.csv", n_ratings: 132, n_responses: 74, n_raters: 17});
    expect(study.rows.map((r) => r.id)).toEqual(["aci_bench", "medi_qa", "mtsamples_replicate", "combined", "combined_all"]);
    const combined = study.rows.find((r) => r.id === "combined")!;
    expect(combined).toMatchObject({label: "Combined (ACI-Bench + MEDIQA)", in_paper: true, responses: 56, ratings: 106, icc_n: 56, clinician_pairs: 5});
    expect([combined.icc3k_z, combined.icc3k_z_low, combined.icc3k_z_high].map((x) => x!.toFixed(3))).toEqual(["0.474", "0.104", "0.692"]);
    expect(combined.clinician_icc3k_z!.toFixed(3)).toBe("0.421");
    expect(study.rows.find((r) => r.id === "aci_bench")!.icc3k_z!.toFixed(3)).toBe("0.308");
    expect(study.rows.find((r) => r.id === "combined_all")).toMatchObject({in_paper: false, responses: 74});
  });

  it("lists every response with its clinician and jury composites, and the clinician pairs", async () => {
    const study = await clinicianStudyFile();
    expect(study.responses).toHaveLength(74);
    expect(study.responses[0]).toMatchObject({dataset: "aci_bench", instance_id: "id148", model_key: "google_gemini-1.5-pro-001", model: "google/gemini-1.5-pro-001", raters: 2});
    expect(study.responses[0].human).toBeCloseTo(29 / 6, 10);
    expect(study.pairs).toHaveLength(8);
    expect(study.pairs.every((p) => p.shared >= 2)).toBe(true);
  });
});

describe("clinicianStudy", () => {
  const header = "rater_id,instance_id,dataset_name,model_key,accuracy,completeness,clarity,llm_accuracy,llm_completeness,llm_clarity";
  const rows = [
    "r1,i1,aci_bench,m_a,5,4,5,4,4,5", "r2,i1,aci_bench,m_a,4,4,4,4,4,5",
    "r1,i2,aci_bench,m_a,2,3,2,3,3,3", "r2,i2,aci_bench,m_a,3,3,2,3,3,3",
    "r1,i3,aci_bench,m_a,4,4,3,5,4,4", "r2,i3,aci_bench,m_a,4,3,3,5,4,4",
    "r3,i1,medi_qa,m_a,5,5,5,5,5,5", "r3,i2,medi_qa,m_a,1,2,1,2,2,2", "r3,i3,medi_qa,m_a,3,3,3,4,3,3"
  ];

  it("adds no all-datasets row when only the paper's datasets are rated", () => {
    const study = clinicianStudy(parseRatings([header, ...rows].join("\n")));
    expect(study.rows.map((r) => r.id)).toEqual(["aci_bench", "medi_qa", "combined"]);
    // medi_qa has one rater per response: no clinician pair, so no yardstick.
    expect(study.rows.find((r) => r.id === "medi_qa")).toMatchObject({clinician_icc3k_z: null, clinician_pairs: null});
    expect(study.rows.find((r) => r.id === "aci_bench")!.clinician_pairs).toBe(1);
  });

  it("analyses a single dataset without a pooled row", () => {
    const study = clinicianStudy(parseRatings([header, ...rows.slice(0, 6)].join("\n")));
    expect(study.rows.map((r) => r.id)).toEqual(["aci_bench"]);
    expect(study.rows[0].responses).toBe(3);
  });
});
