/**
 * Reads the body paragraphs of a Word .docx file the way python-docx does (the library HELM's
 * RaceBias scenario uses): a .docx is a zip archive whose `word/document.xml` holds the text as
 * WordprocessingML paragraphs (`w:p`) made of runs (`w:r`). Only what a benchmark needs is read:
 * each top-level paragraph's text and each run's text and font colour. The XML itself is parsed
 * by `xml.ts` (fast-xml-parser), as every XML file the workbench reads is.
 */
import {strFromU8, unzipSync} from "fflate";
import {parseXml, type XmlElement} from "./xml.ts";

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
  const top = elements(parseXml(strFromU8(xml), `${source}/word/document.xml`));
  if (top.length !== 1) throw new Error(`${source}/word/document.xml: expected one root element, found ${top.length}`);
  const root = top[0];
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
