/**
 * XML dataset files (n2c2 2018 patient records, the MEDIQA 2019 question-answering set) as a tree
 * of elements. Parsing is fast-xml-parser's: it handles entities (named, numeric and HTML), CDATA,
 * comments, declarations and nesting as real files contain them, and its validator reports the
 * line and column of malformed input, which we pass on with the file's name. This module only
 * adapts its ordered output to the three questions our loaders ask: which elements have this
 * tag, what are their attributes, and what is their text.
 */
import {XMLParser, XMLValidator} from "fast-xml-parser";

/** One element: its qualified name, attributes and children (elements and text) in document order. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/** A child of an element: a nested element or a run of text (CDATA included, verbatim). */
export type XmlNode = XmlElement | string;

// fast-xml-parser's `preserveOrder` output: each node is {tag: children[], ":@": attributes} or
// {"#text": text}. Attribute values and text are kept as strings (no number parsing) and with
// their white space, because dataset text is data, not configuration.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true
});

type Ordered = Record<string, unknown>;

function convert(nodes: Ordered[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const node of nodes) {
    if ("#text" in node) {
      out.push(String(node["#text"]));
      continue;
    }
    const tag = Object.keys(node).find((k) => k !== ":@");
    // Declarations (`<?xml ...?>`) are not elements of the document.
    if (!tag || tag.startsWith("?")) continue;
    const attributes = Object.fromEntries(Object.entries((node[":@"] as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));
    out.push({name: tag, attributes, children: convert(node[tag] as Ordered[])});
  }
  return out;
}

/**
 * Parses an XML document into a root element (named `#document`) whose children are the document's
 * top-level elements. Malformed XML fails with `file` and the validator's line and column.
 */
export function parseXml(text: string, file = "XML"): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${file} line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  return {name: "#document", attributes: {}, children: convert(parser.parse(text) as Ordered[])};
}

/** Every descendant element of `root` with tag `tag`, in document order. */
export function elements(root: XmlElement, tag: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    for (const child of element.children) {
      if (typeof child === "string") continue;
      if (child.name === tag) out.push(child);
      visit(child);
    }
  };
  visit(root);
  return out;
}

/** The concatenated text of an element and its descendants (entities decoded, CDATA verbatim). */
export function textContent(element: XmlElement): string {
  return element.children.map((child) => (typeof child === "string" ? child : textContent(child))).join("");
}

/** The text content of the first descendant with tag `tag`, or null when there is none. */
export function childText(root: XmlElement, tag: string): string | null {
  const [first] = elements(root, tag);
  return first ? textContent(first) : null;
}
