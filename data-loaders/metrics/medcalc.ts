/**
 * MedCalc-Bench accuracy. The default follows the dataset authors' own evaluation, keyed by the
 * row's output type: integers must round to the gold integer, decimals must fall within
 * [Lower Limit, Upper Limit], dates must match (or, for gestational age, the (weeks, days) pair
 * must). `helmCompat` instead reproduces HELM's `medcalc_bench_metrics.py`, which dispatches on
 * the category and scores every `lab` and `dosage` row 0 because it only knows `physical` and
 * `dosage conversion` as numeric categories; the divergence is documented in the README.
 */
import type {Answer, MetricValue} from "../benchmark/types.ts";

/** The MedCalc fields an instance carries in `extra`. */
export interface MedCalcExtra {
  category: string;
  outputType: string;
  lowerLimit: string;
  upperLimit: string;
}

/** Parses `('X weeks', 'Y days')` into days, or null. */
export function weeksDaysToDays(text: string): number | null {
  const m = /\(\s*'(\d+)\s*weeks?'\s*,\s*'(\d+)\s*days?'\s*\)/i.exec(text);
  return m ? Number(m[1]) * 7 + Number(m[2]) : null;
}

/** Parses `MM/DD/YYYY` into a UTC day number, or null. */
export function parseUsDate(text: string): number | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return t / 86_400_000;
}

/** The first number in a text (models often add units despite being asked not to). */
export function firstNumber(text: string): number | null {
  const m = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(text.replace(/,(?=\d{3}\b)/g, ""));
  return m ? Number(m[0]) : null;
}

function within(value: number | null, lower: number | null, upper: number | null): number {
  return value !== null && lower !== null && upper !== null && lower <= value && value <= upper ? 1 : 0;
}

function dateScore(prediction: string, extra: MedCalcExtra): number {
  const asDays = weeksDaysToDays(extra.lowerLimit);
  if (asDays !== null) return within(weeksDaysToDays(prediction), asDays, weeksDaysToDays(extra.upperLimit));
  return within(parseUsDate(prediction), parseUsDate(extra.lowerLimit), parseUsDate(extra.upperLimit));
}

/** Strict float parse as Python's `float()` (whole string must be a number). */
function pythonFloat(text: string): number | null {
  const t = text.trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : null;
}

/** MedCalc accuracy of one answer. */
export function medcalcAccuracy({answer, instance}: Answer, helmCompat: boolean): MetricValue {
  const extra = instance.extra as unknown as MedCalcExtra | undefined;
  if (!extra) return {value: null, reason: "instance has no MedCalc limits"};
  const prediction = (answer ?? "").trim();
  const gold = (instance.gold[0] ?? "").trim();
  if (helmCompat) {
    if (["risk", "severity", "diagnosis"].includes(extra.category)) return {value: Number(prediction === gold)};
    if (extra.category === "date") return {value: dateScore(prediction, extra)};
    if (["dosage conversion", "physical"].includes(extra.category)) {
      return {value: within(pythonFloat(prediction), pythonFloat(extra.lowerLimit), pythonFloat(extra.upperLimit))};
    }
    // HELM raises on any other category inside a try block and scores 0.
    return {value: 0};
  }
  if (!prediction) return {value: 0};
  switch (extra.outputType) {
    case "date":
      return {value: dateScore(prediction, extra)};
    case "integer": {
      if (weeksDaysToDays(gold) !== null) return {value: dateScore(prediction, extra)};
      const p = firstNumber(prediction);
      const g = firstNumber(gold);
      return {value: Number(p !== null && g !== null && Math.round(p) === Math.round(g))};
    }
    default:
      return {value: within(firstNumber(prediction), firstNumber(extra.lowerLimit), firstNumber(extra.upperLimit))};
  }
}
