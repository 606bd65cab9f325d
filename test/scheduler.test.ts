/**
 * The per-endpoint scheduler: rate-limit header parsing, failure classification, capped jittered
 * backoff, the AIMD concurrency cap and the retry loop, with an injected clock.
 */
import OpenAI from "openai";
import {describe, expect, it} from "vitest";
import {
  AdaptiveLimiter, backoffMs, CallFailedError, classifyFailure, EndpointScheduler, headerGetter, MalformedResponseError, parseDuration,
  requestedWait, retryDelayMs, type SchedulerClock
} from "../data-loaders/concurrency/scheduler.ts";

/** A manual clock: timers fire only when `advance` passes their time. */
function manualClock(random = () => 0.5) {
  let now = 0;
  const timers: {at: number; fn: () => void}[] = [];
  const clock: SchedulerClock & {advance: (ms: number) => Promise<void>; delays: number[]} = {
    now: () => now,
    random,
    delays: [],
    setTimer(fn, ms) {
      clock.delays.push(ms);
      timers.push({at: now + ms, fn});
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        // Let pending promise chains run (and register their timers) before looking at timers.
        await new Promise((resolve) => setImmediate(resolve));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = next.at;
        next.fn();
      }
      now = end;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return clock;
}

const apiError = (status: number, headers: Record<string, string> = {}, body: Record<string, unknown> = {}) =>
  OpenAI.APIError.generate(status, {error: {message: `status ${status}`, ...body}}, undefined, new Headers(headers));

describe("rate-limit headers", () => {
  it("parses OpenAI reset durations and bare seconds", () => {
    expect(parseDuration("6m0s")).toBe(360_000);
    expect(parseDuration("20ms")).toBe(20);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("1h2m3s")).toBe(3_723_000);
    expect(parseDuration("2")).toBe(2000);
    expect(parseDuration("soon")).toBeNull();
    expect(parseDuration("5s later")).toBeNull();
  });

  it("prefers retry-after-ms, then Retry-After in seconds or as a date, then the exhausted budget's reset", () => {
    const wait = (h: Record<string, string>) => requestedWait(headerGetter(new Headers(h)), Date.parse("2025-01-01T00:00:00Z"));
    expect(wait({"retry-after-ms": "250", "retry-after": "3"})).toBe(250);
    expect(wait({"retry-after": "3"})).toBe(3000);
    expect(wait({"retry-after": "Wed, 01 Jan 2025 00:00:10 GMT"})).toBe(10_000);
    expect(wait({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2s", "x-ratelimit-reset-tokens": "30s"})).toBe(2000);
    expect(wait({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-requests": "2s", "x-ratelimit-reset-tokens": "30s"})).toBe(30_000);
    expect(wait({"x-ratelimit-reset-requests": "2s", "x-ratelimit-reset-tokens": "30s"})).toBe(30_000);
    expect(wait({})).toBeNull();
  });
});

describe("failure classification", () => {
  it("retries 429, 408, 409 and 5xx but not other 4xx", () => {
    expect(classifyFailure(apiError(429, {"retry-after": "2"}))).toEqual({kind: "rate_limited", retryable: true, status: 429, waitMs: 2000});
    expect(classifyFailure(apiError(500)).retryable).toBe(true);
    expect(classifyFailure(apiError(503)).kind).toBe("server_error");
    expect(classifyFailure(apiError(408)).kind).toBe("timeout");
    expect(classifyFailure(apiError(409)).retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(classifyFailure(apiError(status))).toMatchObject({kind: "client_error", retryable: false});
  });

  it("does not retry a 429 that reports an exhausted billing quota", () => {
    const quota = apiError(429, {}, {code: "insufficient_quota"});
    expect(classifyFailure(quota)).toMatchObject({kind: "client_error", retryable: false});
  });

  it("retries timeouts, connection errors and malformed bodies, and nothing unknown", () => {
    expect(classifyFailure(new OpenAI.APIConnectionTimeoutError()).kind).toBe("timeout");
    expect(classifyFailure(new DOMException("signal timed out", "TimeoutError")).kind).toBe("timeout");
    expect(classifyFailure(new OpenAI.APIConnectionError({message: "Connection error."})).kind).toBe("connection");
    expect(classifyFailure(new SyntaxError("Unexpected end of JSON input")).kind).toBe("malformed");
    expect(classifyFailure(new MalformedResponseError("no choices")).retryable).toBe(true);
    expect(classifyFailure(new TypeError("x is not a function")).retryable).toBe(false);
  });
});

describe("backoff", () => {
  const policy = {maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000};
  it("draws full jitter below a doubling ceiling capped at maxDelayMs", () => {
    expect(backoffMs(1, policy, () => 0.999)).toBeLessThan(100);
    expect(backoffMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffMs(10, policy, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffMs(2, policy, () => 0)).toBe(0);
  });

  it("uses the provider's wait when it names one, capped", () => {
    expect(retryDelayMs({kind: "rate_limited", retryable: true, status: 429, waitMs: 300}, 1, policy)).toBe(300);
    expect(retryDelayMs({kind: "rate_limited", retryable: true, status: 429, waitMs: 3_600_000}, 1, policy)).toBe(1000);
  });
});

describe("AIMD limiter", () => {
  it("never lets more than the cap run at once and serves waiters in order", async () => {
    const clock = manualClock();
    const limiter = new AdaptiveLimiter(2, clock);
    const order: number[] = [];
    const run = async (i: number) => {
      const wait = limiter.acquire();
      if (wait) await wait;
      order.push(i);
      await Promise.resolve();
      limiter.release();
    };
    await Promise.all([0, 1, 2, 3, 4].map(run));
    expect(limiter.maxInFlight).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("halves the cap once per round of 429s and grows it back by about one per round of successes", () => {
    const clock = manualClock();
    const limiter = new AdaptiveLimiter(16, clock);
    limiter.rateLimited(0, 0);
    expect(limiter.limit).toBe(8);
    // A request that started before that cut belongs to the same round and does not cut again.
    limiter.rateLimited(-1, 0);
    expect(limiter.limit).toBe(8);
    limiter.rateLimited(1, 0);
    expect(limiter.limit).toBe(4);
    for (let i = 0; i < 4; i++) limiter.succeeded();
    expect(limiter.limit).toBeCloseTo(5, 5);
    for (let i = 0; i < 500; i++) limiter.succeeded();
    expect(limiter.limit).toBe(16);
    for (let i = 0; i < 10; i++) limiter.rateLimited(100 + i, 0);
    expect(limiter.limit).toBe(1);
  });

  it("dispatches nothing while paused", async () => {
    const clock = manualClock();
    const limiter = new AdaptiveLimiter(4, clock);
    limiter.pause(1000);
    let started = false;
    const waiting = limiter.acquire()!.then(() => (started = true));
    await clock.advance(999);
    expect(started).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(started).toBe(true);
  });
});

describe("endpoint scheduler", () => {
  const policy = {maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000};

  it("retries a server error until it succeeds", async () => {
    const clock = manualClock();
    const scheduler = new EndpointScheduler(2, policy, clock);
    let calls = 0;
    const result = scheduler.run(async () => {
      if (++calls < 3) throw apiError(502);
      return "ok";
    });
    await clock.advance(10_000);
    await expect(result).resolves.toBe("ok");
    expect(calls).toBe(3);
    expect(scheduler.snapshot()).toMatchObject({attempts: 3, retries: 2, failures: {server_error: 2}});
  });

  it("stops after maxAttempts and reports the attempts in the error", async () => {
    const clock = manualClock();
    const scheduler = new EndpointScheduler(2, policy, clock);
    let calls = 0;
    const result = scheduler.run(async () => {
      calls++;
      throw apiError(500);
    });
    result.catch(() => {});
    await clock.advance(60_000);
    const error = await result.catch((e) => e);
    expect(error).toBeInstanceOf(CallFailedError);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/gave up after 4 attempts/);
    expect(calls).toBe(4);
  });

  it("makes one attempt on a client error", async () => {
    const scheduler = new EndpointScheduler(2, policy, manualClock());
    let calls = 0;
    const error = await scheduler.run(async () => {
      calls++;
      throw apiError(404);
    }).catch((e) => e);
    expect(calls).toBe(1);
    expect(error.status).toBe(404);
    expect(error.message).not.toMatch(/gave up/);
  });

  it("waits out Retry-After on a 429 and cuts the endpoint's cap", async () => {
    const clock = manualClock();
    const scheduler = new EndpointScheduler(8, policy, clock);
    let calls = 0;
    const result = scheduler.run(async () => {
      if (++calls === 1) throw apiError(429, {"retry-after": "2"});
      return clock.now();
    });
    await clock.advance(1999);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(await result).toBe(2000);
    expect(scheduler.snapshot()).toMatchObject({rateLimited: 1, limit: 4 + 1 / 4});
  });

  it("pauses before the next request when a success says the request budget is spent", async () => {
    const clock = manualClock();
    const scheduler = new EndpointScheduler(8, policy, clock);
    scheduler.observe(headerGetter(new Headers({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s"})));
    let at = -1;
    const result = scheduler.run(async () => (at = clock.now()));
    await clock.advance(1000);
    await result;
    expect(at).toBe(1000);
  });
});
