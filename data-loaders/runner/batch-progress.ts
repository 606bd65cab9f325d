/**
 * What a run shows while its batches wait: each batch's state and counts, and, once the wait is
 * long, that this is normal and that stopping is safe. On a terminal the lines are redrawn in
 * place; elsewhere a line is printed when a batch's state or counts change.
 */
import {humanDuration} from "./progress.ts";
import type {BatchWait} from "./batch.ts";

/** After this long, the wait is explained once. */
export const LONG_WAIT_MS = 60_000;

/** One batch's status line. */
export function batchLine(w: BatchWait): string {
  const counts = w.counts ? `${w.counts.completed}/${w.counts.total} done${w.counts.failed ? `, ${w.counts.failed} failed` : ""}` : "counts unknown";
  return `batch ${w.batchId} ${w.model} (${w.round}): ${w.status}, ${counts}, waiting ${humanDuration(w.waitedMs / 1000)}`;
}

/** The notice a long wait prints once. */
export const LONG_WAIT_NOTICE =
  "Batches are answered within 24 hours, often within minutes; a long wait is normal. Stopping now (Ctrl-C) is safe: " +
  "the batches keep running at the provider, and running the same command again picks them up without sending anything twice.";

const CLEAR_LINE = "\x1b[2K";
const up = (n: number) => (n > 0 ? `\x1b[${n}F` : "");

/** A listener for `BatchContext.onWait` writing to `write`; `tty` selects redrawing in place. */
export function batchWaitPrinter(write: (text: string) => void, tty: boolean): (waiting: BatchWait[]) => void {
  const last = new Map<string, string>();
  let drawn = 0;
  let explained = false;
  return (waiting) => {
    const long = !explained && waiting.some((w) => w.waitedMs >= LONG_WAIT_MS);
    if (tty) {
      let out = up(drawn);
      if (long) {
        explained = true;
        out += `${CLEAR_LINE}${LONG_WAIT_NOTICE}\n`;
      }
      for (const w of waiting) out += `${CLEAR_LINE}${batchLine(w)}\n`;
      // Lines left over from batches that have ended are cleared.
      for (let i = waiting.length; i < drawn; i++) out += `${CLEAR_LINE}\n`;
      drawn = Math.max(waiting.length, drawn);
      write(out);
      return;
    }
    let out = "";
    for (const w of waiting) {
      const state = `${w.status} ${w.counts?.completed} ${w.counts?.failed}`;
      if (last.get(w.batchId) === state) continue;
      last.set(w.batchId, state);
      out += `${batchLine(w)}\n`;
    }
    if (long) {
      explained = true;
      out += `${LONG_WAIT_NOTICE}\n`;
    }
    if (out) write(out);
  };
}
