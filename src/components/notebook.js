// The notebook: cells of DuckDB SQL over the site's tables, each with a paged result table, CSV
// and JSON downloads and a quick Plot chart, run by DuckDB-WASM in the page. Everything is plain
// DOM driven by events, so a failing query, chart or address shows its message in place and the
// other cells keep working. The notebook lives in the page address and in local storage.
import * as Arrow from "npm:apache-arrow";
import * as Plot from "npm:@observablehq/plot";
import {DuckDBClient} from "npm:@observablehq/duckdb";
import {toCsv} from "./downloads.js";
import {chartPlan, chartProblem, columnKind, defaultChart, drawPlan} from "./notebookChart.js";
import {EXAMPLES} from "./notebookExamples.js";
import {mentionsTable, notebookPage} from "./notebookExport.js";
import {loadTable, TABLE_NAMES, tablePath} from "./notebookTables.js";
import {decodeNotebook, encodeNotebook, MARKS} from "./notebookUrl.js";

/** Rows per page of a result table: a page renders at once whatever the result's size. */
const PAGE_ROWS = 100;
/** Rows a chart draws at most (a chart of more points says so). */
const CHART_ROWS = 20000;
/** After this long a running query says that it can be cancelled. */
const SLOW_MS = 10000;
/** How long a cancel may take before the database worker is terminated instead. */
const CANCEL_GRACE_MS = 2000;
const STORAGE_KEY = "medhelm-notebook";
/** Tables of one row per instance or verdict: large on a full run, so loaded only when needed. */
const LARGE_TABLES = ["instances", "completions", "scores", "judgments"];
const STARTER = {sql: "SELECT label, win_rate, macro_avg, n_benchmarks\nFROM win_rates\nWHERE scope = 'all'\nORDER BY rank NULLS LAST", chart: null};

/** An element with attributes and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.flat().filter((c) => c != null));
  return el;
}

/**
 * DuckDB-WASM with the site's tables loaded on first use: a query loads the tables it names, so
 * a page that asks about one table never downloads the others.
 */
class Engine {
  constructor() {
    this.client = null;
    this.loaded = new Map();
    this.generation = 0;
  }

  async database() {
    this.client ??= DuckDBClient.of({});
    return (await this.client)._db;
  }

  /** Loads the tables `names` (once each). */
  async ensure(names) {
    const db = await this.database();
    await Promise.all(names.map((name) => {
      if (!this.loaded.has(name)) {
        this.loaded.set(name, loadTable(db, name).catch((error) => {
          this.loaded.delete(name);
          throw new Error(`could not load the table ${name}: ${error.message}`);
        }));
      }
      return this.loaded.get(name);
    }));
  }

  /** Runs `sql`; `onConnection` receives the connection so that the query can be cancelled. */
  async run(sql, onConnection) {
    await this.ensure(TABLE_NAMES.filter((t) => mentionsTable(sql, t)));
    const db = await this.database();
    const connection = await db.connect();
    onConnection(connection);
    try {
      const reader = await connection.send(sql);
      const batches = await reader.readAll();
      return new Arrow.Table(reader.schema, batches);
    } finally {
      await connection.close().catch(() => {});
    }
  }

  /** Stops the database worker (a query that ignores its cancel); the next query starts a fresh one. */
  async terminate() {
    const client = this.client;
    this.client = null;
    this.loaded.clear();
    this.generation++;
    if (client) (await client)._db.terminate();
  }

  /** Columns with types and the row count of one table. */
  async describe(name) {
    await this.ensure([name]);
    const db = await this.database();
    const connection = await db.connect();
    try {
      const columns = (await connection.query(`DESCRIBE "${name}"`)).toArray().map((r) => ({name: r.column_name, type: r.column_type}));
      const rows = Number((await connection.query(`SELECT count(*) AS n FROM "${name}"`)).get(0).n);
      return {columns, rows};
    } finally {
      await connection.close();
    }
  }
}

/** A cell value for the result table: text, with null shown as such. */
function cellText(value) {
  if (value == null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6));
  if (typeof value === "object") return JSON.stringify(value, (k, v) => (typeof v === "bigint" ? Number(v) : v));
  return String(value);
}

