/**
 * Typed access to HELM's JSON with errors that name the file and the field. HELM writes its
 * dataclasses with `asdict_without_nones`, so an optional field is either absent or `null`; both
 * read as "absent" here. A required field that is absent or of the wrong type throws a
 * `HelmFormatError` such as `runs/v1/x/run_spec.json: adapter_spec.model: expected a string, got nothing`.
 */
import {readFileSync} from "node:fs";

/** A malformed HELM file: which file, which field, what is wrong. */
export class HelmFormatError extends Error {
  constructor(readonly file: string, readonly field: string, readonly problem: string) {
    super(field ? `${file}: ${field}: ${problem}` : `${file}: ${problem}`);
    this.name = "HelmFormatError";
  }
}

/** A short description of a JSON value for error messages. */
function describe(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** One value inside a HELM JSON file, with the path that reached it. */
export class Field {
  constructor(readonly value: unknown, readonly file: string, readonly path: string = "") {}

  /** The child at `key` (a property name or an array index); absent children are allowed until read. */
  get(key: string | number): Field {
    const path = typeof key === "number" ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    const parent = this.value;
    const child = parent !== null && typeof parent === "object" ? (parent as Record<string, unknown>)[key] : undefined;
    return new Field(child, this.file, path);
  }

  /** True unless the value is absent or null (HELM drops nulls, so both mean "not recorded"). */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** Throws a format error about this field. */
  fail(problem: string): never {
    throw new HelmFormatError(this.file, this.path, problem);
  }

  private expect(kind: string): never {
    return this.fail(`expected ${kind}, got ${describe(this.value)}`);
  }

  string(): string {
    return typeof this.value === "string" ? this.value : this.expect("a string");
  }

  number(): number {
    return typeof this.value === "number" && Number.isFinite(this.value) ? this.value : this.expect("a number");
  }

  boolean(): boolean {
    return typeof this.value === "boolean" ? this.value : this.expect("true or false");
  }

  /** The value as an object field (checked), for reading children. */
  object(): Field {
    return this.value !== null && typeof this.value === "object" && !Array.isArray(this.value) ? this : this.expect("an object");
  }

  /** The elements of an array. */
  array(): Field[] {
    if (!Array.isArray(this.value)) this.expect("an array");
    return (this.value as unknown[]).map((_, i) => this.get(i));
  }

  /** The entries of an object. */
  entries(): [string, Field][] {
    this.object();
    return Object.keys(this.value as object).map((k) => [k, this.get(k)]);
  }

  optString(): string | undefined {
    return this.present ? this.string() : undefined;
  }

  optNumber(): number | undefined {
    return this.present ? this.number() : undefined;
  }

  optBoolean(): boolean | undefined {
    return this.present ? this.boolean() : undefined;
  }

  /** The elements of an optional array (absent reads as empty). */
  optArray(): Field[] {
    return this.present ? this.array() : [];
  }
}

/** Reads and parses a JSON file; `name` is how errors refer to it (a path relative to the import root). */
export function readJsonFile(path: string, name: string): Field {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new HelmFormatError(name, "", `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return new Field(JSON.parse(text), name);
  } catch (error) {
    throw new HelmFormatError(name, "", `invalid JSON (${(error as Error).message})`);
  }
}
