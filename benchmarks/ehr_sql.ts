/**
 * EHRSQL: translate a clinician's question about ICU data into SQL over the eICU schema, or give
 * no query when the database cannot answer it. Source: glee4810/EHRSQL@e172ec8, eICU `valid.json`
 * and `test.json` (CC BY 4.0), 2,909 questions that HELM evaluates together, plus the schema
 * `eicu.sql`. Scored by execution accuracy on the user's own eicu.sqlite (not shipped: eICU is
 * credentialed data); without it only query validity and answerability metrics are scored.
 */
import {readFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {createTableStatements, extractSql, ehrSqlExecutionAccuracy, ehrSqlPrecisionAnswerable, ehrSqlQueryValidity, ehrSqlRecallAnswerable, type EhrSqlExtra} from "../data-loaders/metrics/ehrsql.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const SPLITS = ["valid.json", "test.json"];
const SCHEMA = "eicu.sql";

interface Entry {
  id: string;
  question: string;
  query: string;
  is_impossible: boolean | string;
  value?: Record<string, unknown>;
}

export default defineBenchmark({
  id: "ehr_sql",
  version: 1,
  description: "Text-to-SQL over an ICU database, including questions the database cannot answer, where the right response is to decline.",
  data: {location: "shipped", files: [...SPLITS, SCHEMA], dataset: "EHRSQL, eICU questions (Lee et al., 2022)", license: "CC BY 4.0", url: "https://github.com/glee4810/EHRSQL"},
  async load(dir) {
    const schemaFile = resolve(join(dir, SCHEMA));
    const statements = createTableStatements(await readFile(schemaFile, "utf8"));
    if (!statements.length) throw new Error(`${schemaFile}: no CREATE TABLE statements`);
    const schema = statements.join("\n\n");
    const out: Instance[] = [];
    for (const name of SPLITS) {
      const file = join(dir, name);
      const entries = JSON.parse(await readFile(file, "utf8")) as Entry[];
      if (!Array.isArray(entries)) throw new Error(`${file}: expected a JSON array`);
      entries.forEach((entry, i) => {
        const where = `${file}[${i}]`;
        if (!entry.id || !entry.question) throw new Error(`${where}: id or question is empty`);
        // The pinned files store a JSON boolean; other EHRSQL releases use the strings "True"/"False".
        const impossible = entry.is_impossible === true || entry.is_impossible === "True";
        if (!impossible && !entry.query?.trim()) throw new Error(`${where} (${entry.id}): answerable question without a query`);
        const extra: EhrSqlExtra = {answerable: !impossible, value: entry.value ?? {}, schemaFile};
        out.push({
          id: entry.id,
          input: `Database schema:\n${schema}\n\nQuestion: ${entry.question}`,
          // Unanswerable questions carry the query "null" in the dataset; the expected answer is no query.
          gold: [impossible ? "" : entry.query.trim()],
          extra: {...extra, sourceSplit: name.replace(".json", "")}
        });
      });
    }
    return out;
  },
  prompt: {
    kind: "generation",
    instructions:
      "You write SQLite queries for an intensive-care database. Using the schema below, write one SQL query that answers the question, ending with a semicolon. " +
      "Reply with the query only, with no explanation. If the database cannot answer the question, reply with nothing at all.",
    inputNoun: null,
    outputNoun: "SQL"
  },
  maxTokens: 1024,
  // Tables and pages show the SQL the metrics run, not the raw reply.
  extract: (output) => extractSql(output) || null,
  metrics: [ehrSqlExecutionAccuracy(), ehrSqlQueryValidity(), ehrSqlPrecisionAnswerable(), ehrSqlRecallAnswerable()],
  mainMetric: "ehr_sql_execution_accuracy"
});