/** Plain rows of an Arrow table (BigInt as numbers, nested values as plain objects). */
function plainRows(table, limit = table.numRows) {
  const rows = [];
  for (let i = 0; i < Math.min(limit, table.numRows); i++) {
    const row = table.get(i).toJSON();
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "bigint") row[k] = Number(v);
      else if (v && typeof v === "object" && typeof v.toJSON === "function" && !(v instanceof Date)) row[k] = v.toJSON();
    }
    rows.push(row);
  }
  return rows;
}

/** A link that downloads text made when clicked (a large result costs nothing until then). */
function downloadLink(label, name, type, make) {
  const link = h("a", {href: "#", download: name, class: `notebook-download-${label.toLowerCase()}`}, label);
  link.addEventListener("click", () => {
    if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
    link.dataset.url = URL.createObjectURL(new Blob([make()], {type}));
    link.href = link.dataset.url;
  });
  return link;
}

/** The result as a table of `PAGE_ROWS` rows a page, with paging controls. */
function ResultTable(table) {
  const fields = table.schema.fields;
  const pages = Math.max(1, Math.ceil(table.numRows / PAGE_ROWS));
  let page = 0;
  const body = h("tbody");
  const position = h("span", {class: "notebook-page-position"});
  const previous = h("button", {type: "button", onclick: () => show(page - 1)}, "‹ previous");
  const next = h("button", {type: "button", onclick: () => show(page + 1)}, "next ›");
  function show(p) {
    page = Math.max(0, Math.min(pages - 1, p));
    const from = page * PAGE_ROWS;
    const to = Math.min(table.numRows, from + PAGE_ROWS);
    const rows = [];
    for (let i = from; i < to; i++) {
      const row = table.get(i);
      rows.push(h("tr", {}, fields.map((f) => {
        const text = cellText(row[f.name]);
        return text === null ? h("td", {class: "notebook-null"}, "null") : h("td", {title: text.length > 120 ? text : null}, text.length > 120 ? `${text.slice(0, 117)}…` : text);
      })));
    }
    body.replaceChildren(...rows);
    position.textContent = `rows ${table.numRows ? from + 1 : 0}–${to} of ${table.numRows.toLocaleString("en-US")}`;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  show(0);
  return h("div", {class: "notebook-result"},
    h("div", {class: "notebook-table-wrap"}, h("table", {class: "notebook-table"}, h("thead", {}, h("tr", {}, fields.map((f) => h("th", {title: String(f.type)}, f.name)))), body)),
    pages > 1 ? h("div", {class: "notebook-pager"}, previous, " ", position, " ", next) : h("div", {class: "notebook-pager muted"}, position));
}

/** The notebook UI; resolves to its root element. */
export async function Notebook() {
  const engine = new Engine();
  const root = h("div", {class: "notebook"});
  const notice = h("div", {class: "notebook-notice", id: "notebook-notice"});
  const cellsEl = h("div", {class: "notebook-cells"});
  const cells = [];
  let lastEditor = null;
  let saving = Promise.resolve();

  /** Writes the notebook into the address and local storage. */
  function save() {
    const state = cells.map((c) => ({sql: c.editor.value, chart: c.chart}));
    saving = saving.then(async () => {
      try {
        const search = await encodeNotebook(state);
        history.replaceState(history.state, "", `${location.pathname}?${search}`);
        localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
      } catch (error) {
        notice.replaceChildren(h("p", {class: "notebook-error"}, `The notebook could not be saved in the address: ${error.message}`));
      }
    });
    return saving;
  }

  function renumber() {
    cells.forEach((c, i) => {
      c.label.textContent = `[${i + 1}]`;
      c.up.disabled = i === 0;
      c.down.disabled = i === cells.length - 1;
      c.el.dataset.cell = String(i + 1);
    });
  }

  function insertAtCursor(text) {
    const editor = lastEditor ?? cells[0]?.editor;
    if (!editor) return;
    const {selectionStart: start = editor.value.length, selectionEnd: end = editor.value.length} = editor;
    editor.value = editor.value.slice(0, start) + text + editor.value.slice(end);
    editor.focus();
    editor.selectionStart = editor.selectionEnd = start + text.length;
    save();
  }

  function addCell({sql, chart = null}, {run = false, at = cells.length} = {}) {
    const cell = {chart, result: null, running: null};
    cell.editor = h("textarea", {class: "notebook-editor", spellcheck: "false", rows: String(Math.min(16, Math.max(3, sql.split("\n").length + 1))), "aria-label": "SQL query"});
    cell.editor.value = sql;
    cell.editor.addEventListener("focus", () => (lastEditor = cell.editor));
    cell.editor.addEventListener("input", () => save());
    cell.editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        runCell(cell);
      }
    });
    cell.label = h("span", {class: "notebook-cell-label"});
    cell.status = h("span", {class: "notebook-status muted"});
    cell.runButton = h("button", {type: "button", class: "notebook-run", onclick: () => runCell(cell)}, "Run");
    cell.cancelButton = h("button", {type: "button", class: "notebook-cancel", hidden: true, onclick: () => cancelCell(cell)}, "Cancel");
    cell.up = h("button", {type: "button", title: "Move up", onclick: () => move(cell, -1)}, "↑");
    cell.down = h("button", {type: "button", title: "Move down", onclick: () => move(cell, 1)}, "↓");
    cell.remove = h("button", {type: "button", title: "Remove this cell", onclick: () => removeCell(cell)}, "Remove");
    cell.chartToggle = h("button", {type: "button", class: "notebook-chart-toggle", onclick: () => toggleChart(cell)}, "Chart");
    cell.errorEl = h("div", {class: "notebook-cell-error"});
    cell.resultEl = h("div", {class: "notebook-cell-result"});
    cell.chartEl = h("div", {class: "notebook-cell-chart"});
    cell.el = h("section", {class: "notebook-cell"},
      h("div", {class: "notebook-cell-head"}, cell.label, " ", cell.runButton, cell.cancelButton, " ", cell.chartToggle, " ", cell.up, cell.down, cell.remove, " ", cell.status),
      cell.editor, cell.errorEl, cell.resultEl, cell.chartEl);
    cells.splice(at, 0, cell);
    cellsEl.insertBefore(cell.el, cellsEl.children[at] ?? null);
    renumber();
    if (run) runCell(cell);
    return cell;
  }

  function move(cell, step) {
    const i = cells.indexOf(cell);
    const j = i + step;
    if (j < 0 || j >= cells.length) return;
    cells.splice(i, 1);
    cells.splice(j, 0, cell);
    cellsEl.replaceChildren(...cells.map((c) => c.el));
    renumber();
    save();
  }

  function removeCell(cell) {
    if (cell.running) cancelCell(cell);
    cells.splice(cells.indexOf(cell), 1);
    cell.el.remove();
    if (lastEditor === cell.editor) lastEditor = null;
    renumber();
    save();
  }

  function toggleChart(cell) {
    cell.chart = cell.chart ? null : (cell.result ? defaultChart(cell.result.columns) : {mark: "bar", x: null, y: null, color: null, facet: null});
    drawChart(cell);
    save();
  }

  async function cancelCell(cell) {
    const running = cell.running;
    if (!running || running.cancelled) return;
    running.cancelled = true;
    cell.status.textContent = "cancelling…";
    // A query that does not stop (or a worker too busy to hear the cancel) ends with the worker,
    // which the next query starts afresh; the timer is set first so that nothing can hold it up.
    setTimeout(() => {
      if (cell.running !== running) return;
      running.reject(new Error("cancelled"));
      engine.terminate().catch(() => {});
    }, CANCEL_GRACE_MS);
    try {
      await running.connection?.cancelSent();
    } catch {
      // The query may have finished meanwhile; the timer settles it either way.
    }
  }

  async function runCell(cell) {
    if (cell.running) return;
    const sql = cell.editor.value;
    cell.errorEl.replaceChildren();
    const started = performance.now();
    const running = {connection: null, cancelled: false};
    const stopped = new Promise((_, reject) => (running.reject = reject));
    cell.running = running;
    cell.runButton.disabled = true;
    cell.cancelButton.hidden = false;
    cell.el.classList.add("notebook-running");
    const tick = () => {
      if (running.cancelled) return;
      const seconds = Math.floor((performance.now() - started) / 1000);
      cell.status.textContent = performance.now() - started > SLOW_MS ? `still running after ${seconds} s: Cancel stops it` : `running… ${seconds} s`;
    };
    tick();
    const timer = setInterval(tick, 1000);
    try {
      if (!sql.trim()) throw new Error("The cell is empty: write a query, or add an example.");
      const table = await Promise.race([engine.run(sql, (c) => (running.connection = c)), stopped]);
      const ms = performance.now() - started;
      const columns = table.schema.fields.map((f) => ({name: f.name, kind: columnKind(f.type)}));
      cell.result = {table, columns};
      // A chart opened before the cell ever ran gets its columns from this first result.
      if (cell.chart && !cell.chart.x && defaultChart(columns)) {
        cell.chart = defaultChart(columns);
        save();
      }
      cell.status.textContent = `${table.numRows.toLocaleString("en-US")} ${table.numRows === 1 ? "row" : "rows"} in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}`;
      if (table.numRows === 0) {
        cell.resultEl.replaceChildren(h("p", {class: "notebook-empty"}, `The query ran and returned no rows${columns.length ? ` (columns: ${columns.map((c) => c.name).join(", ")})` : ""}.`));
      } else {
        const stem = `notebook-cell-${cells.indexOf(cell) + 1}`;
        cell.resultEl.replaceChildren(ResultTable(table), h("p", {class: "downloads muted"}, "Download: ",
          downloadLink("CSV", `${stem}.csv`, "text/csv", () => toCsv(plainRows(table), columns.map((c) => c.name))), " · ",
          downloadLink("JSON", `${stem}.json`, "application/json", () => JSON.stringify({rows: plainRows(table)}))));
      }
    } catch (error) {
      cell.result = null;
      cell.resultEl.replaceChildren();
      const message = running.cancelled ? "The query was cancelled." : String(error?.message ?? error);
      cell.status.textContent = running.cancelled ? "cancelled" : "error";
      cell.errorEl.replaceChildren(h("pre", {class: "notebook-error", role: "alert"}, message));
    } finally {
      clearInterval(timer);
      cell.running = null;
      cell.runButton.disabled = false;
      cell.cancelButton.hidden = true;
      cell.el.classList.remove("notebook-running");
    }
    drawChart(cell);
    for (const item of tableList.children) if (engine.loaded.has(item.dataset.table)) item.describe();
  }

  function drawChart(cell) {
    cell.chartToggle.textContent = cell.chart ? "Hide chart" : "Chart";
    if (!cell.chart) return cell.chartEl.replaceChildren();
    if (!cell.result) return cell.chartEl.replaceChildren(h("p", {class: "muted"}, "Run the query to chart its result."));
    const {table, columns} = cell.result;
    const names = [null, ...columns.map((c) => c.name)];
    const select = (label, key, options, format = (v) => v ?? "none") => {
      const el = h("select", {"aria-label": label, class: `notebook-chart-${key}`}, options.map((o) => {
        const option = h("option", {value: o ?? ""}, format(o));
        option.selected = (cell.chart[key] ?? null) === o;
        return option;
      }));
      el.addEventListener("change", () => {
        cell.chart = {...cell.chart, [key]: el.value || null};
        drawChart(cell);
        save();
      });
      return h("label", {}, `${label} `, el);
    };
    const controls = h("div", {class: "notebook-chart-controls"},
      select("mark", "mark", MARKS), select("x", "x", names), select("y", "y", names), select("colour", "color", names), select("facet", "facet", names));
    const problem = chartProblem(cell.chart, columns);
    let figure;
    if (problem) figure = h("p", {class: "notebook-chart-problem"}, problem);
    else if (!table.numRows) figure = h("p", {class: "muted"}, "No rows to chart.");
    else {
      try {
        const rows = plainRows(table, CHART_ROWS);
        figure = h("div", {class: "notebook-chart"}, drawPlan(Plot, chartPlan(cell.chart, columns), rows, Math.max(320, Math.min(cell.el.clientWidth || 900, 1100))),
          table.numRows > CHART_ROWS ? h("p", {class: "muted"}, `The chart shows the first ${CHART_ROWS.toLocaleString("en-US")} of ${table.numRows.toLocaleString("en-US")} rows.`) : null);
      } catch (error) {
        figure = h("p", {class: "notebook-chart-problem"}, `Plot cannot draw this chart: ${error.message}`);
      }
    }
    cell.chartEl.replaceChildren(controls, figure);
  }

  // The tables beside the editor: names at once, columns, types and row counts as each loads.
  const tableList = h("ul", {class: "notebook-tables"}, TABLE_NAMES.map((name) => {
    const detail = h("div", {class: "notebook-table-columns muted"}, "…");
    const nameButton = h("button", {type: "button", class: "notebook-insert", title: `Insert ${name}`, onclick: () => insertAtCursor(name)}, name);
    const details = h("details", {}, h("summary", {}, nameButton, " ", h("span", {class: "notebook-table-rows muted"})), detail);
    const item = h("li", {"data-table": name}, details);
    details.addEventListener("toggle", () => details.open && item.describe());
    item.describe = async () => {
      if (item.described) return;
      item.described = true;
      try {
        const {columns, rows} = await engine.describe(name);
        item.querySelector(".notebook-table-rows").textContent = `${rows.toLocaleString("en-US")} rows`;
        detail.replaceChildren(...columns.map((c) => h("div", {},
          h("button", {type: "button", class: "notebook-insert", title: `Insert ${c.name}`, onclick: () => insertAtCursor(c.name)}, c.name), " ", h("span", {}, c.type.toLowerCase()))));
      } catch (error) {
        item.described = false;
        detail.replaceChildren(h("span", {class: "notebook-error"}, error.message));
      }
    };
    return item;
  }));

  const examples = h("details", {class: "notebook-examples"}, h("summary", {}, `Examples (${EXAMPLES.length}): questions answered in one click`),
    h("ul", {}, EXAMPLES.map((example, i) => h("li", {}, h("button", {type: "button", class: "notebook-example", "data-example": String(i + 1), onclick: () => {
      const cell = addCell({sql: example.sql, chart: example.chart ?? null}, {run: true});
      save();
      cell.el.scrollIntoView({block: "nearest"});
    }}, example.title)))));

  const exportButton = h("button", {type: "button", class: "notebook-export", onclick: () => {
    const title = (prompt("Title of the exported page", "My analysis") ?? "").trim() || "My analysis";
    const page = notebookPage(cells.map((c) => ({sql: c.editor.value, chart: c.chart, columns: c.result?.columns})), {title, tables: TABLE_NAMES, tablePath});
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "analysis";
    const link = h("a", {href: URL.createObjectURL(new Blob([page], {type: "text/markdown"})), download: `${slug}.md`});
    document.body.append(link);
    link.click();
    link.remove();
  }}, "Export as page");

  const toolbar = h("div", {class: "notebook-toolbar"},
    h("button", {type: "button", class: "notebook-add", onclick: () => { const c = addCell({sql: ""}); save(); c.editor.focus(); }}, "Add cell"), " ",
    h("button", {type: "button", class: "notebook-run-all", onclick: async () => { for (const c of [...cells]) await runCell(c); }}, "Run all"), " ",
    exportButton, " ",
    h("button", {type: "button", class: "notebook-reset", onclick: () => { for (const c of [...cells]) removeCell(c); addCell(STARTER, {run: true}); save(); }}, "Start over"));

  root.append(notice, h("div", {class: "notebook-layout"},
    h("div", {class: "notebook-main"}, toolbar, examples, cellsEl),
    h("aside", {class: "notebook-side"}, h("h3", {}, "Tables"), h("p", {class: "muted"}, "Click a name to insert it at the cursor; open a table for its columns."), tableList)));

  // The notebook to show: the address first, then the last visit, then a starter cell.
  let initial = null;
  let broken = null;
  try {
    initial = await decodeNotebook(location.search);
  } catch (error) {
    broken = error.message;
  }
  let restored = false;
  if (!initial) {
    try {
      const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
      if (Array.isArray(stored) && stored.length && stored.every((c) => typeof c?.sql === "string")) {
        initial = stored.map((c) => ({sql: c.sql, chart: c.chart ?? null}));
        restored = true;
      }
    } catch {
      // A damaged stored notebook is replaced by the starter cell.
    }
  }
  if (broken) {
    const instead = restored ? "the notebook of your last visit" : "the starter notebook";
    notice.replaceChildren(h("p", {class: "notebook-error", role: "alert"}, `The notebook in this address could not be read: ${broken}${/[.?!]$/.test(broken) ? "" : "."} Showing ${instead} instead.`));
  }
  for (const cell of initial ?? [STARTER]) addCell(cell);
  queueMicrotask(async () => {
    for (const cell of [...cells]) await runCell(cell);
    save();
    // Then the table list fills in, one table at a time, after the cells' own tables; the large
    // instance-level tables are described when opened or once a query has loaded them.
    for (const item of tableList.children) if (!LARGE_TABLES.includes(item.dataset.table) || engine.loaded.has(item.dataset.table)) await item.describe();
  });
  return root;
}
