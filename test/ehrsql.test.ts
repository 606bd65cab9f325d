import {execFile} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  closeSqlDatabases, createTableStatements, DEFAULT_TIME_LIMIT_MS, ehrSqlExecutionAccuracy, ehrSqlPrecisionAnswerable, ehrSqlQueryValidity,
  ehrSqlRecallAnswerable, executionAccuracy, extractSql, fallbackRows, openSqliteFile, resultsMatch, timeLimitMs, type EhrSqlExtra, type QueryOutcome
} from "../data-loaders/metrics/ehrsql.ts";
import {SqlWorker} from "../data-loaders/metrics/sql-worker.ts";
import {scoreAnswer} from "../data-loaders/metrics/metrics.ts";
import type {Instance, Metric, MetricValue, ScoringOptions} from "../data-loaders/benchmark/types.ts";

const shippedSchema = fileURLToPath(new URL("../benchmarks/data/ehr_sql/eicu.sql", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ehrsql-test-"));
const dbFile = join(dir, "eicu.sqlite");
const schemaFile = join(dir, "eicu.sql");

// A tiny eICU-like database: two tables, a few rows.
const SCHEMA = `
DROP TABLE IF EXISTS patient;
CREATE TABLE patient (uniquepid VARCHAR(10) NOT NULL, patientunitstayid INT NOT NULL PRIMARY KEY, gender VARCHAR(25), age VARCHAR(10)) ;
DROP TABLE IF EXISTS medication;
CREATE TABLE medication (medicationid INT NOT NULL PRIMARY KEY, patientunitstayid INT NOT NULL, drugname VARCHAR(220) NOT NULL, routeadmin VARCHAR(120) NOT NULL) ;`;

beforeAll(async () => {
  const SQL = await (createRequire(import.meta.url)("sql.js") as () => Promise<{Database: new () => {run(sql: string): void; export(): Uint8Array}}>)();
  const db = new SQL.Database();
  for (const statement of createTableStatements(SCHEMA)) db.run(statement);
  db.run(`INSERT INTO patient VALUES ('002-1', 1, 'female', '70'), ('002-2', 2, 'male', '55');
          INSERT INTO medication VALUES (1, 1, 'warfarin 2.5 mg', 'po'), (2, 2, 'warfarin 2.5 mg', 'po'), (3, 2, 'ns 1,000 ml', 'iv');`);
  writeFileSync(dbFile, db.export());
  writeFileSync(schemaFile, SCHEMA);
});

// Workers are unreferenced while idle, but a test file ends them itself so that nothing outlives it.
afterAll(() => closeSqlDatabases());

const withDb: ScoringOptions = {helmCompat: false, resources: {"ehr_sql.sqlite": dbFile}};
const withoutDb: ScoringOptions = {helmCompat: false, resources: {}};

function question(gold: string | null, value: Record<string, unknown> = {}): Instance {
  const extra: EhrSqlExtra = {answerable: gold !== null, value, schemaFile};
  return {id: "q", input: "", gold: [gold ?? ""], extra: {...extra}};
}
const score = (metric: Metric, output: string, instance: Instance, options: ScoringOptions = withDb): Promise<MetricValue> =>
  scoreAnswer(metric, {output, answer: extractSql(output) || null, instance}, options);

const routeOfWarfarin = question("select distinct medication.routeadmin from medication where medication.drugname = 'warfarin 2.5 mg'", {drug_name: "warfarin 2.5 mg"});
const noRowsGold = question("select medication.routeadmin from medication where medication.drugname = 'aspirin'", {drug_name: "aspirin"});
const unanswerable = question(null);

describe("EHRSQL SQL extraction", () => {
  it("extractSql takes the content of <sql> tags when present", () => {
    expect(extractSql("Here you go: <sql> SELECT 1; </sql> done")).toBe("SELECT 1;");
  });
  it("extractSql removes a Markdown code fence (backticks and the leading sql line)", () => {
    expect(extractSql("```sql\nSELECT age FROM patient;\n```")).toBe("SELECT age FROM patient;");
  });
  it("extractSql returns the whole trimmed text otherwise and an empty string for an empty answer", () => {
    expect(extractSql("  select 1\n")).toBe("select 1");
    expect(extractSql(" \n ")).toBe("");
  });
  it("createTableStatements keeps the ten CREATE TABLE statements of the shipped eicu.sql and drops its DROP statements", () => {
    const statements = createTableStatements(readFileSync(shippedSchema, "utf8"));
    expect(statements.map((s) => /CREATE TABLE (\w+)/.exec(s)![1])).toEqual(["patient", "diagnosis", "treatment", "lab", "medication", "cost", "allergy", "intakeoutput", "microlab", "vitalperiodic"]);
    expect(statements.every((s) => s.endsWith(";") && !s.includes("DROP"))).toBe(true);
  });
});

describe("EHRSQL result comparison", () => {
  it("resultsMatch compares row sets, ignoring order and duplicates", () => {
    expect(resultsMatch([["po"], ["iv"], ["po"]], [["iv"], ["po"]])).toBe(true);
    expect(resultsMatch([["po"]], [["po"], ["iv"]])).toBe(false);
  });
  it("resultsMatch is false when either result is empty, and a number never equals its text", () => {
    expect(resultsMatch([], [])).toBe(false);
    expect(resultsMatch([[1]], [["1"]])).toBe(false);
  });
  it("fallbackRows turns the question's slot values into single-column rows", () => {
    expect(fallbackRows({drug_name: "aspirin", n: 2})).toEqual([["aspirin"], [2]]);
    expect(fallbackRows(undefined)).toEqual([]);
  });
});

describe("EHRSQL execution accuracy decision", () => {
  const rows = (r: QueryOutcome) => () => r;
  const fails = () => {
    throw new Error("must not run");
  };
  it("an empty answer is right for an unanswerable question and wrong for an answerable one, without running anything", async () => {
    expect(await executionAccuracy({instanceId: "q", answerable: false, predictedSql: "", gold: fails, predicted: fails, fallback: []})).toEqual({value: 1});
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "", gold: fails, predicted: fails, fallback: []})).toEqual({value: 0});
  });
  it("SQL for an unanswerable question scores 0", async () => {
    expect(await executionAccuracy({instanceId: "q", answerable: false, predictedSql: "select 1", gold: fails, predicted: fails, fallback: []})).toEqual({value: 0});
  });
  it("a failing gold query leaves the answer unscored with the error, a failing prediction scores 0", async () => {
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "select 1", gold: rows({error: "no such table: x"}), predicted: rows({rows: [[1]]}), fallback: []}))
      .toEqual({value: null, reason: "gold query failed: no such table: x"});
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "select", gold: rows({rows: [[1]]}), predicted: rows({error: "syntax error"}), fallback: []})).toEqual({value: 0, note: "predicted query failed: syntax error"});
  });
  it("when the gold query returns no rows the fallback rows are the reference, so an empty predicted result is wrong", async () => {
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "select 1", gold: rows({rows: []}), predicted: rows({rows: []}), fallback: [["aspirin"]]})).toEqual({value: 0});
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "select 1", gold: rows({rows: []}), predicted: rows({rows: [["aspirin"]]}), fallback: [["aspirin"]]})).toEqual({value: 1});
    expect(await executionAccuracy({instanceId: "q", answerable: true, predictedSql: "select 1", gold: rows({rows: []}), predicted: rows({rows: []}), fallback: []})).toEqual({value: 0});
  });
});

