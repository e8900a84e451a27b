// Cover encodings (Phan et al., ICLR 2025, arXiv 2410.09303, §3). The paper's definition: for a
// byte prefix x = x_1..x_n, the cover encodings of x are the valid encodings t = t_1..t_k with
// bytes(t_1..t_{k-1}) a strict prefix of x and x a prefix of bytes(t_1..t_k): the last token
// crosses or ends at the end of x. By the Byte-Token Representation Lemma, the probability that a
// tokenized LM's text starts with x is the sum of P(t) over them (each text starting with x has
// exactly one of them as a prefix of its encoding). Valid = canonical: t = encodeOrdinary(bytes(t)).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getEncodingSync, InvalidArgumentError, type Encoding } from "../src/index.js";

const utf8 = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });
const startsWith = (t: Uint8Array, p: Uint8Array): boolean => t.length >= p.length && p.every((b, i) => t[i] === b);
const key = (ids: ArrayLike<number>): string => Array.from(ids).join(",");

function isCover(enc: Encoding, x: Uint8Array, t: Uint32Array): boolean {
  const head = enc.decodeBytes(t.subarray(0, t.length - 1));
  const all = enc.decodeBytes(t);
  if (!(head.length < x.length && startsWith(x, head) && startsWith(all, x))) return false;
  let text: string;
  try {
    text = dec.decode(all);
  } catch {
    return false;
  }
  return key(enc.encodeOrdinary(text)) === key(t);
}

/** Brute force: every token of the vocabulary as the last token, at every start in x. */
function bruteCovers(enc: Encoding, x: Uint8Array, vocab: (Uint8Array | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (let j = 0; j < x.length; j++) {
    const rest = x.subarray(j);
    vocab.forEach((tb, id) => {
      if (!tb || !startsWith(tb, rest)) return;
      const y = new Uint8Array([...x.subarray(0, j), ...tb]);
      let text: string;
      try {
        text = dec.decode(y);
      } catch {
        return;
      }
      const c = enc.encodeOrdinary(text);
      if (c[c.length - 1] === id) out.add(key(c));
    });
  }
  return out;
}

describe("coverEncodings", () => {
  const enc = getEncodingSync("o200k_base");

  it("the example: covers of \"Hello wor\" (o200k_base)", () => {
    const covers = [...enc.coverEncodings("Hello wor")].map((t) => [...t].map((id) => enc.decode([id])));
    // the encoder's own spelling of every text that starts with "Hello wor" begins with one of these
    expect(covers).toContainEqual(["Hello", " wor"]);
    expect(covers).toContainEqual(["Hello", " world"]);
    expect(covers).toContainEqual(["Hello", " wo", "ress"]); // "Hello woress" is spelled so
    for (const c of covers) expect(c.join("").startsWith("Hello wor")).toBe(true);
    expect(covers).not.toContainEqual(["Hello", " w", "or"]); // not canonical: " wor" is one token
    // 154 in all: 58 end with a token starting " wor", 77 are "Hello", " w", and a token
    // starting "or", 19 are "Hello", " wo", and a token starting "r"
    expect(covers.length).toBe(154);
    expect(covers.filter((c) => c.length === 2).length).toBe(58);
    expect(covers.filter((c) => c[1] === " w").length).toBe(77);
    expect(covers.filter((c) => c[1] === " wo").length).toBe(19);
  });

  it("every cover satisfies the definition; none is missing (brute force over the vocabulary)", () => {
    const specials = new Set(Object.values(enc.specialTokens));
    const vocab: (Uint8Array | undefined)[] = [];
    for (let id = 0; id < enc.nVocab; id++) vocab.push(!specials.has(id) && enc.isValidId(id) ? enc.tokenBytes(id) : undefined);
    for (const s of ["Hello wor", "x = fo", "日本", " ", "12"]) {
      const x = utf8.encode(s);
      const got = [...enc.coverEncodings(x)];
      for (const t of got) expect(isCover(enc, x, t), `${s}: ${key(t)}`).toBe(true);
      expect(new Set(got.map(key))).toEqual(bruteCovers(enc, x, vocab));
    }
  });

  it("the lemma's partition: the encoding of any text starting with x begins with exactly one cover", () => {
    // Covers are canonical encodings of text (README), so a text whose encoding's covering token
    // ends inside a character is outside the enumeration: " ឃ" is [" \xe1\x9e", "\x83"] in
    // o200k_base, and [" \xe1\x9e"] is no cover of " " (README "coverEncodings": limitation).
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 8 }), (xs, more) => {
        const x = utf8.encode(xs);
        const all = utf8.encode(xs + more);
        const ids = enc.encodeOrdinary(xs + more);
        let k = 0;
        let bytes = 0;
        while (bytes < x.length) bytes += enc.tokenBytes(ids[k++]!).length;
        fc.pre(bytes === all.length || (all[bytes]! & 0xc0) !== 0x80);
        const covers = new Set([...enc.coverEncodings(x)].map(key));
        expect(covers.has(key(ids.subarray(0, k))), `${JSON.stringify(xs)} + ${JSON.stringify(more)}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("a cover ending inside a character is not enumerated (the limitation above): [\" \\xe1\\x9e\"] of \" ឃ\" is none of \" \", [\" a\"] is one", () => {
    const ids = enc.encodeOrdinary(" ឃ");
    expect(Array.from(ids[0] !== undefined ? enc.tokenBytes(ids[0]) : [])).toEqual([0x20, 0xe1, 0x9e]);
    const covers = [...enc.coverEncodings(" ")].map(key);
    expect(covers).not.toContain(key(ids.subarray(0, 1)));
    expect(covers).toContain(key(enc.encodeOrdinary(" a").subarray(0, 1)));
  });

  it("long prefixes: the head before a safe cut is encoded once; limit; errors", () => {
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(40) + "Hello wor";
    const covers = [...enc.coverEncodings(text, { limit: 10 })];
    expect(covers.length).toBe(10);
    for (const t of covers) expect(isCover(enc, utf8.encode(text), t)).toBe(true);
    expect([...enc.coverEncodings("")]).toEqual([]);
    expect(() => [...enc.coverEncodings("a", { limit: -1 })]).toThrow(InvalidArgumentError);
    expect(() => [...enc.coverEncodings(5 as never)]).toThrow(InvalidArgumentError);
  });

  it("the JS engine gives the same covers", () => {
    const js = getEncodingSync("cl100k_base", { engine: "js" });
    const wasm = getEncodingSync("cl100k_base", { engine: "wasm" });
    for (const s of ["Hello wor", "def f(", "über"]) expect([...js.coverEncodings(s)].map(key)).toEqual([...wasm.coverEncodings(s)].map(key));
  });
});
