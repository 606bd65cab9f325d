/**
 * Shared browser harness for the page tests: serves `dist/` on 127.0.0.1, drives Debian's
 * Chromium through playwright-core (never a downloaded browser), aborts every request that would
 * leave loopback, and records console errors, page errors and failed requests.
 */
import type {Server} from "node:http";
import {chromium, type Browser, type Page} from "playwright-core";
// @ts-expect-error: a plain ES module without types.
import {serve} from "../scripts/serve-dist.mjs";

/** Path of the system Chromium (Debian package `chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A served site and a browser. */
export interface Harness {
  base: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** Serves `dir` and launches Chromium. */
export async function startHarness(dir = "dist"): Promise<Harness> {
  const server: Server = await serve(dir);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  });
  return {base: `http://127.0.0.1:${port}`, browser, close: async () => { await browser.close(); server.close(); }};
}

/** An opened page with the requests and problems recorded while it runs. */
export interface OpenedPage {
  page: Page;
  external: string[];
  problems: string[];
}

/** Opens `path`, blocking non-loopback requests, and waits for `ready` (a CSS selector) or fails fast on a cell error. */
export async function openPage(h: Harness, path: string, ready: string, timeout = 60_000): Promise<OpenedPage> {
  const page = await h.browser.newPage({viewport: {width: 1200, height: 900}});
  const external: string[] = [];
  const problems: string[] = [];
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.protocol === "blob:" || url.protocol === "data:") return route.continue();
    external.push(url.href);
    return route.abort();
  });
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${h.base}${path}`, {waitUntil: "load"});
  const error = page.locator(".observablehq--error").first();
  await Promise.race([
    page.locator(ready).first().waitFor({timeout}),
    error.waitFor({timeout}).then(async () => { throw new Error(`cell error on ${path}: ${await error.innerText()}`); })
  ]);
  return {page, external, problems};
}
