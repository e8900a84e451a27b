// The packed vocab (.tkp) that browsers fetch: every shipped file unpacks to its .tkv byte for
// byte, and damaged files are refused with a VocabFormatError rather than giving wrong ranks.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VocabFormatError } from "../src/errors.js";
import { isPackedVocab, packVocab, unpackVocab } from "../src/vocab/tkp.js";

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
  it("refuses truncation, trailing bytes, damage and forward references", () => {
    expect(() => unpackVocab(tkp.subarray(0, tkp.length - 1))).toThrow(VocabFormatError);
    expect(() => unpackVocab(tkp.subarray(0, 40))).toThrow(VocabFormatError);
    const longer = new Uint8Array(tkp.length + 1);
    longer.set(tkp);
    expect(() => unpackVocab(longer)).toThrow(VocabFormatError);
    // A damaged byte in the range-coded stream: the decoder goes astray and must notice.
    for (const at of [60, 1000, tkp.length >> 1, tkp.length - 3]) {
      const damaged = tkp.slice();
      damaged[at] ^= 0x10;
      expect(() => unpackVocab(damaged)).toThrow(VocabFormatError);
    }
    // A stream of ones: rank 0 decodes as a pair whose left half is the largest rank.
    const forward = new Uint8Array(48 + 64).fill(0xff);
    forward.set(tkp.subarray(0, 44));
    forward[48] = 0;
    expect(() => unpackVocab(forward)).toThrow(/refers forward/);
  });
});
