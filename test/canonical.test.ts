// Canonicality (Ayoobi et al., arXiv 2601.14658): isCanonical / firstNonCanonical / canonicalize
// against the definition, encode(decode(ids), { allowedSpecial: "all" }) == ids, on encoder output
// and on random re-segmentations (a token split into two tokens whose bytes concatenate to it).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getEncodingSync, InvalidArgumentError, InvalidTokenIdError, InvalidUtf8Error, type Encoding } from "../src/index.js";

const ENGINES = ["wasm", "js"] as const;
const NAMES = ["o200k_base", "cl100k_base"] as const;
const TEXT = [
  "The quick brown fox jumps over the lazy dog. It's 12345 o'clock!\n\n  indented    spaces\t\ttabs",
  "function f(x) {\n  return x * 2; // comment\n}\n",
  "日本語のテキスト、中文文本。Ελληνικά κείμενα. Русский текст. 🦜🦜 emoji",
  "<|endoftext|>after a special<|endoftext|>",
].join("\n");

/** The definition, for comparison: the first index where ids and the canonical encoding differ. */
function reference(enc: Encoding, ids: number[]): number {
  const bytes = enc.decodeBytes(ids);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return -2; // not UTF-8: no canonical encoding
  }
  const canon = enc.encode(text, { allowedSpecial: "all" });
  let k = 0;
  while (k < ids.length && k < canon.length && ids[k] === canon[k]) k++;
  return k === ids.length && k === canon.length ? -1 : k;
}

/** Splits token i of ids into two tokens whose bytes concatenate to it, if the vocabulary has such a pair. */
function splitToken(enc: Encoding, ids: number[], i: number, at: number): number[] | undefined {
  const b = enc.tokenBytes(ids[i]!);
  if (b.length < 2) return undefined;
  const cut = 1 + (at % (b.length - 1));
  const left = enc.tokensWithPrefix(b.subarray(0, cut)).find((id) => enc.tokenBytes(id).length === cut);
  const right = enc.tokensWithPrefix(b.subarray(cut)).find((id) => enc.tokenBytes(id).length === b.length - cut);
  if (left === undefined || right === undefined) return undefined;
  return [...ids.slice(0, i), left, right, ...ids.slice(i + 1)];
}

describe.each(NAMES)("%s", (name) => {
  it.each(ENGINES)("%s engine: encoder output is canonical", (engine) => {
    const enc = getEncodingSync(name, { engine });
    const ids = [...enc.encode(TEXT, { allowedSpecial: "all" })];
    expect(enc.isCanonical(ids)).toBe(true);
    expect(enc.firstNonCanonical(ids)).toBe(-1);
    expect([...enc.canonicalize(ids)]).toEqual(ids);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        const e = [...enc.encode(text, { disallowedSpecial: [] })];
        expect(enc.firstNonCanonical(e)).toBe(reference(enc, e));
        expect(enc.isCanonical(e)).toBe(reference(enc, e) === -1);
      }),
      { numRuns: 150 },
    );
  });

  it.each(ENGINES)("%s engine: random re-segmentations are detected, at the right index, and canonicalized", (engine) => {
    const enc = getEncodingSync(name, { engine });
    const ids = [...enc.encode(TEXT, { allowedSpecial: "all" })];
    const specials = new Set(Object.values(enc.specialTokens));
    let tried = 0;
    fc.assert(
      fc.property(fc.nat({ max: ids.length - 1 }), fc.nat({ max: 1000 }), (i, at) => {
        if (specials.has(ids[i]!)) return;
        const split = splitToken(enc, ids, i, at);
        if (!split) return;
        tried++;
        const want = reference(enc, split);
        expect(want).not.toBe(-1); // a split token is never canonical
        expect(enc.firstNonCanonical(split)).toBe(want);
        expect(enc.isCanonical(split)).toBe(false);
        expect([...enc.canonicalize(split)]).toEqual(ids);
      }),
      { numRuns: 120 },
    );
    expect(tried).toBeGreaterThan(20);
  });
});

describe("specials, invalid UTF-8, errors", () => {
  const enc = getEncodingSync("o200k_base");
  it("ordinary tokens spelling a special token are not canonical; a special id where text is ordinary is not either", () => {
    const ordinary = [...enc.encode("<|endoftext|>", { disallowedSpecial: [] })];
    expect(enc.firstNonCanonical(ordinary)).toBe(0);
    expect([...enc.canonicalize(ordinary)]).toEqual([199999]);
    expect(enc.isCanonical([199999])).toBe(true);
    const ids = [...enc.encode("a b", { allowedSpecial: "all" })];
    expect(enc.firstNonCanonical([...ids, 199999, ...enc.encode("x")])).toBe(-1);
  });
  it("bytes that are not UTF-8: not canonical at the token holding the bad byte; canonicalize throws", () => {
    const parrot = [...enc.encode("a🦜")]; // "a", then the emoji's 4 bytes in 3 tokens
    expect(parrot.length).toBe(4);
    expect(reference(enc, parrot.slice(0, -1))).toBe(-2);
    expect(enc.isCanonical(parrot.slice(0, -1))).toBe(false);
    // the ill-formed sequence starts with the emoji's first byte, in token 1
    expect(enc.firstNonCanonical(parrot.slice(0, -1))).toBe(1);
    expect(() => enc.canonicalize(parrot.slice(0, -1))).toThrow(InvalidUtf8Error);
  });
  it("bad ids and arguments", () => {
    expect(enc.isCanonical([])).toBe(true);
    expect(() => enc.isCanonical([-1])).toThrow(InvalidTokenIdError);
    expect(() => enc.isCanonical([1.5])).toThrow(InvalidTokenIdError);
    expect(() => enc.isCanonical("abc" as never)).toThrow(InvalidArgumentError);
  });
});
