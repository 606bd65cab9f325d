import {describe, expect, it} from "vitest";
import {promiseMemo} from "../data-loaders/concurrency/promise-memo.ts";

describe("promiseMemo", () => {
  it("computes a key once, sharing the promise with callers in flight and after", async () => {
    const memo = promiseMemo<number>(4);
    let calls = 0;
    const compute = () => new Promise<number>((ok) => setTimeout(() => ok(++calls), 5));
    const [a, b] = await Promise.all([memo.get("k", compute), memo.get("k", compute)]);
    expect([a, b, await memo.get("k", compute), calls]).toEqual([1, 1, 1, 1]);
  });

  it("forgets a rejected promise, so the next caller computes again", async () => {
    const memo = promiseMemo<string>(4);
    await expect(memo.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await expect(memo.get("k", async () => "up")).resolves.toBe("up");
  });

  it("drops the least recently used entry when full", async () => {
    const memo = promiseMemo<string>(2);
    const seen: string[] = [];
    const make = (key: string) => memo.get(key, async () => (seen.push(key), key));
    await make("a");
    await make("b");
    await make("a"); // a is now the most recently used
    await make("c"); // evicts b
    await make("a");
    await make("b");
    expect(seen).toEqual(["a", "b", "c", "b"]);
  });

  it("refuses a size below one", () => {
    expect(() => promiseMemo(0)).toThrow(/positive integer, got 0/);
  });
});
