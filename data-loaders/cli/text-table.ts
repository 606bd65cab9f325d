/**
 * Fixed-width text tables for the commands' human-readable output: a header, a rule of dashes,
 * then the rows, columns two spaces apart. Labels read best left-aligned and numbers
 * right-aligned, so each command says how many leading columns are labels.
 */

/**
 * Lays out `rows` under `headers`. The first `labels` columns are left-aligned, the rest
 * right-aligned (`labels` defaults to 1; pass the column count to left-align everything).
 * Trailing spaces are trimmed; `rule: false` leaves out the dashes under the header.
 */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], {labels = 1, rule = true}: {labels?: number; rule?: boolean} = {}): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c < labels ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  return [line(headers), ...(rule ? [widths.map((w) => "-".repeat(w)).join("  ")] : []), ...rows.map(line)].join("\n");
}

/** A number with fixed decimals for a table cell, or a dash when missing. */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);
}
