/**
 * Just enough XML for the dataset files MedHELM reads as XML (n2c2 2018 patient records, the
 * MEDIQA 2019 question-answering set): find elements by tag, read their attributes and their text
 * with CDATA sections and entities decoded. These files are flat, machine-written and free of
 * namespaces and DTDs, so a full parser would add a dependency without adding correctness.
 * Nested elements of the *same* tag are not supported and are reported as an error.
 */

/** One element: its attributes and its raw inner XML. */
export interface XmlElement {
  attributes: Record<string, string>;
  inner: string;
}

const NAMED: Record<string, string> = {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'"};

/** Decodes the five named entities and numeric character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#x")) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return NAMED[body] ?? whole;
  });
}

/** The text content of inner XML: CDATA kept verbatim, tags dropped, entities decoded. */
export function textContent(inner: string): string {
  let out = "";
  const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  for (let m = cdata.exec(inner); m; m = cdata.exec(inner)) {
    out += decodeEntities(inner.slice(last, m.index).replace(/<[^>]*>/g, ""));
    out += m[1];
    last = m.index + m[0].length;
  }
  return out + decodeEntities(inner.slice(last).replace(/<[^>]*>/g, ""));
}

function parseAttributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = decodeEntities(m[3] ?? m[4] ?? "");
  return out;
}

/** Every `<tag ...>...</tag>` or `<tag .../>` element in document order. */
export function elements(xml: string, tag: string): XmlElement[] {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const open = new RegExp(`<${escaped}(\\s[^>]*?)?(/?)>`, "g");
  const close = `</${tag}>`;
  const out: XmlElement[] = [];
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    const attributes = parseAttributes(m[1] ?? "");
    if (m[2] === "/") {
      out.push({attributes, inner: ""});
      continue;
    }
    const start = m.index + m[0].length;
    const end = xml.indexOf(close, start);
    if (end < 0) throw new Error(`unclosed <${tag}> at offset ${m.index}`);
    const inner = xml.slice(start, end);
    // CDATA may legitimately contain the tag's name; only real nested tags are a problem.
    if (new RegExp(`<${escaped}[\\s>/]`).test(inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ""))) throw new Error(`nested <${tag}> at offset ${m.index} is not supported`);
    out.push({attributes, inner});
    open.lastIndex = end + close.length;
  }
  return out;
}

/** The first `tag` element's text content, or null. */
export function childText(xml: string, tag: string): string | null {
  const [first] = elements(xml, tag);
  return first ? textContent(first.inner) : null;
}
