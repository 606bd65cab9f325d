/**
 * A bounded memo of promises by key, for work that many callers ask for at once or in turn (the
 * same gold query for every model, the same reference embedding for every answer). A promise is
 * shared from the moment it is made, so callers in flight share it too; a rejected promise is
 * forgotten, so the next caller tries again; when full, the least recently used entry goes.
 */

/** A memo of promises; see the module comment. */
export interface PromiseMemo<T> {
  /** The memoized promise for `key`, made by `compute` when there is none. */
  get(key: string, compute: () => Promise<T>): Promise<T>;
  /** Forgets every entry. */
  clear(): void;
}

/** A memo holding at most `size` entries. */
export function promiseMemo<T>(size: number): PromiseMemo<T> {
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`memo size must be a positive integer, got ${size}`);
  const entries = new Map<string, Promise<T>>();
  return {
    get(key, compute) {
      let value = entries.get(key);
      if (value) {
        // Re-inserting keeps the map in least-recently-used order, so its first key is the one to drop.
        entries.delete(key);
      } else {
        value = compute();
        const made = value;
        made.catch(() => {
          if (entries.get(key) === made) entries.delete(key);
        });
        if (entries.size >= size) entries.delete(entries.keys().next().value!);
      }
      entries.set(key, value);
      return value;
    },
    clear: () => entries.clear()
  };
}