describe("EHRSQL metrics on a synthetic SQLite database", () => {
  const accuracy = ehrSqlExecutionAccuracy();
  const validity = ehrSqlQueryValidity();
  it("a differently written query with the same result set scores 1 on accuracy and validity", async () => {
    const output = "<sql>SELECT routeadmin FROM medication WHERE drugname LIKE 'warfarin%' ORDER BY medicationid DESC;</sql>";
    expect(await score(accuracy, output, routeOfWarfarin)).toEqual({value: 1});
    expect(await score(validity, output, routeOfWarfarin)).toEqual({value: 1});
  });
  it("a query with a different result scores 0 on accuracy but 1 on validity", async () => {
    const output = "select routeadmin from medication";
    expect(await score(accuracy, output, routeOfWarfarin)).toEqual({value: 0});
    expect(await score(validity, output, routeOfWarfarin)).toEqual({value: 1});
  });
  it("a query naming an unknown column scores 0 on accuracy and validity, with SQLite's error as the note", async () => {
    const note = "predicted query failed: no such column: route";
    expect(await score(accuracy, "select route from medication", routeOfWarfarin)).toEqual({value: 0, note});
    expect(await score(validity, "select route from medication", routeOfWarfarin)).toEqual({value: 0, note});
  });
  it("two statements in one answer are refused as Python's sqlite3 refuses them", async () => {
    expect(await score(validity, "select 1; select 2;", routeOfWarfarin)).toEqual({value: 0, note: "predicted query failed: more than one SQL statement"});
  });
  it("when the gold query returns no rows, an empty result is wrong and only the slot values match (HELM's fallback)", async () => {
    expect(await score(accuracy, "select routeadmin from medication where drugname = 'aspirin'", noRowsGold)).toEqual({value: 0});
    expect(await score(accuracy, "select 'aspirin'", noRowsGold)).toEqual({value: 1});
  });
  it("an empty answer to an unanswerable question scores 1; an empty answer to an answerable one scores 0", async () => {
    expect(await score(accuracy, "", unanswerable)).toEqual({value: 1});
    expect(await score(accuracy, "``` ```", unanswerable)).toEqual({value: 1});
    expect(await score(accuracy, "", routeOfWarfarin)).toEqual({value: 0});
  });
  it("an empty answer is never a valid query", async () => {
    expect(await score(validity, "", unanswerable)).toEqual({value: 0});
  });
  it("a gold query that fails on the database leaves the answer unscored with the engine's error", async () => {
    const broken = question("select count(*) from medication where medication.routeadmin between route_lower and route_upper");
    expect(await score(accuracy, "select 1", broken)).toEqual({value: null, reason: "gold query failed: no such column: route_lower"});
  });
  it("a predicted DELETE fails under query_only and leaves the cached database unchanged", async () => {
    const count = question("select count(*) from medication");
    expect(await score(validity, "DELETE FROM medication", count)).toEqual({value: 0, note: "predicted query failed: attempt to write a readonly database"});
    expect(await score(accuracy, "select count(medicationid) from medication", count)).toEqual({value: 1});
    const db = await openSqliteFile(dbFile);
    expect(await db.query("select count(*) from medication", 1000)).toEqual({rows: [[3]]});
  });
  it("the database is opened once per path", () => {
    expect(openSqliteFile(dbFile)).toBe(openSqliteFile(dbFile));
  });
  it("a configured path that does not exist leaves accuracy unscored with the path in the reason", async () => {
    const missing = join(dir, "missing.sqlite");
    const result = await score(accuracy, "select 1", routeOfWarfarin, {helmCompat: false, resources: {"ehr_sql.sqlite": missing}});
    expect(result.value).toBeNull();
    expect(result.reason).toContain(`cannot read ${missing}`);
  });
});

