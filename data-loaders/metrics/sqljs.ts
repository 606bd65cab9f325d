/**
 * sql.js (SQLite compiled to WebAssembly, no native build) behind the small synchronous interface
 * the EHRSQL metrics need. The eICU database is queried through it inside a worker thread (see
 * sql-worker.ts); the schema-only database used to check that a query compiles stays on the main
 * thread, because `EXPLAIN` never reads data and so cannot run away.
 */
import {createRequire} from "node:module";

/** One SQLite value as sql.js returns it. */
export type SqlValue = number | string | Uint8Array | null;

/** A query result: rows of values. */
export type Rows = SqlValue[][];

/** A database opened in this thread. */
export interface SqlDatabase {
  /** Runs exactly one read-only statement and returns its rows; throws on any error. */
  query: (sql: string) => Rows;
  /** Compiles one statement through `EXPLAIN` without reading data; throws when it does not compile or would write. */
  explain: (sql: string) => void;
}

interface SqlJsStatement {
  step(): boolean;
  get(): SqlValue[];
  free(): boolean;
}
interface SqlJsDatabase {
  run(sql: string): void;
  iterateStatements(sql: string): Iterator<SqlJsStatement> & {getRemainingSQL(): string};
}
interface SqlJsStatic {
  Database: new (data?: Uint8Array) => SqlJsDatabase;
}

let engine: Promise<SqlJsStatic> | null = null;

/** Loads sql.js once per thread. It ships without type declarations, hence the local interfaces above. */
function sqlJs(): Promise<SqlJsStatic> {
  engine ??= (createRequire(import.meta.url)("sql.js") as () => Promise<SqlJsStatic>)();
  return engine;
}

/** Whether SQL text holds nothing but whitespace, semicolons and comments. */
const isBlankSql = (sql: string) => !sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "").replace(/[\s;]+/g, "");

/** Runs exactly one statement; Python's sqlite3, which HELM uses, also refuses several at once. */
function runOne(db: SqlJsDatabase, sql: string): Rows {
  const statements = db.iterateStatements(sql);
  const first = statements.next();
  if (first.done) throw new Error("no SQL statement");
  const rows: Rows = [];
  try {
    // Asking the iterator for a second statement would finalize the first, so the rest of the text is inspected instead.
    if (!isBlankSql(statements.getRemainingSQL())) throw new Error("more than one SQL statement");
    while (first.value.step()) rows.push(first.value.get());
  } finally {
    first.value.free();
  }
  return rows;
}

/**
 * Wraps a sql.js database. Queries run with `PRAGMA query_only` set before each one, so a
 * predicted DELETE or DROP fails instead of changing the database that later answers use.
 */
function wrap(db: SqlJsDatabase): SqlDatabase {
  return {
    query(sql) {
      db.run("PRAGMA query_only = ON");
      return runOne(db, sql);
    },
    explain(sql) {
      db.run("PRAGMA query_only = ON");
      // EXPLAIN lists the compiled program: a Transaction opcode with a non-zero P2 opens a write
      // transaction, which `query_only` would refuse when the statement runs.
      const program = runOne(db, `EXPLAIN ${sql}`);
      if (program.some((op) => op[1] === "Transaction" && op[3] !== 0)) throw new Error("statement writes to the database");
    }
  };
}

/** Opens the bytes of an SQLite file (`name` is its path, for messages) and checks that they are a database. */
export async function sqliteFromBytes(bytes: Uint8Array, name: string): Promise<SqlDatabase> {
  const database = new (await sqlJs()).Database(bytes);
  try {
    runOne(database, "SELECT count(*) FROM sqlite_master");
  } catch (error) {
    throw new Error(`${name} is not an SQLite database: ${(error as Error).message}`);
  }
  return wrap(database);
}

/** An empty in-memory database holding the tables that `statements` (CREATE TABLE ...) define. */
export async function sqliteFromStatements(statements: string[]): Promise<SqlDatabase> {
  const database = new (await sqlJs()).Database();
  for (const statement of statements) database.run(statement);
  return wrap(database);
}
