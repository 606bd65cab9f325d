/**
 * The notebook's pure parts: the notebook in the page address (plain `?sql=` and the packed
 * `?nb=` code), the chart a result gets by default and the problems a chart can have, and the
 * Markdown page "Export as page" writes.
 */
import {describe, expect, it} from "vitest";
// @ts-expect-error: plain browser modules without type declarations.
import {chartPlan, chartProblem, defaultChart, planSource} from "../src/components/notebookChart.js";
// @ts-expect-error: plain browser modules without type declarations.
import {mentionsTable, notebookPage} from "../src/components/notebookExport.js";
// @ts-expect-error: plain browser modules without type declarations.
import {decodeNotebook, encodeNotebook, NotebookAddressError} from "../src/components/notebookUrl.js";

const cells = [
  {sql: "SELECT label, win_rate FROM win_rates WHERE scope = 'all'", chart: {mark: "bar", x: "label", y: "win_rate", color: null, facet: null}},
  {sql: "SELECT 'é ✓ & ? # %' AS odd, 1 AS n -- unicode and URL syntax", chart: null},
  {sql: "SELECT * FROM scores", chart: {mark: "dot", x: "value", y: null, color: "model", facet: "benchmark"}}
];

describe("notebook address", () => {
  it("keeps a single query without a chart as plain ?sql=", async () => {
    const search = await encodeNotebook([{sql: "SELECT 4242 AS answer", chart: null}]);
    expect(search).toBe("sql=SELECT+4242+AS+answer");
    expect(await decodeNotebook(`?${search}`)).toEqual([{sql: "SELECT 4242 AS answer", chart: null}]);
  });

  it("reads a hand-written ?sql= link", async () => {
    expect(await decodeNotebook("?sql=SELECT%204242%20AS%20answer%2C%20(SELECT%20count(*)%20FROM%20scores)%20AS%20score_rows")).toEqual([
      {sql: "SELECT 4242 AS answer, (SELECT count(*) FROM scores) AS score_rows", chart: null}
    ]);
  });

  it("packs several cells with their charts into ?nb= and reads them back exactly", async () => {
    const search = await encodeNotebook(cells);
    expect(search).toMatch(/^nb=1\.[A-Za-z0-9_-]+$/);
    expect(await decodeNotebook(search)).toEqual(cells);
  });

  it("packs a long notebook into fewer characters than its JSON", async () => {
    const many = Array.from({length: 12}, (_, i) => ({sql: `SELECT label, avg(value_normalized) AS score FROM leaderboard WHERE is_main AND category = 'c${i}' GROUP BY label ORDER BY score DESC`, chart: null}));
    const search = await encodeNotebook(many);
    expect(search.length).toBeLessThan(JSON.stringify(many).length / 3);
    expect(await decodeNotebook(search)).toEqual(many);
  });

  it("names no notebook when the address has neither parameter", async () => {
    expect(await decodeNotebook("")).toBeNull();
    expect(await decodeNotebook("?category=all")).toBeNull();
  });

  it("says what is wrong with a damaged, cut or foreign notebook code", async () => {
    const good = (await encodeNotebook(cells)).slice(3);
    const fails = (search: string) => decodeNotebook(search).then(() => "decoded", (e: unknown) => (e instanceof NotebookAddressError ? (e as Error).message : `other: ${e}`));
    expect(await fails("nb=2.abc")).toBe('the notebook code does not start with the version tag "1."');
    expect(await fails("nb=1.abc$def")).toBe("the notebook code has characters that URL-safe base64 does not use");
    expect(await fails(`nb=${good.slice(0, good.length - 12)}`)).toBe("the notebook code is damaged (it does not inflate); was the link cut short?");
    const packed = async (value: unknown) => `nb=1.${Buffer.from(await new Response(new Blob([JSON.stringify(value)]).stream().pipeThrough(new CompressionStream("deflate"))).arrayBuffer()).toString("base64url")}`;
    expect(await fails(await packed([]))).toBe("the notebook code holds no cells");
    expect(await fails(await packed(["SELECT 1", 7]))).toBe("cell 2 is neither a query nor a query with a chart");
    expect(await fails(await packed([["SELECT 1", "pie", "x"]]))).toBe('cell 1 asks for an unknown chart mark "pie" (known: dot, bar, line, cell, box)');
  });
});

