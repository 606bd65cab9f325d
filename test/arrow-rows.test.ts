import {tableFromIPC} from "apache-arrow";
import {describe, expect, it} from "vitest";
import {rowsToArrowIPC} from "../data-loaders/formats/arrow-rows.ts";

describe("rowsToArrowIPC", () => {
  it("writes the declared columns with their types, missing cells as null", () => {
    const table = tableFromIPC(rowsToArrowIPC([{a: "x", b: 1.5, c: 2, d: true}, {a: null, c: 3}], {a: "string", b: "number", c: "integer", d: "boolean"}));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["a:Utf8", "b:Float64", "c:Int32", "d:Bool"]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{a: "x", b: 1.5, c: 2, d: true}, {a: null, b: null, c: 3, d: null}]);
  });

  it("turns non-finite numbers into null rather than NaN", () => {
    const table = tableFromIPC(rowsToArrowIPC([{x: NaN}, {x: -Infinity}, {x: 0}], {x: "number"}));
    expect(table.getChild("x")!.toArray().length).toBe(3);
    expect(table.toArray().map((r) => r.toJSON().x)).toEqual([null, null, 0]);
  });

  it("keeps the schema of an empty table", () => {
    const table = tableFromIPC(rowsToArrowIPC([], {model: "string", score: "number"}));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["model", "score"]);
  });

  it("rejects a cell of the wrong type, naming its row and column", () => {
    expect(() => rowsToArrowIPC([{n: 1}, {n: "2"}], {n: "number"})).toThrow('row 1, column n: "2" is not a number');
    expect(() => rowsToArrowIPC([{n: 1.5}], {n: "integer"})).toThrow("row 0, column n: 1.5 is not an integer");
  });
});
