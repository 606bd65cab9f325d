/**
 * Reads the body paragraphs of a Word .docx file the way python-docx does (the library HELM's
 * RaceBias scenario uses): a .docx is a zip archive whose `word/document.xml` holds the text as
 * WordprocessingML paragraphs (`w:p`) made of runs (`w:r`). Only what a benchmark needs is read:
 * each top-level paragraph's text and each run's text and font colour. The XML reader is a small
 * non-validating parser, enough for the well-formed XML that Word writes.
 */
import {strFromU8, unzipSync} from "fflate";

/** An XML element: qualified name, attributes and children in document order. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

/** One run of a paragraph: its text and its direct font colour (uppercase hex such as `FF0000`), or null when none or `auto`. */
export interface DocxRun {
  text: string;
  color: string | null;
}

/** One body paragraph: the text python-docx reports as `paragraph.text`, and its direct runs. */
export interface DocxParagraph {
  text: string;
  runs: DocxRun[];
}

/** The WordprocessingML namespace; its prefix is read from the document instead of assumed to be `w`. */
const WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const ENTITIES: Record<string, string> = {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'"};

/** Replaces XML's five named entities and numeric character references. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === "#") return String.fromCodePoint(ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/**
 * Parses an XML document into its root element. Comments, processing instructions and the
 * doctype are dropped; CDATA becomes text. Throws, naming `source` and the offset, on a tag that
 * does not close what is open.
 */
export function parseXml(xml: string, source = "xml"): XmlElement {
  const root: XmlElement = {name: "#document", attributes: {}, children: []};
  const stack: XmlElement[] = [root];
  let i = 0;
  const fail = (message: string, at: number): never => {
    throw new Error(`${source}: ${message} at offset ${at}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > i && stack.length > 1) stack[stack.length - 1].children.push(decodeXmlEntities(xml.slice(i, textEnd)));
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) fail("unclosed comment", lt);
      i = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) fail("unclosed CDATA section", lt);
      stack[stack.length - 1].children.push(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0) fail("unclosed processing instruction", lt);
      i = end + 2;
    } else if (xml.startsWith("<!", lt)) {
      const end = xml.indexOf(">", lt + 2);
      if (end < 0) fail("unclosed declaration", lt);
      i = end + 1;
    } else {
      const end = findTagEnd(xml, lt);
      if (end < 0) fail("unclosed tag", lt);
      const body = xml.slice(lt + 1, end);
      i = end + 1;
      if (body.startsWith("/")) {
        const name = body.slice(1).trim();
        const open = stack.pop();
        if (!open || stack.length === 0 || open.name !== name) fail(`unexpected </${name}>`, lt);
        continue;
      }
      const selfClosing = body.endsWith("/");
      const inner = selfClosing ? body.slice(0, -1) : body;
      const nameMatch = /^[^\s/>]+/.exec(inner);
      if (!nameMatch) fail("tag without a name", lt);
      const element: XmlElement = {name: nameMatch![0], attributes: {}, children: []};
      for (const m of inner.slice(nameMatch![0].length).matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        element.attributes[m[1]] = decodeXmlEntities(m[2] ?? m[3] ?? "");
      }
      stack[stack.length - 1].children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 1) fail(`<${stack[stack.length - 1].name}> is never closed`, xml.length);
  const top = root.children.filter((c): c is XmlElement => typeof c !== "string");
  if (top.length !== 1) fail(`expected one root element, found ${top.length}`, 0);
  return top[0];
}

/** The index of the `>` closing the tag that starts at `start`, skipping quoted attribute values. */
function findTagEnd(xml: string, start: number): number {
  let quote: string | null = null;
  for (let j = start + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return j;
  }
  return -1;
}

const elements = (node: XmlElement) => node.children.filter((c): c is XmlElement => typeof c !== "string");
const textOf = (node: XmlElement) => node.children.filter((c): c is string => typeof c === "string").join("");

/**
 * The body paragraphs of a .docx, as python-docx's `Document(...).paragraphs` gives them: only
 * paragraphs directly under `w:body` (not those inside tables or content controls). A paragraph's
 * text joins its direct runs and the runs of its hyperlinks; a run's text maps `w:t` to its text,
 * tabs to "\t", line breaks and carriage returns to "\n" and non-breaking hyphens to "-", as
 * python-docx 1.x does. `runs` lists only the direct runs, as python-docx's `paragraph.runs` does.
 */
export function docxParagraphs(bytes: Uint8Array, source = "document.docx"): DocxParagraph[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {filter: (f) => f.name === "word/document.xml"});
  } catch (error) {
    throw new Error(`${source}: not a zip archive (${(error as Error).message})`);
  }
  const xml = files["word/document.xml"];
  if (!xml) throw new Error(`${source}: no word/document.xml inside`);
  const root = parseXml(strFromU8(xml), `${source}/word/document.xml`);
  const prefix = namespacePrefix(root, WORD_NS, `${source}/word/document.xml`);
  const q = (local: string) => (prefix ? `${prefix}:${local}` : local);
  if (root.name !== q("document")) throw new Error(`${source}/word/document.xml: root is <${root.name}>, expected <${q("document")}>`);
  const body = elements(root).find((e) => e.name === q("body"));
  if (!body) throw new Error(`${source}/word/document.xml: no <${q("body")}>`);

  const runText = (run: XmlElement) =>
    elements(run)
      .map((e) => {
        if (e.name === q("t")) return textOf(e);
        if (e.name === q("tab") || e.name === q("ptab")) return "\t";
        if (e.name === q("cr")) return "\n";
        if (e.name === q("br")) return (e.attributes[q("type")] ?? "textWrapping") === "textWrapping" ? "\n" : "";
        if (e.name === q("noBreakHyphen")) return "-";
        return "";
      })
      .join("");
  const runColor = (run: XmlElement): string | null => {
    const props = elements(run).find((e) => e.name === q("rPr"));
    const color = props && elements(props).find((e) => e.name === q("color"));
    const value = color?.attributes[q("val")]?.toUpperCase();
    return value && value !== "AUTO" ? value : null;
  };

  return elements(body)
    .filter((e) => e.name === q("p"))
    .map((p) => {
      const inner = elements(p);
      const text = inner
        .map((e) => {
          if (e.name === q("r")) return runText(e);
          if (e.name === q("hyperlink")) return elements(e).filter((r) => r.name === q("r")).map(runText).join("");
          return "";
        })
        .join("");
      const runs = inner.filter((e) => e.name === q("r")).map((r) => ({text: runText(r), color: runColor(r)}));
      return {text, runs};
    });
}

/** The prefix the root element binds to a namespace URI ("" for the default namespace). */
function namespacePrefix(root: XmlElement, uri: string, source: string): string {
  for (const [name, value] of Object.entries(root.attributes)) {
    if (value !== uri) continue;
    if (name === "xmlns") return "";
    if (name.startsWith("xmlns:")) return name.slice("xmlns:".length);
  }
  throw new Error(`${source}: root <${root.name}> does not declare the WordprocessingML namespace`);
}
