// The Methods page's text: docs/methods.md rendered to HTML at build time, so that the site and
// the repository's documentation say the same thing from one source. The document has no links
// into the repository (a site reader could not follow them); test/docs.test.ts checks that.
import {readFileSync} from "node:fs";
import MarkdownIt from "markdown-it";
import {runLoader} from "../../data-loaders/site/loader-cache.ts";

await runLoader("data/methods.html", () => {
  const source = readFileSync(new URL("../../docs/methods.md", import.meta.url), "utf8");
  // The page supplies its own title, so the document's first heading is dropped.
  return new MarkdownIt({html: false}).render(source.replace(/^# .*\n/, ""));
});
