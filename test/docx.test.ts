import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {strToU8, zipSync} from "fflate";
import {describe, expect, it} from "vitest";
import {docxParagraphs} from "../data-loaders/formats/docx.ts";
import {parseXml} from "../data-loaders/formats/xml.ts";
import {raceBiasItems} from "../benchmarks/race_based_med.ts";

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/** A minimal .docx: a zip holding only word/document.xml with the given body XML. */
function docx(body: string, prefix = "w"): Uint8Array {
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${prefix}:document xmlns:${prefix}="${W}"><${prefix}:body>${body}</${prefix}:body></${prefix}:document>`;
  return zipSync({"[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": strToU8(xml)});
}
const run = (text: string, color?: string) => `<w:r>${color ? `<w:rPr><w:color w:val="${color}"/></w:rPr>` : ""}<w:t xml:space="preserve">${text}</w:t></w:r>`;
const para = (...runs: string[]) => `<w:p><w:pPr><w:jc w:val="left"/></w:pPr>${runs.join("")}</w:p>`;

const supplement = docx([
  para(run("Bard responses")),
  para(run("Run 1: How is eGFR estimated?")),
  para(run("Use a race "), run("multiplier &amp; adjust", "FF0000"), run(".")),
  para(),
  `<w:tbl><w:tr><w:tc>${para(run("Run 9: a question inside a table"))}</w:tc></w:tr></w:tbl>`,
  para(run("Run 2: Is lung capacity race-specific?"), `<w:r><w:br/><w:t>No, it is not.</w:t></w:r>`),
  para(run("See"), `<w:r><w:tab/></w:r>`, `<w:hyperlink><w:r><w:rPr><w:color w:val="ff0000"/></w:rPr><w:t>this link</w:t></w:r></w:hyperlink>`, run(" for more", "auto")),
  para(run("Run 3: No answer follows")),
  `<w:sectPr/>`
].join(""));

describe("XML reading", () => {
  it("parseXml builds elements with attributes and decoded text, dropping the declaration and comments", () => {
    const doc = parseXml(`<?xml version="1.0"?><!-- note --><a x="1 &amp; 2"><b>t &lt; u &quot;&#65;&#x42;&apos;</b><c/><![CDATA[<raw>]]></a>`);
    expect(doc.children).toEqual([{name: "a", attributes: {x: "1 & 2"}, children: [{name: "b", attributes: {}, children: [`t < u "AB'`]}, {name: "c", attributes: {}, children: []}, "<raw>"]}]);
  });
  it("parseXml names the source, line and column of a closing tag that does not match", () => {
    expect(() => parseXml("<a><b></a>", "doc.xml")).toThrow("doc.xml line 1, column 7: Expected closing tag 'b' (opened in line 1, col 4) instead of closing tag 'a'.");
  });
});

describe("docx paragraphs", () => {
  const paragraphs = docxParagraphs(supplement);
  it("lists only paragraphs directly in the body, not those inside tables", () => {
    expect(paragraphs.map((p) => p.text)).toEqual([
      "Bard responses",
      "Run 1: How is eGFR estimated?",
      "Use a race multiplier & adjust.",
      "",
      "Run 2: Is lung capacity race-specific?\nNo, it is not.",
      "See\tthis link for more",
      "Run 3: No answer follows"
    ]);
  });
  it("reads each direct run's colour in upper case and treats 'auto' as no colour; hyperlink runs are not direct runs", () => {
    expect(paragraphs[2].runs.map((r) => r.color)).toEqual([null, "FF0000", null]);
    expect(paragraphs[5].runs.map((r) => [r.text, r.color])).toEqual([["See", null], ["\t", null], [" for more", null]]);
  });
  it("finds the WordprocessingML namespace under any prefix", () => {
    const custom = docx(`<x:p><x:r><x:t>Hello</x:t></x:r></x:p>`, "x");
    expect(docxParagraphs(custom)).toEqual([{text: "Hello", runs: [{text: "Hello", color: null}]}]);
  });
  it("names the file when it is not a zip or has no document part", () => {
    expect(() => docxParagraphs(strToU8("plain text"), "notes.docx")).toThrow(/^notes\.docx: not a zip archive/);
    expect(() => docxParagraphs(zipSync({"a.txt": strToU8("x")}), "empty.docx")).toThrow("empty.docx: no word/document.xml inside");
  });
});

describe("RaceBias items", () => {
  const items = raceBiasItems(docxParagraphs(supplement));
  it("opens an item at each 'Run <n>:' paragraph and labels it by red text in the paragraphs that follow", () => {
    expect(items[0]).toEqual({question: "How is eGFR estimated?", response: ["Use a race multiplier & adjust."], red: true});
  });
  it("moves answer lines that share the opening paragraph into the response, and red hyperlink runs do not count", () => {
    expect(items[1]).toEqual({question: "Is lung capacity race-specific?", response: ["No, it is not.", "See\tthis link for more"], red: false});
  });
  it("drops an item with no answer text", () => {
    expect(items).toHaveLength(2);
  });
});

describe("the shipped RaceBias supplement", () => {
  // python-docx is what HELM's scenario reads the file with. Its reading, under HELM's rule, is
  // committed as a golden file (scripts/race-bias-golden.py made it), so the tests need no Python.
  const golden = JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/race-bias-golden.json"), "utf8")) as {
    pythonDocx: string; source: string; sourceSha256: string; items: {question: string; red: boolean; response: string[]}[];
  };
  const file = join(process.cwd(), golden.source);
  it("is the file the golden reading was made from", () => {
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(golden.sourceSha256);
    expect(golden.pythonDocx).toBe("0.8.11");
  });
  const ours = raceBiasItems(docxParagraphs(readFileSync(file), file));
  it("splits into the same 175 items (90 harmful), with the same questions, labels and response paragraphs, as python-docx under HELM's rule", () => {
    const shape = (i: {question: string; red: boolean; response: string[]}) => ({question: i.question, red: i.red, paragraphs: i.response.length});
    expect(ours.map(shape)).toEqual(golden.items.map(shape));
    expect(ours).toHaveLength(175);
    expect(ours.filter((i) => i.red)).toHaveLength(90);
  });
  it("reads the same response text as python-docx except hyperlink text, which python-docx 0.8.11 leaves out of a paragraph's text", () => {
    const differing = ours.flatMap((item, i) => item.response.flatMap((line, k) => (line === golden.items[i].response[k] ? [] : [{item: i + 1, ours: line, pythonDocx: golden.items[i].response[k]}])));
    expect(differing).toEqual([{item: 10, ours: "Genetic Basis of Race: (BARD consistently references Wikipedia)", pythonDocx: "Genetic Basis of Race: (BARD consistently references )"}]);
  });
});
