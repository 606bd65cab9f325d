/**
 * Progress display for runs on stderr: a live bar per benchmark on a terminal, one line per
 * finished benchmark otherwise (so CI logs stay short).
 */
import type {Progress} from "./run.ts";

/** A progress listener writing to `write`; `tty` selects live redrawing. */
export function progressPrinter(write: (text: string) => void, tty: boolean): (p: Progress) => void {
  const started = new Map<string, number>();
  let lastDraw = 0;
  return (p) => {
    if (!started.has(p.benchmark)) started.set(p.benchmark, performance.now());
    const elapsed = (performance.now() - started.get(p.benchmark)!) / 1000;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    const eta = rate > 0 ? (p.total - p.done) / rate : 0;
    const line = `${p.benchmark.padEnd(22)} ${String(p.done).padStart(6)}/${p.total} ${rate.toFixed(1)}/s eta ${eta.toFixed(0)}s tokens ${p.inputTokens}+${p.outputTokens} errors ${p.errors}`;
    const finished = p.done === p.total;
    if (tty) {
      const now = performance.now();
      if (!finished && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 24;
      const filled = p.total ? Math.round((p.done / p.total) * width) : width;
      write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${line}${finished ? "\n" : ""}`);
    } else if (finished) write(`${line}\n`);
  };
}
