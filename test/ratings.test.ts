import {describe, it, expect} from "vitest";
import {joinJury, parseRatings, ratingModelKey, type JuryVerdict} from "../data-loaders/clinicians/ratings.ts";

const HEADER = "rater_id,instance_id,dataset_name,model_key,accuracy,completeness,clarity,llm_accuracy,llm_completeness,llm_clarity";

/** Parses `rows` under the full header; the header is line 1, so `rows[0]` is line 2. */
const parse = (...rows: string[]) => parseRatings([HEADER, ...rows].join("\n"), "ratings.csv");

/** The message of the error `f` throws. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("parseRatings", () => {
  it("returns typed rows with 1-based line numbers and null for empty llm_* cells", () => {
    const rows = parse("r1,id1,aci_bench,openai_gpt-4o,5,4,3,4.333333333333333,4,5", "r2,id1,aci_bench,openai_gpt-4o,2,3,4,,,");
    expect(rows).toEqual([
      {rater_id: "r1", instance_id: "id1", dataset_name: "aci_bench", model_key: "openai_gpt-4o", accuracy: 5, completeness: 4, clarity: 3, llm_accuracy: 4.333333333333333, llm_completeness: 4, llm_clarity: 5, line: 2},
      {rater_id: "r2", instance_id: "id1", dataset_name: "aci_bench", model_key: "openai_gpt-4o", accuracy: 2, completeness: 3, clarity: 4, llm_accuracy: null, llm_completeness: null, llm_clarity: null, line: 3}
    ]);
  });

  it("accepts files without the optional llm_* columns", () => {
    const rows = parseRatings("rater_id,instance_id,dataset_name,model_key,accuracy,completeness,clarity\nr1,id1,medi_qa,m,1,2,3\n");
    expect(rows[0].llm_clarity).toBeNull();
  });

  it("names the file, line and column of a non-numeric score", () => {
    const message = messageOf(() => parse("r1,id1,aci_bench,m,5,4,3,,,", "r2,id1,aci_bench,m,six,4,3,,,"));
    expect(message).toContain('ratings.csv line 3, column accuracy: "six" is not a number from 1 to 5');
  });

  it("names the file, line and column of an out-of-range score, including llm_* columns", () => {
    const message = messageOf(() => parse("r1,id1,aci_bench,m,5,0,3,,,", "r2,id1,aci_bench,m,5,4,3,4,4,5.5"));
    expect(message).toContain('ratings.csv line 2, column completeness: "0" is not a number from 1 to 5');
    expect(message).toContain('ratings.csv line 3, column llm_clarity: "5.5" is not a number from 1 to 5');
  });

  it("names a column missing from the header as line 1", () => {
    const message = messageOf(() => parseRatings("rater_id,instance_id,dataset_name,model_key,accuracy,clarity\nr1,id1,d,m,1,2\n", "ratings.csv"));
    expect(message).toBe("ratings.csv line 1: missing column completeness");
  });

  it("names the columns a short row is missing, and empty required cells", () => {
    const message = messageOf(() => parse("r1,id1,aci_bench,m,5,4", "r2,,aci_bench,m,5,4,3,,,"));
    expect(message).toContain("ratings.csv line 2, column clarity: missing value (the row has too few fields)");
    expect(message).toContain("ratings.csv line 2, column llm_accuracy: missing value (the row has too few fields)");
    expect(message).toContain("ratings.csv line 3, column instance_id: empty value");
  });

  it("reports a rater who rated the same response twice, pointing at the first line", () => {
    const message = messageOf(() => parse("r1,id1,aci_bench,m,5,4,3,,,", "r1,id1,aci_bench,m,4,4,3,,,"));
    expect(message).toContain("ratings.csv line 3, column rater_id: r1 already rated this response on line 2");
  });

  it("collects every error into one message and lists at most 20", () => {
    const bad = Array.from({length: 25}, (_, i) => `r${i},id1,aci_bench,m,x,4,3,,,`);
    const message = messageOf(() => parse(...bad));
    expect(message.startsWith("ratings.csv: 25 invalid values\n")).toBe(true);
    expect(message).toContain("ratings.csv line 21, column accuracy");
    expect(message).not.toContain("ratings.csv line 22, column accuracy");
    expect(message).toContain("... and 5 more");
  });

  it("counts lines inside quoted multi-line fields and skips blank lines", () => {
    const message = messageOf(() => parse('r1,"id\n1",aci_bench,m,5,4,3,,,', "", "r2,id2,aci_bench,m,5,4,9,,,"));
    expect(message).toContain('ratings.csv line 5, column clarity: "9" is not a number from 1 to 5');
  });

  it("reports an empty file", () => {
    expect(messageOf(() => parseRatings("", "empty.csv"))).toBe("empty.csv line 1: the file is empty");
  });
});

describe("joinJury", () => {
  const ratings = parse("r1,id1,aci_bench,openai_gpt-4o,5,4,3,,,", "r1,id2,aci_bench,openai_gpt-4o,5,4,3,2,2,2", "r1,id1,medi_qa,openai_gpt-4o,5,4,3,,,");
  const verdict = (instance_id: string, criterion: string, score: number, model = "openai/gpt-4o", benchmark = "aci_bench"): JuryVerdict => ({benchmark, instance_id, model, criterion, score});

  it("ratingModelKey() replaces every slash with an underscore", () => {
    expect(ratingModelKey("meta/llama-3.3-70b-instruct")).toBe("meta_llama-3.3-70b-instruct");
  });

  it("fills llm_* with the mean verdict per criterion when benchmark, instance and model match", () => {
    const joined = joinJury(ratings, [verdict("id1", "accuracy", 4), verdict("id1", "accuracy", 5), verdict("id1", "accuracy", 3), verdict("id1", "clarity", 2), verdict("id1", "relevance", 1)]);
    expect(joined[0]).toMatchObject({llm_accuracy: 4, llm_completeness: null, llm_clarity: 2});
  });

  it("leaves unmatched rows and criteria with their values from the file, and does not change the input", () => {
    const joined = joinJury(ratings, [verdict("id1", "accuracy", 4)]);
    expect(joined[1]).toEqual(ratings[1]);
    expect(joined[2].llm_accuracy).toBeNull(); // same instance and model, other benchmark
    expect(ratings[0].llm_accuracy).toBeNull();
  });

  it("matches a model key written as-is as well as with underscores", () => {
    const asIs = parse("r1,id1,aci_bench,openai/gpt-4o,5,4,3,,,");
    expect(joinJury(asIs, [verdict("id1", "completeness", 3)])[0].llm_completeness).toBe(3);
  });

  it("rejects a verdict score outside 1-5", () => {
    expect(() => joinJury(ratings, [verdict("id1", "accuracy", 0)])).toThrow("jury verdict 1 (aci_bench id1 openai/gpt-4o accuracy): score 0 is not from 1 to 5");
  });
});