describe("EHRSQL query time limit", () => {
  const LIMIT = 400;
  const limited: ScoringOptions = {helmCompat: false, resources: {"ehr_sql.sqlite": dbFile, "ehr_sql.time_limit_ms": String(LIMIT)}};
  // A recursive CTE without an end: SQLite computes it forever, and count(*) returns no row until it ends.
  const runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

  it("the time limit defaults to 10 s and is read from resources as a number or numeric text", () => {
    expect(timeLimitMs(withDb)).toBe(DEFAULT_TIME_LIMIT_MS);
    expect(DEFAULT_TIME_LIMIT_MS).toBe(10_000);
    expect(timeLimitMs(limited)).toBe(400);
    expect(timeLimitMs({helmCompat: false, resources: {"ehr_sql.time_limit_ms": 2500 as unknown as string}})).toBe(2500);
  });

  it("a time limit that is not a positive number of milliseconds leaves accuracy unscored with the bad value in the reason", async () => {
    const bad: ScoringOptions = {helmCompat: false, resources: {"ehr_sql.sqlite": dbFile, "ehr_sql.time_limit_ms": "10s"}};
    expect(await score(ehrSqlExecutionAccuracy(), "select 1", routeOfWarfarin, bad))
      .toEqual({value: null, reason: 'resources["ehr_sql.time_limit_ms"] must be a number of milliseconds between 1 and 2147483647, got "10s"'});
  });

  it("a runaway predicted query is stopped at the limit, scores 0 with a note saying so, and the next query on the same scorer works", async () => {
    const accuracy = ehrSqlExecutionAccuracy();
    const validity = ehrSqlQueryValidity();
    const note = `predicted query stopped at the ${LIMIT} ms time limit (resources["ehr_sql.time_limit_ms"] sets the limit)`;
    const instance = {...routeOfWarfarin, id: "runaway-1"};
    const started = performance.now();
    expect(await score(accuracy, runaway, instance, limited)).toEqual({value: 0, note});
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(LIMIT - 5);
    expect(elapsed).toBeLessThan(LIMIT + 1500);
    // Validity reuses the memoized stop instead of waiting for the limit again.
    const again = performance.now();
    expect(await score(validity, runaway, instance, limited)).toEqual({value: 0, note});
    expect(performance.now() - again).toBeLessThan(LIMIT);
    const next = "SELECT DISTINCT routeadmin FROM medication WHERE drugname = 'warfarin 2.5 mg' AND 'runaway-1' = 'runaway-1'";
    expect(await score(accuracy, next, routeOfWarfarin, limited)).toEqual({value: 1});
    expect(await score(validity, next, routeOfWarfarin, limited)).toEqual({value: 1});
  });

  it("a gold query that overruns leaves accuracy unscored with a reason naming the instance", async () => {
    const slowGold = {...question(runaway), id: "slow-gold-7"};
    expect(await score(ehrSqlExecutionAccuracy(), "select 1", slowGold, limited))
      .toEqual({value: null, reason: `gold query of instance slow-gold-7 stopped at the ${LIMIT} ms time limit (resources["ehr_sql.time_limit_ms"])`});
  });

  it("one worker answers every query until a stop, and a stop starts exactly one new worker", async () => {
    const worker = new SqlWorker(dbFile);
    try {
      for (let i = 0; i < 20; i++) expect(await worker.query(`select count(*) + ${i} from patient`, 1000)).toEqual({rows: [[2 + i]]});
      expect(worker.spawned).toBe(1);
      expect(await worker.query(runaway, 200)).toEqual({error: "stopped at the 200 ms time limit", stopped: true});
      const [a, b] = await Promise.all([worker.query("select 1", 1000), worker.query("select 2", 1000)]);
      expect([a, b]).toEqual([{rows: [[1]]}, {rows: [[2]]}]);
      expect(worker.spawned).toBe(2);
    } finally {
      await worker.close();
    }
  });

  it("queries queued behind a slow one get their own full time limit", async () => {
    const worker = new SqlWorker(dbFile);
    try {
      // Each query takes a fraction of a second; four in a row take longer than the limit, but none does alone.
      const slow = (n: number) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) + ${n} FROM c`;
      const t = performance.now();
      expect(await worker.query(slow(0), 5000)).toEqual({rows: [[300000]]});
      const single = performance.now() - t;
      const limit = Math.ceil(single * 3);
      const outcomes = await Promise.all([0, 1, 2, 3].map((n) => worker.query(slow(n), limit)));
      expect(outcomes).toEqual([0, 1, 2, 3].map((n) => ({rows: [[300000 + n]]})));
    } finally {
      await worker.close();
    }
  });

  it("a query whose rows outgrow the worker's heap cap is stopped as a lost worker and the next query works", async () => {
    const worker = new SqlWorker(dbFile, {heapLimitMb: 32});
    try {
      const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, printf('%.200c', 'x') FROM c";
      const outcome = await worker.query(endless, 30_000);
      expect(outcome).toMatchObject({stopped: true});
      expect((outcome as {error: string}).error).toMatch(/^sql worker stopped while the query ran: .*memory/);
      expect(await worker.query("select count(*) from medication", 1000)).toEqual({rows: [[3]]});
    } finally {
      await worker.close();
    }
  });

  it("a closed worker refuses queries", async () => {
    const worker = new SqlWorker(dbFile);
    await worker.close();
    await expect(worker.query("select 1", 1000)).rejects.toThrow(`sql worker for ${dbFile} is closed`);
  });

  it("a process that scored with the database exits by itself: an idle worker keeps nothing alive", async () => {
    const script = join(dir, "exit-check.mts");
    const module = fileURLToPath(new URL("../data-loaders/metrics/ehrsql.ts", import.meta.url));
    writeFileSync(script, `import {ehrSqlExecutionAccuracy} from ${JSON.stringify(module)};
const instance = {id: "q", input: "", gold: ["select count(*) from patient"], extra: {answerable: true, value: {}, schemaFile: ${JSON.stringify(schemaFile)}}};
const result = await ehrSqlExecutionAccuracy().score({output: "select count(uniquepid) from patient", answer: null, instance}, {helmCompat: false, resources: {"ehr_sql.sqlite": ${JSON.stringify(dbFile)}}});
console.log(JSON.stringify(result));
`);
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", pathToFileURL(tsx).href, script], {timeout: 30_000}, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))));
    expect(JSON.parse(stdout.trim())).toEqual({value: 1});
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe("EHRSQL metrics without the database", () => {
  const accuracy = ehrSqlExecutionAccuracy();
  const validity = ehrSqlQueryValidity();
  it("execution accuracy is unscored with the reason 'eicu.sqlite not configured', never 0", async () => {
    expect(await score(accuracy, "select 1", routeOfWarfarin, withoutDb)).toEqual({value: null, reason: "eicu.sqlite not configured"});
    expect(await score(accuracy, "", unanswerable, withoutDb)).toEqual({value: null, reason: "eicu.sqlite not configured"});
  });
  it("query validity checks that the query compiles against the schema's tables and columns", async () => {
    expect(await score(validity, "select routeadmin from medication where drugname = 'x';", routeOfWarfarin, withoutDb)).toEqual({value: 1});
    expect(await score(validity, "select routeadmin from medications", routeOfWarfarin, withoutDb)).toEqual({value: 0, note: "predicted query does not compile against the schema: no such table: medications"});
    expect(await score(validity, "selec routeadmin from medication", routeOfWarfarin, withoutDb)).toMatchObject({value: 0, note: expect.stringMatching(/^predicted query does not compile against the schema: .*syntax error/)});
  });
  it("query validity rejects statements that would write, which EXPLAIN alone would accept", async () => {
    expect(await score(validity, "DROP TABLE medication", routeOfWarfarin, withoutDb)).toEqual({value: 0, note: "predicted query does not compile against the schema: statement writes to the database"});
    expect(await score(validity, "select count(*) from medication", routeOfWarfarin, withoutDb)).toEqual({value: 1});
  });
});

describe("EHRSQL answerability metrics", () => {
  const precision = ehrSqlPrecisionAnswerable();
  const recall = ehrSqlRecallAnswerable();
  it("precision scores attempted answers by whether the question is answerable and leaves abstentions unscored", async () => {
    expect(await score(precision, "select 1", routeOfWarfarin, withoutDb)).toEqual({value: 1});
    expect(await score(precision, "select 1", unanswerable, withoutDb)).toEqual({value: 0});
    expect((await score(precision, "", unanswerable, withoutDb)).value).toBeNull();
  });
  it("recall scores answerable questions by whether SQL was given and leaves unanswerable ones unscored", async () => {
    expect(await score(recall, "select 1", routeOfWarfarin, withoutDb)).toEqual({value: 1});
    expect(await score(recall, "", routeOfWarfarin, withoutDb)).toEqual({value: 0});
    expect((await score(recall, "select 1", unanswerable, withoutDb)).value).toBeNull();
  });
});
