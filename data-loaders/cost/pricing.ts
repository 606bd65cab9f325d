/**
 * Which list price applies to a model of a run. Run model ids are `<endpoint>/<name>` while the
 * price table uses HELM ids (`openai/gpt-4o-2024-05-13`), so a run id is matched, in order, by:
 * the id itself; the name after the endpoint prefix (`router/anthropic/claude-3-7-sonnet-20250219`
 * -> `anthropic/claude-3-7-sonnet-20250219`); and the model's last path segment against the last
 * segment of table ids (`azure/gpt-4o-2024-05-13` -> `openai/gpt-4o-2024-05-13`) when exactly one
 * table model matches. Baselines cost nothing. Anything else has no known price (null), never zero.
 */
import {priceFor, prices, type Price} from "./prices.ts";

const free: Price = {model: "baseline", input_usd_per_1m: 0, output_usd_per_1m: 0, as_of: "1970-01-01", source: "offline baseline, makes no calls", batch_input_usd_per_1m: null, batch_output_usd_per_1m: null, batch_source: null};

function lookup(model: string, date: string | undefined, table: readonly Price[]): Price | null {
  try {
    return priceFor(model, date, table);
  } catch {
    return null;
  }
}

/** The price of a run model id on `date` (default: the latest), or null when none is known. */
export function priceOfModel(id: string, date?: string, table: readonly Price[] = prices): Price | null {
  if (id.startsWith("baseline/")) return free;
  const exact = lookup(id, date, table);
  if (exact) return exact;
  const name = id.slice(id.indexOf("/") + 1);
  const byName = lookup(name, date, table);
  if (byName) return byName;
  const last = name.slice(name.lastIndexOf("/") + 1);
  const candidates = [...new Set(table.map((p) => p.model).filter((m) => m.slice(m.lastIndexOf("/") + 1) === last))];
  return candidates.length === 1 ? lookup(candidates[0], date, table) : null;
}

/** A memoized `priceOfModel` for the runner's per-call lookups. */
export function priceLookup(date?: string, table: readonly Price[] = prices): (id: string) => Price | null {
  const memo = new Map<string, Price | null>();
  return (id) => {
    let price = memo.get(id);
    if (price === undefined) memo.set(id, (price = priceOfModel(id, date, table)));
    return price;
  };
}
