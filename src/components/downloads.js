// Download links for a table: the rows on screen as CSV (made in the browser when clicked) and the
// full table as Parquet (a file of the built site). Nothing is fetched from elsewhere.

/** One CSV field, quoted when it holds a separator, a quote or a line break. */
function csvField(value) {
  if (value == null) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text; columns are the keys of the first row unless given. */
export function toCsv(rows, columns = Object.keys(rows[0] ?? {})) {
  return [columns.map(csvField).join(","), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(","))].join("\n") + "\n";
}

/**
 * A "Download: CSV · Parquet" line. `rows` are the shown rows (CSV); `parquet` is the URL of
 * the table's Parquet file (pass `FileAttachment(...).href`), omitted when there is none.
 */
export function Downloads(rows, {name, parquet, columns} = {}) {
  const span = document.createElement("span");
  span.className = "downloads muted";
  span.append("Download: ");
  const csv = document.createElement("a");
  csv.textContent = "CSV";
  csv.download = `${name}.csv`;
  csv.href = "#";
  csv.addEventListener("click", () => {
    // The blob is made on click, so pages with large tables pay nothing until someone downloads.
    if (csv.dataset.url) URL.revokeObjectURL(csv.dataset.url);
    csv.dataset.url = URL.createObjectURL(new Blob([toCsv(rows, columns)], {type: "text/csv"}));
    csv.href = csv.dataset.url;
  });
  span.append(csv);
  if (parquet) {
    const link = document.createElement("a");
    link.textContent = "Parquet";
    link.download = `${name}.parquet`;
    link.href = parquet;
    span.append(" · ", link);
  }
  return span;
}
