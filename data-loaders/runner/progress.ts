/**
 * Progress display for runs, on stderr. On a terminal: a live bar for each benchmark in progress
 * plus an overall bar (done / total, rate, ETA, tokens, cost so far, errors), redrawn at most ten
 * times a second; a benchmark's bar becomes a permanent line when it finishes. Elsewhere (CI
 * logs, pipes): one line per finished benchmark and one for the whole run, nothing else.
 */
import type {Progress} from "./run.ts";

/** A compact count: 950, 12.3k, 4.5M. */
export function humanCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

/** A duration in seconds as 42s, 3m05s or 2h07m. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Dollars so far; `+?` marks calls to models without a known price. */
export function humanCost(p: Pick<Progress, "costUsd" | "unpricedCalls">): string {
  const digits = p.costUsd > 0 && p.costUsd < 0.01 ? 4 : 2;
  return `$${p.costUsd.toFixed(digits)}${p.unpricedCalls ? "+?" : ""}`;
}

/** One status line: label, bar, counts, rate, ETA, tokens, cost and errors. */
export function progressLine(label: string, p: Progress, elapsedSeconds: number, width = 20): string {
  const filled = p.total ? Math.round((Math.min(p.done, p.total) / p.total) * width) : width;
  const rate = elapsedSeconds > 0 ? p.done / elapsedSeconds : 0;
  const finished = p.done >= p.total;
  const eta = finished ? `in ${humanDuration(elapsedSeconds)}` : rate > 0 ? `eta ${humanDuration((p.total - p.done) / rate)}` : "eta ?";
  return [
    label.padEnd(24),
    `[${"#".repeat(filled)}${".".repeat(width - filled)}]`,
    `${p.done}/${p.total}`.padStart(13),
    `${humanCount(rate)}/s`.padStart(7),
    eta.padEnd(11),
    `tok ${humanCount(p.inputTokens)}+${humanCount(p.outputTokens)}`.padEnd(16),
    humanCost(p).padStart(8),
    `err ${p.errors}`
  ].join(" ");
}

/** Sums benchmark progress into the run's. */
export function overall(parts: Iterable<Progress>): Progress {
  const sum: Progress = {benchmark: "overall", done: 0, total: 0, errors: 0, inputTokens: 0, outputTokens: 0, calls: 0, cached: 0, costUsd: 0, unpricedCalls: 0};
  for (const p of parts) {
    sum.done += p.done;
    sum.total += p.total;
    sum.errors += p.errors;
    sum.inputTokens += p.inputTokens;
    sum.outputTokens += p.outputTokens;
    sum.calls += p.calls;
    sum.cached += p.cached;
    sum.costUsd += p.costUsd;
    sum.unpricedCalls += p.unpricedCalls;
  }
  return sum;
}

const CLEAR_LINE = "\x1b[2K";
const up = (n: number) => (n > 0 ? `\x1b[${n}F` : "");

/**
 * A progress listener writing to `write`; `tty` selects live redrawing. The runner reports every
 * benchmark once before starting, so the overall total is known from the first draw.
 */
export function progressPrinter(write: (text: string) => void, tty: boolean, clock: () => number = () => performance.now()): (p: Progress) => void {
  const latest = new Map<string, Progress>();
  const startedAt = new Map<string, number>();
  const printed = new Set<string>();
  let runStartedAt: number | null = null;
  // A benchmark starts when the previous event arrived: its first answer took from then on.
  let lastEventAt: number | null = null;
  let lastDraw = -Infinity;
  let live = 0;
  let finishedRun = false;
  const elapsed = (since: number | null | undefined, now: number) => (since == null ? 0 : (now - since) / 1000);

  const draw = (now: number) => {
    let out = up(live);
    for (const [id, p] of latest) {
      if (p.done < p.total || printed.has(id)) continue;
      printed.add(id);
      out += `${CLEAR_LINE}${progressLine(id, p, elapsed(startedAt.get(id), now))}\n`;
    }
    live = 0;
    for (const [id, p] of latest) {
      if (p.done === 0 || p.done >= p.total) continue;
      out += `${CLEAR_LINE}${progressLine(id, p, elapsed(startedAt.get(id), now))}\n`;
      live++;
    }
    const all = overall(latest.values());
    out += `${CLEAR_LINE}${progressLine("overall", all, elapsed(runStartedAt, now))}\n`;
    live++;
    if (all.done >= all.total) live = 0;
    write(out);
  };

  return (p) => {
    const now = clock();
    const before = latest.get(p.benchmark);
    latest.set(p.benchmark, p);
    if (p.done > 0 && !startedAt.has(p.benchmark)) startedAt.set(p.benchmark, lastEventAt ?? now);
    runStartedAt ??= now;
    lastEventAt = now;
    const finished = p.done >= p.total && (before === undefined || before.done < before.total || p.total === 0);
    const all = overall(latest.values());
    const runDone = all.done >= all.total && all.done > 0;
    if (tty) {
      if (finishedRun) return;
      // Draw at once when something finishes, otherwise at most every 100 ms.
      if (!finished && now - lastDraw < 100) return;
      if (p.done === 0 && !finished) return;
      lastDraw = now;
      draw(now);
      if (runDone) finishedRun = true;
      return;
    }
    if (finished && p.total > 0 && !printed.has(p.benchmark)) {
      printed.add(p.benchmark);
      write(`${progressLine(p.benchmark, p, elapsed(startedAt.get(p.benchmark), now))}\n`);
    }
    if (runDone && !finishedRun) {
      finishedRun = true;
      write(`${progressLine("overall", all, elapsed(runStartedAt, now))}\n`);
    }
  };
}
