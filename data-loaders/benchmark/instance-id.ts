/**
 * Stable instance ids for datasets that carry none (the Stanford CSVs, HELM's dictionaries keyed
 * by prompt): a short hash of the instance's own content, so an id names the same item on every
 * machine and does not shift when rows are added, removed or reordered.
 */
import {sha256} from "../cache/cache.ts";

/** A 16-hex-digit id derived from the given content parts. */
export function contentId(...parts: string[]): string {
  return sha256(parts.join("\u0000")).slice(0, 16);
}

/** Makes ids unique by suffixing repeats in order (`x`, `x-2`, `x-3`): a dataset may hold the same text twice. */
export function uniqueIds<T extends {id: string}>(items: T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const n = (seen.get(item.id) ?? 0) + 1;
    seen.set(item.id, n);
    return n === 1 ? item : {...item, id: `${item.id}-${n}`};
  });
}
