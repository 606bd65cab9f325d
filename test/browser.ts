/**
 * Shared browser harness for the page tests: serves `dist/` on 127.0.0.1, drives the
 * Chromium found by chromium.ts through playwright-core, aborts every request that would
 * leave loopback, and records console errors, page errors and failed requests.
 */
import type {Server} from "node:http";
import {chromium, type Browser, type Page} from "playwright-core";
import {CHROMIUM_ARGS, installedChromium} from "./chromium.ts";
// @ts-expect-error: a plain ES module without types.
import {serve} from "../scripts/serve-dist.mjs";

/**
 * Path of the Chromium to drive: CHROMIUM_PATH (which the tests' globalSetup sets after checking
 * the browser starts), else the first one found on this machine (for scripts run outside vitest).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? installedChromium() ?? "chromium";

/** A served site and a browser. */
export interface Harness {
  base: string;
  browser: Browser;
  /** The HTTP server of the site, for tests that watch the requests it receives. */
  server: Server;
  close: () => Promise<void>;
}

/** Serves `dir` and launches Chromium. */
export async function startHarness(dir = "dist"): Promise<Harness> {
  const server: Server = await serve(dir);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS
  });
  return {base: `http://127.0.0.1:${port}`, browser, server, close: async () => { await browser.close(); server.close(); }};
}

/** An opened page with the requests and problems recorded while it runs. */
export interface OpenedPage {
  page: Page;
  external: string[];
  problems: string[];
}

/**
 * Opens `path` in a page of `viewport` (1200 x 900 by default), blocking non-loopback requests, and
 * waits for `ready` (a CSS selector) or fails fast on a cell error.
 */
export async function openPage(h: Harness, path: string, ready: string, timeout = 60_000, viewport = {width: 1200, height: 900}): Promise<OpenedPage> {
  const page = await h.browser.newPage({viewport});
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
