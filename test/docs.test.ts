/**
 * The README is a front door and the reference lives in docs/: the README stays short, and no
 * local link in either leads nowhere. The Methods page of the site is rendered from
 * docs/methods.md, where a link into the repository could not be followed, so it has none.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {describe, expect, it} from "vitest";

const documents = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Local link targets of a Markdown text (not web addresses), without code spans and blocks. */
function localLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/i.test(href));
}

describe("documentation", () => {
  it("keeps the README a front door of at most 12,000 characters", () => {
    expect(readFileSync("README.md", "utf8").length).toBeLessThanOrEqual(12_000);
  });

  it.each(documents)("%s links only to files and headings that exist", (document) => {
    const text = readFileSync(document, "utf8");
    for (const href of localLinks(text)) {
      const [path, hash] = href.split("#");
      const target = path ? join(dirname(document), decodeURIComponent(path)) : document;
      expect(existsSync(target), `${document}: ${href}`).toBe(true);
      if (hash && target.endsWith(".md")) {
        const headings = readFileSync(target, "utf8").split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => anchor(l.replace(/^#+ /, "")));
        expect(headings, `${document}: ${href}`).toContain(hash);
      }
    }
  });

  it("has no links in docs/methods.md, whose text the site shows", () => {
    expect(localLinks(readFileSync("docs/methods.md", "utf8"))).toEqual([]);
  });

  it("finds a broken link and a missing heading", () => {
    expect(localLinks("see [a](docs/nowhere.md) and [b](#nope), not `[c](x.md)` or [d](https://example.org)")).toEqual(["docs/nowhere.md", "#nope"]);
    expect(anchor("Running at scale: shards & batches")).toBe("running-at-scale-shards--batches");
  });
});
