// Number formatting shared by the paper and agreement pages; missing values read as a dash, never as zero.

/** A number with fixed decimals, or an en dash when missing. */
export function fmt(value, digits = 3) {
  return value === null || value === undefined || !Number.isFinite(Number(value)) ? "–" : Number(value).toFixed(digits);
}

/** `value [low, high]`, or an en dash when the value is missing. */
export function withInterval(value, low, high, digits = 3) {
  if (value === null || value === undefined) return "–";
  return `${fmt(value, digits)} [${fmt(low, digits)}, ${fmt(high, digits)}]`;
}

/** US dollars with two decimals and thousands separators, or "no price" when unknown. */
export function usd(value) {
  return value === null || value === undefined ? "no price" : `$${Number(value).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2})}`;
}
