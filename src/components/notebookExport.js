// "Export as page": a notebook as an Observable Framework Markdown page that builds with the site
// when dropped into src/. The front matter registers the tables the cells name (`sql:`), each
// cell becomes a ```sql block that displays its table, and a cell with a chart becomes a Plot
// block drawing the same plan the notebook drew. Pure: the page and the unit tests share it.
import {chartPlan, planSource} from "./notebookChart.js";

/** Whether `sql` names `table` as a word (a mention in a comment only costs loading the table). */
export function mentionsTable(sql, table) {
  return new RegExp(`(^|[^A-Za-z0-9_])${table}([^A-Za-z0-9_]|$)`, "i").test(sql);
}

/** A fence longer than any backtick run inside `text`, so that the block cannot end early. */
function fence(text) {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(longest + 1);
}

/** A YAML string: plain when safe, else JSON-quoted (JSON strings are valid YAML). */
function yamlString(text) {
  return /^[A-Za-z0-9 _().,-]+$/.test(text) && !/^[\s-]/.test(text) ? text : JSON.stringify(text);
}

/**
 * The Markdown page of `cells` ({sql, chart, columns?}: `columns` are the last result's
 * `{name, kind}`, which the chart plan needs). `tables` are the table names the site ships and
 * `tablePath(name)` each file's path relative to src/.
 */
export function notebookPage(cells, {title = "Notebook", tables, tablePath}) {
  const used = tables.filter((t) => cells.some((c) => mentionsTable(c.sql, t)));
  const packed = used.some((t) => tablePath(t).endsWith(".gz"));
  const lines = ["---", `title: ${yamlString(title)}`, "toc: false"];
  if (used.length && !packed) lines.push("sql:", ...used.map((t) => `  ${t}: ./${tablePath(t)}`));
  lines.push("---", "", `# ${title}`, "");
  lines.push("Exported from the workbench's notebook. Each query runs in the browser with DuckDB over the tables the site ships.", "");
  // Front matter registers plain files only, so a page that needs a compressed table defines the
  // `sql` its SQL blocks use itself, with the compressed tables unpacked (Framework's documented
  // alternative to the front matter).
  if (packed) {
    const sources = used.map((t) => `  ${t}: ${tablePath(t).endsWith(".gz") ? `packedArrow(FileAttachment(${JSON.stringify(`./${tablePath(t)}`)}))` : `FileAttachment(${JSON.stringify(`./${tablePath(t)}`)})`}`);
    lines.push("```js", 'import {packedArrow} from "./components/packed.js";', "", "const sql = DuckDBClient.sql({", sources.join(",\n"), "});", "```", "");
  }
  cells.forEach((cell, i) => {
    const id = `cell${i + 1}`;
    const sql = cell.sql.trim();
    const sqlFence = fence(sql);
    lines.push(`## Cell ${i + 1}`, "", `${sqlFence}sql id=${id} display`, sql, sqlFence, "");
    if (cell.chart && cell.columns?.length) {
      const code = `display(${planSource(chartPlan(cell.chart, cell.columns), id)});`;
      const jsFence = fence(code);
      lines.push(`${jsFence}js`, code, jsFence, "");
    }
  });
  return lines.join("\n");
}