describe("notebook charts", () => {
  const col = (name: string, kind: string) => ({name, kind});

  it("draws a number per category as bars, two numbers as dots and two categories as a heatmap", () => {
    expect(defaultChart([col("label", "text"), col("win_rate", "number")])).toEqual({mark: "bar", x: "label", y: "win_rate", color: null, facet: null});
    expect(defaultChart([col("cost", "number"), col("score", "number"), col("label", "text")])).toEqual({mark: "dot", x: "cost", y: "score", color: "label", facet: null});
    expect(defaultChart([col("judge", "text"), col("benchmark", "text")])).toEqual({mark: "cell", x: "judge", y: "benchmark", color: null, facet: null});
    expect(defaultChart([col("day", "date"), col("n", "number")])).toMatchObject({mark: "line", x: "day", y: "n"});
    expect(defaultChart([])).toBeNull();
  });

  it("names the column a chart uses that the result no longer has", () => {
    const columns = [col("label", "text"), col("score", "number")];
    expect(chartProblem({mark: "bar", x: "label", y: "win_rate", color: null, facet: null}, columns)).toBe(
      'The chart uses the column "win_rate" (y), which this result does not have; choose another.'
    );
    expect(chartProblem({mark: "bar", x: "label", y: "score", color: null, facet: null}, columns)).toBeNull();
    expect(chartProblem({mark: "bar", x: null, y: null, color: null, facet: null}, columns)).toBe("Choose a column for x.");
  });

  it("counts rows per category when a bar chart has no y, and writes the plan as Plot code", () => {
    const plan = chartPlan({mark: "bar", x: "reason", y: null, color: null, facet: null}, [col("reason", "text")]);
    expect(plan.marks[0]).toEqual({fn: "barY", transform: {fn: "groupX", outputs: {y: "count"}}, options: {x: "reason", tip: true}});
    expect(planSource(plan, "cell1")).toBe('Plot.plot({grid: true, width, marks: [\n  Plot.barY(cell1, Plot.groupX({"y":"count"}, {"x":"reason","tip":true})),\n  Plot.ruleY([0])\n]})');
  });
});

describe("export as page", () => {
  const tables = ["scores", "win_rates", "leaderboard"];
  const tablePath = (t: string) => `data/suite/${t}.arrow`;

  it("registers the tables the cells name and writes one sql block per cell and one Plot block per chart", () => {
    const page = notebookPage([
      {...cells[0], columns: [{name: "label", kind: "text"}, {name: "win_rate", kind: "number"}]},
      {sql: "SELECT count(*) AS n FROM scores", chart: null}
    ], {title: "Win rates: a look", tables, tablePath});
    expect(page).toBe(`---
title: "Win rates: a look"
toc: false
sql:
  scores: ./data/suite/scores.arrow
  win_rates: ./data/suite/win_rates.arrow
---

# Win rates: a look

Exported from the workbench's notebook. Each query runs in the browser with DuckDB over the tables the site ships.

## Cell 1

\`\`\`sql id=cell1 display
SELECT label, win_rate FROM win_rates WHERE scope = 'all'
\`\`\`

\`\`\`js
display(Plot.plot({grid: true, width, marks: [
  Plot.barY(cell1, {"x":"label","y":"win_rate","tip":true}),
  Plot.ruleY([0])
]}));
\`\`\`

## Cell 2

\`\`\`sql id=cell2 display
SELECT count(*) AS n FROM scores
\`\`\`
`);
  });

  it("defines the page's own sql client when a cell names a compressed table, which front matter cannot register", () => {
    const packedPath = (t: string) => `data/suite/${t}.arrow${t === "scores" ? ".gz" : ""}`;
    const page = notebookPage([{sql: "SELECT count(*) AS n FROM scores JOIN win_rates USING (label)", chart: null}], {title: "Scores", tables, tablePath: packedPath});
    expect(page).not.toContain("sql:\n");
    expect(page).toContain(`\`\`\`js
import {packedArrow} from "./components/packed.js";

const sql = DuckDBClient.sql({
  scores: packedArrow(FileAttachment("./data/suite/scores.arrow.gz")),
  win_rates: FileAttachment("./data/suite/win_rates.arrow")
});
\`\`\``);
    expect(page).toContain("```sql id=cell1 display\nSELECT count(*) AS n FROM scores JOIN win_rates USING (label)\n```");
  });

  it("fences a query that holds backticks with a longer fence", () => {
    const page = notebookPage([{sql: "SELECT 1 AS \"```\"", chart: null}], {tables, tablePath});
    expect(page).toContain('````sql id=cell1 display\nSELECT 1 AS "```"\n````');
  });

  it("finds table names as whole words only", () => {
    expect(mentionsTable("SELECT * FROM scores", "scores")).toBe(true);
    expect(mentionsTable("SELECT * FROM own_category_scores", "scores")).toBe(false);
    expect(mentionsTable("select * from Win_Rates", "win_rates")).toBe(true);
  });
});
