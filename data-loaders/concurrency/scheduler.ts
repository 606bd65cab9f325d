/**
 * Per-endpoint request scheduling: a concurrency limit that adapts to rate limits, and the retry
 * policy for failed calls.
 *
 * - **Concurrency** is capped per endpoint (`Endpoint.concurrency`). The cap adapts by AIMD, as
 *   TCP congestion control does: every success raises it by 1/cap (about +1 per round of
 *   successes) up to the configured maximum; a 429 halves it (at least 1). Only the first 429 of
 *   a round counts: requests that were already in flight when the cap was cut do not cut it again.
 * - **Rate-limit waits**: a 429 pauses the whole endpoint until `retry-after-ms`, `Retry-After`
 *   (seconds or an HTTP date) or, lacking both, the `x-ratelimit-reset-*` header says; a success
 *   that reports `x-ratelimit-remaining-requests: 0` pauses it until `x-ratelimit-reset-requests`.
 *   Every wait is capped at `maxDelayMs`, so a provider asking for hours cannot stall a run.
 * - **Retries**: 429, 408, 409, 5xx, timeouts, connection errors and malformed bodies are retried
 *   with capped exponential backoff and full jitter (a random wait between 0 and
 *   min(maxDelayMs, baseDelayMs x 2^(attempt-1))), up to `maxAttempts` attempts in total; other
 *   4xx errors (bad request, authentication, unknown model) are final at once.
 * The policy is pure and the clock, timers and randomness are injectable for tests.
 */

/** How a failed attempt is treated. */
export type FailureKind = "rate_limited" | "server_error" | "timeout" | "connection" | "malformed" | "client_error" | "unknown";

/** A classified failure. */
export interface Failure {
  kind: FailureKind;
  retryable: boolean;
  /** HTTP status, when there was a response. */
  status: number | null;
  /** How long the provider asked us to wait, from its headers. */
  waitMs: number | null;
}

/** Retry limits of one endpoint. */
export interface RetryPolicy {
  /** Attempts per call, the first included (so 1 means no retry). */
  maxAttempts: number;
  /** Backoff scale: the first retry waits up to this long. */
  baseDelayMs: number;
  /** Cap on any single wait, backoff or provider-requested. */
  maxDelayMs: number;
}

/** Five attempts, backoff from 0.5 s doubling to at most 30 s. */
export const defaultRetryPolicy: RetryPolicy = {maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000};

/** Reads one header, whatever the header container is. */
export type HeaderGetter = (name: string) => string | null | undefined;

/** A header getter over a `Headers` object, a plain record or nothing. */
export function headerGetter(headers: unknown): HeaderGetter {
  if (!headers) return () => null;
  if (typeof (headers as Headers).get === "function") return (name) => (headers as Headers).get(name);
  const record = headers as Record<string, string | undefined>;
  return (name) => record[name] ?? record[name.toLowerCase()];
}

/**
 * Parses the durations of OpenAI's `x-ratelimit-reset-*` headers ("1s", "6m0s", "20ms",
 * "1h2m3.5s") and bare numbers of seconds; null when unreadable.
 */
export function parseDuration(text: string | null | undefined): number | null {
  if (text == null) return null;
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== value) return null;
  const unit: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/**
 * The wait a response asks for, in milliseconds: `retry-after-ms`, then `Retry-After` (seconds or
 * an HTTP date), then the reset time of whichever `x-ratelimit-*` budget is exhausted (or the
 * longer reset when neither says so). Null when the headers name no wait.
 */
