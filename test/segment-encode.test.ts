// `enc.encode(text, { segmentation })`: the alternative segmentations of src/encoders/ through
// the Encoding's own API (special tokens, count, isWithinTokenLimit), and `tokenmill compare`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getEncodingSync, InvalidArgumentError, segment } from "../src/index.js";
import { cli } from "./helpers/cli.js";

const TEXT = "Tokenization of ordinary text, 12345 digits, 日本語のテキスト, and emoji 🙂👍🏽.\n";

describe("encode(text, { segmentation })", () => {
  for (const engine of ["wasm", "js"] as const) {
    const enc = getEncodingSync("o200k_base", { engine });

    it(`equals segment() for every segmentation [${engine}]`, () => {
      for (const segmentation of ["min-tokens", "longest-first", "bytes"] as const) {
        expect([...enc.encode(TEXT, { segmentation })], segmentation).toEqual([...segment(enc, TEXT, { segmentation })]);
      }
      const drop = { segmentation: "dropout", p: 0.3, seed: 7 } as const;
      expect([...enc.encode(TEXT, drop)]).toEqual([...segment(enc, TEXT, drop)]);
      expect([...enc.encode(TEXT, { segmentation: "bpe" })]).toEqual([...enc.encode(TEXT)]);
    });

    it(`keeps allowed special tokens and segments the text around them [${engine}]`, () => {
      const text = `${TEXT}<|endoftext|>${TEXT}`;
      const ids = enc.encode(text, { segmentation: "min-tokens", allowedSpecial: "all" });
      const part = [...segment(enc, TEXT, { segmentation: "min-tokens" })];
      expect([...ids]).toEqual([...part, enc.specialTokens["<|endoftext|>"]!, ...part]);
      expect(enc.decode(ids)).toBe(text);
      expect(() => enc.encode(text, { segmentation: "min-tokens" })).toThrow(/endoftext/);
      expect(() => enc.encode(text, { segmentation: "bytes", allowedSpecial: "all" })).toThrow(InvalidArgumentError);
    });

    it(`count and isWithinTokenLimit follow the segmentation [${engine}]`, () => {
      const n = enc.encode(TEXT, { segmentation: "bytes" }).length;
      expect(n).toBe(new TextEncoder().encode(TEXT).length);
      expect(enc.count(TEXT, { segmentation: "bytes" })).toBe(n);
      expect(enc.isWithinTokenLimit(TEXT, n, { segmentation: "bytes" })).toBe(n);
      expect(enc.isWithinTokenLimit(TEXT, n - 1, { segmentation: "bytes" })).toBe(false);
      expect(enc.count(TEXT, { segmentation: "min-tokens" })).toBeLessThanOrEqual(enc.count(TEXT));
    });

    it(`isCanonical is false exactly where a segmentation departs from BPE, and canonicalize gives BPE back [${engine}]`, () => {
      const bpe = [...enc.encode(TEXT)];
      for (const options of [{ segmentation: "min-tokens" }, { segmentation: "longest-first" }, { segmentation: "dropout", p: 0.5, seed: 3 }] as const) {
        const ids = [...enc.encode(TEXT, options)];
        const differs = ids.length !== bpe.length || ids.some((id, i) => id !== bpe[i]);
        expect(enc.isCanonical(ids), options.segmentation).toBe(!differs);
        expect([...enc.canonicalize(ids)], options.segmentation).toEqual(bpe);
      }
      // dropout takes most merges back at p = 0.5: it departs from BPE, and the first index where
      // it does is where the two id lists first differ
      const dropped = [...enc.encode(TEXT, { segmentation: "dropout", p: 0.5, seed: 3 })];
      const first = dropped.findIndex((id, i) => id !== bpe[i]);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(enc.firstNonCanonical(dropped)).toBe(first);
    });
  }

  it("rejects an unknown segmentation with a typed error", () => {
    const enc = getEncodingSync("cl100k_base");
    expect(() => enc.encode("x", { segmentation: "nope" as "bpe" })).toThrow(InvalidArgumentError);
  });
});

describe("tokenmill compare", () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenmill-compare-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints JSON whose numbers are the counts of the tokenizers", async () => {
    const file = join(dir, "a.txt");
    writeFileSync(file, TEXT.repeat(20));
    const r = await cli(["compare", "-e", "o200k_base", "-e", "cl100k_base:min-tokens", "--corpus", `en=${file}`, "--json"]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out);
    const text = readFileSync(file, "utf8");
    const o200k = getEncodingSync("o200k_base");
    const cl = getEncodingSync("cl100k_base");
    const flat = JSON.stringify(report);
    expect(flat).toContain(String(o200k.count(text)));
    expect(flat).toContain(String(cl.count(text, { segmentation: "min-tokens" })));
  });

  it("usage errors exit 2 and name the option", async () => {
    const r = await cli(["compare", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option "--bogus"/);
    const h = await cli(["compare", "--help"]);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Usage: tokenmill compare/);
  });
});

describe("flags of commands with their own options", () => {
  it("names of Object's members are unknown options, not flags", async () => {
    for (const flag of ["--constructor", "--toString", "--__proto__"]) {
      const r = await cli(["compare", flag, "x"]);
      expect(r.code, flag).toBe(2);
      expect(r.err).toMatch(/unknown option/);
    }
  });
});
