/**
 * The lean fetch the SDK uses (node:http with keep-alive): bodies, headers, compression,
 * redirects, aborts and empty responses behave as fetch's do for what chat completions need.
 */
import {createServer, type IncomingMessage, type Server} from "node:http";
import {gzipSync} from "node:zlib";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {nodeFetch} from "../data-loaders/models/transport.ts";

let server: Server;
let base: string;
let connections = 0;
const seen: {method: string; url: string; headers: IncomingMessage["headers"]; body: string}[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({method: req.method!, url: req.url!, headers: req.headers, body});
      if (req.url === "/echo") {
        res.writeHead(201, {"content-type": "application/json", "x-ratelimit-remaining-requests": "7"});
        res.end(JSON.stringify({method: req.method, body, length: req.headers["content-length"]}));
      } else if (req.url === "/gzip") {
        const zipped = gzipSync(JSON.stringify({ok: true}));
        res.writeHead(200, {"content-type": "application/json", "content-encoding": "gzip", "content-length": zipped.length});
        res.end(zipped);
      } else if (req.url === "/keep") {
        res.writeHead(307, {location: "/echo"});
        res.end();
      } else if (req.url === "/other") {
        res.writeHead(303, {location: "/echo"});
        res.end();
      } else if (req.url === "/empty") {
        res.writeHead(204);
        res.end();
      } else if (req.url === "/hang") {
        // never answers
      } else {
        res.writeHead(404, {"content-type": "application/json"});
        res.end(JSON.stringify({error: {message: "no route"}}));
      }
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as {port: number}).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

describe("node fetch", () => {
  const f = nodeFetch();

  it("sends the body with its length and returns status, headers and body", async () => {
    const response = await f(`${base}/echo`, {method: "POST", headers: new Headers({"content-type": "application/json", authorization: "Bearer k"}), body: "{\"a\":\"é\"}"});
    expect(response.status).toBe(201);
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("7");
    expect(await response.json()).toEqual({method: "POST", body: "{\"a\":\"é\"}", length: "10"});
    expect(seen.at(-1)!.headers.authorization).toBe("Bearer k");
  });

  it("decodes a gzip body", async () => {
    const response = await f(`${base}/gzip`);
    expect(await response.json()).toEqual({ok: true});
    expect(response.headers.get("content-encoding")).toBeNull();
  });

  it("follows 307 keeping method and body, and 303 as GET", async () => {
    expect(await (await f(`${base}/keep`, {method: "POST", body: "x"})).json()).toMatchObject({method: "POST", body: "x"});
    expect(await (await f(`${base}/other`, {method: "POST", body: "x"})).json()).toMatchObject({method: "GET", body: ""});
  });

  it("returns an empty body for 204 and error statuses as responses", async () => {
    const empty = await f(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
    const missing = await f(`${base}/missing`);
    expect(missing.status).toBe(404);
    expect(missing.ok).toBe(false);
  });

  it("rejects with an AbortError when the signal aborts, as fetch does", async () => {
    const controller = new AbortController();
    const pending = f(`${base}/hang`, {signal: controller.signal});
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({name: "AbortError"});
  });

  it("keeps connections alive between requests", async () => {
    const before = connections;
    await Promise.all([1, 2, 3].map(() => f(`${base}/echo`, {method: "POST", body: "{}"})));
    for (let i = 0; i < 5; i++) await f(`${base}/echo`, {method: "POST", body: "{}"});
    // Eight requests, at most three new connections (the parallel ones); the rest reuse them.
    expect(connections - before).toBeLessThanOrEqual(3);
  });
});