export function requestedWait(get: HeaderGetter, now = Date.now()): number | null {
  const ms = Number(get("retry-after-ms"));
  if (get("retry-after-ms") != null && Number.isFinite(ms) && ms >= 0) return ms;
  const after = get("retry-after");
  if (after != null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const resetRequests = parseDuration(get("x-ratelimit-reset-requests"));
  const resetTokens = parseDuration(get("x-ratelimit-reset-tokens"));
  if (get("x-ratelimit-remaining-requests") === "0" && resetRequests !== null) return resetRequests;
  if (get("x-ratelimit-remaining-tokens") === "0" && resetTokens !== null) return resetTokens;
  if (resetRequests === null && resetTokens === null) return null;
  return Math.max(resetRequests ?? 0, resetTokens ?? 0);
}

/** Thrown when a response arrives but does not have the expected shape. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(`malformed response: ${message}`);
    this.name = "MalformedResponseError";
  }
}

/** Classifies an error thrown by an attempt (an OpenAI SDK error or one of ours). */
export function classifyFailure(error: unknown): Failure {
  const e = error as {status?: unknown; name?: string; headers?: unknown; constructor?: {name?: string}};
  // SDK error classes keep the default `name`, so their constructor names identify them.
  const is = (n: string) => e?.name === n || e?.constructor?.name === n;
  if (typeof e?.status === "number") {
    const status = e.status;
    const waitMs = requestedWait(headerGetter(e.headers));
    // OpenAI answers an exhausted billing quota with 429 too; waiting does not refill it.
    if (status === 429 && (e as {code?: unknown}).code === "insufficient_quota") return {kind: "client_error", retryable: false, status, waitMs: null};
    if (status === 429) return {kind: "rate_limited", retryable: true, status, waitMs};
    if (status === 408) return {kind: "timeout", retryable: true, status, waitMs};
    // 409 is what OpenAI answers when a request collides with a lock; it is worth another try.
    if (status === 409 || status >= 500) return {kind: "server_error", retryable: true, status, waitMs};
    return {kind: "client_error", retryable: false, status, waitMs: null};
  }
  // TimeoutError is what AbortSignal.timeout() aborts with.
  if (is("TimeoutError") || is("APIConnectionTimeoutError")) return {kind: "timeout", retryable: true, status: null, waitMs: null};
  if (is("APIConnectionError") || /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|other side closed/i.test(String((error as Error)?.message))) {
    return {kind: "connection", retryable: true, status: null, waitMs: null};
  }
  if (is("MalformedResponseError") || error instanceof SyntaxError) return {kind: "malformed", retryable: true, status: null, waitMs: null};
  return {kind: "unknown", retryable: false, status: null, waitMs: null};
}

/** The full-jitter backoff before retry number `attempt` (1 for the first retry). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return random() * ceiling;
}

/** How long to wait before retrying after `failure`: the provider's wait if it named one, else backoff; always capped. */
export function retryDelayMs(failure: Failure, attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (failure.waitMs !== null) return Math.min(policy.maxDelayMs, failure.waitMs);
  return backoffMs(attempt, policy, random);
}

/** Clock and timers, injectable for tests. */
export interface SchedulerClock {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => void;
  random: () => number;
}

const realClock: SchedulerClock = {now: () => performance.now(), setTimer: (fn, ms) => void setTimeout(fn, ms), random: Math.random};

/** Counters of one endpoint, for the run summary and tests. */
export interface SchedulerStats {
  attempts: number;
  retries: number;
  rateLimited: number;
  /** Attempts that failed, by kind. */
  failures: Partial<Record<FailureKind, number>>;
  /** The current adaptive concurrency cap. */
  limit: number;
  maxInFlight: number;
}

/**
 * An AIMD concurrency limiter with a pause: `acquire` resolves when a slot is free and the
 * endpoint is not paused; waiters are served in arrival order.
 */
export class AdaptiveLimiter {
  /** The current cap (fractional; floor(limit) slots are usable). */
  limit: number;
  inFlight = 0;
  maxInFlight = 0;
  /** Clock time before which nothing is dispatched. */
  pausedUntil = 0;
  private lastCutAt = -Infinity;
  private waiters: (() => void)[] = [];
  private head = 0;
  private timerSet = false;

  constructor(readonly max: number, private readonly clock: SchedulerClock = realClock) {
    if (!(max >= 1)) throw new Error(`concurrency must be at least 1, got ${max}`);
    this.limit = max;
  }

  private slots(): number {
    return Math.max(1, Math.floor(this.limit));
  }

  /** Takes a slot; returns null when one was free at once (the common, allocation-free path). */
  acquire(): Promise<void> | null {
    if (this.head === this.waiters.length && this.inFlight < this.slots() && this.clock.now() >= this.pausedUntil) {
      this.take();
      return null;
    }
    const waiting = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.drain();
    return waiting;
  }

  /** Gives a slot back. */
  release(): void {
    this.inFlight--;
    this.drain();
  }

  /** Additive increase after a success. */
  succeeded(): void {
    if (this.limit < this.max) this.limit = Math.min(this.max, this.limit + 1 / this.slots());
  }

  /**
   * Multiplicative decrease after a 429 of a request that started at `startedAt`, and a pause of
   * `waitMs`. A request started before the last cut was part of the round already punished.
   */
  rateLimited(startedAt: number, waitMs: number): void {
    if (startedAt >= this.lastCutAt) {
      this.limit = Math.max(1, this.limit / 2);
      this.lastCutAt = this.clock.now();
    }
    this.pause(waitMs);
  }

  /** Dispatches nothing for `ms` from now (extends, never shortens, a pause). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private take(): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  private drain(): void {
    const wait = this.pausedUntil - this.clock.now();
    if (wait > 0) {
      if (this.head < this.waiters.length && !this.timerSet) {
        this.timerSet = true;
        this.clock.setTimer(() => {
          this.timerSet = false;
          this.drain();
        }, wait);
      }
      return;
    }
    while (this.head < this.waiters.length && this.inFlight < this.slots()) {
      const next = this.waiters[this.head];
      this.head++;
      this.take();
      next();
    }
    // Served waiters are dropped: all at once when the queue empties, or in one copy once they
    // outnumber the waiting ones, so a queue that never empties does not grow for the whole run.
    if (this.head === this.waiters.length && this.head > 0) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}

/** A final failure: the last error, with how many attempts were made. */
export class CallFailedError extends Error {
  readonly status: number | undefined;
  constructor(readonly last: unknown, readonly failure: Failure, readonly attempts: number) {
    const message = (last as Error)?.message ?? String(last);
    super(attempts > 1 ? `${message} (${failure.kind}, gave up after ${attempts} attempts)` : message);
    this.name = "CallFailedError";
    this.status = failure.status ?? undefined;
  }
}

/** Schedules one endpoint's requests: concurrency, rate-limit pauses and retries. */
export class EndpointScheduler {
  readonly limiter: AdaptiveLimiter;
  readonly stats: Omit<SchedulerStats, "limit" | "maxInFlight"> = {attempts: 0, retries: 0, rateLimited: 0, failures: {}};

  constructor(concurrency: number, readonly policy: RetryPolicy = defaultRetryPolicy, private readonly clock: SchedulerClock = realClock) {
    if (!(Number.isInteger(policy.maxAttempts) && policy.maxAttempts >= 1)) throw new Error(`maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
    this.limiter = new AdaptiveLimiter(concurrency, clock);
  }

  /** Current counters. */
  snapshot(): SchedulerStats {
    return {...this.stats, failures: {...this.stats.failures}, limit: this.limiter.limit, maxInFlight: this.limiter.maxInFlight};
  }

  /** Reacts to the headers of a successful response (a pre-emptive pause when a budget is spent). */
  observe(get: HeaderGetter): void {
    if (get("x-ratelimit-remaining-requests") === "0" || get("x-ratelimit-remaining-tokens") === "0") {
      const wait = requestedWait(get);
      if (wait !== null) this.limiter.pause(Math.min(this.policy.maxDelayMs, wait));
    }
  }

  /** Runs `attempt` under the limit, retrying as the policy says; throws `CallFailedError` at the end. */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      const wait = this.limiter.acquire();
      if (wait) await wait;
      const startedAt = this.clock.now();
      this.stats.attempts++;
      let failure: Failure;
      let error: unknown;
      try {
        const value = await attempt();
        this.limiter.succeeded();
        this.limiter.release();
        return value;
      } catch (e) {
        error = e;
        failure = classifyFailure(e);
        this.stats.failures[failure.kind] = (this.stats.failures[failure.kind] ?? 0) + 1;
        const delay = retryDelayMs(failure, n, this.policy, this.clock.random);
        if (failure.kind === "rate_limited") {
          this.stats.rateLimited++;
          this.limiter.rateLimited(startedAt, delay);
        }
        this.limiter.release();
        if (!failure.retryable || n >= this.policy.maxAttempts) throw new CallFailedError(error, failure, n);
        this.stats.retries++;
        // A rate-limited request waits through the endpoint's pause when it re-acquires a slot.
        if (failure.kind !== "rate_limited") await new Promise<void>((resolve) => this.clock.setTimer(resolve, delay));
      }
    }
  }
}
