// The packed vocab (.tkp) that browsers fetch: every shipped file unpacks to its .tkv byte for
// byte, and damaged files are refused with a VocabFormatError rather than giving wrong ranks.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VocabFormatError } from "../src/errors.js";
import { isPackedVocab, packVocab, unpackVocab } from "../src/vocab-file.js";

describe.each(["o200k_base", "cl100k_base", "p50k_base", "r50k_base"])("%s.tkp", (name) => {
  const tkv = new Uint8Array(readFileSync(`vocab/${name}.tkv`));
  const tkp = new Uint8Array(readFileSync(`vocab/${name}.tkp`));

  it("unpacks to the .tkv exactly and is what packVocab makes", () => {
    expect(isPackedVocab(tkp)).toBe(true);
    expect(Buffer.from(unpackVocab(tkp)).equals(Buffer.from(tkv))).toBe(true);
    if (name === "r50k_base") expect(Buffer.from(packVocab(tkv)).equals(Buffer.from(tkp))).toBe(true);
  });
});

describe("damaged packed files", () => {
  const tkp = new Uint8Array(readFileSync("vocab/r50k_base.tkp"));
  it("passes a .tkv through untouched", () => {
    const tkv = new Uint8Array(readFileSync("vocab/r50k_base.tkv"));
    expect(unpackVocab(tkv)).toBe(tkv);
  });
  it("refuses truncation, trailing bytes and forward references", () => {
    expect(() => unpackVocab(tkp.subarray(0, tkp.length - 1))).toThrow(VocabFormatError);
    expect(() => unpackVocab(tkp.subarray(0, 40))).toThrow(VocabFormatError);
    const longer = new Uint8Array(tkp.length + 1);
    longer.set(tkp);
    expect(() => unpackVocab(longer)).toThrow(VocabFormatError);
    const forward = tkp.slice();
    // The first pair entry of the head stream (after the 256 literals) made to point at itself.
    let h = 48;
    for (let r = 0; r < 256; r++) h += 2 + forward[h + 1]!;
    forward[h] = 0x80 | 1; // rank 256 → a = (0x01 | x << 7) - 1: at least 256 itself
    forward[h + 1] = 0x02;
    expect(() => unpackVocab(forward)).toThrow(VocabFormatError);
  });
});
