// Cover encodings (Phan et al., ICLR 2025, arXiv 2410.09303, §3). The paper's definition: for a
// byte prefix x = x_1..x_n, the cover encodings of x are the valid encodings t = t_1..t_k with
// bytes(t_1..t_{k-1}) a strict prefix of x and x a prefix of bytes(t_1..t_k): the last token
// crosses or ends at the end of x. By the Byte-Token Representation Lemma, the probability that a
// tokenized LM's text starts with x is the sum of P(t) over them (each text starting with x has
// exactly one of them as a prefix of its encoding). Valid = a prefix of the encoding of some text:
// t = encodeOrdinary(bytes(t)) when those bytes are text; when t's last token ends inside a
// character, tokens after it that complete the character make such an encoding.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getEncodingSync, InvalidArgumentError, type Encoding } from "../src/index.js";

const utf8 = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });
const startsWith = (t: Uint8Array, p: Uint8Array): boolean => t.length >= p.length && p.every((b, i) => t[i] === b);
const key = (ids: ArrayLike<number>): string => Array.from(ids).join(",");

/** Whether y ends inside a character (and is text up to there). */
function endsMidCharacter(y: Uint8Array): boolean {
  try {
    dec.decode(y);
    return false;
  } catch {
    return true;
  }
}

/** Whether y is text, or text up to a character cut short at its end. */
function textSoFar(y: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(y, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Ordinary tokens of the whole vocabulary (specials left out), by id. */
function vocabOf(enc: Encoding): (Uint8Array | undefined)[] {
  const specials = new Set(Object.values(enc.specialTokens));
  const vocab: (Uint8Array | undefined)[] = [];
  for (let id = 0; id < enc.nVocab; id++) vocab.push(!specials.has(id) && enc.isValidId(id) ? enc.tokenBytes(id) : undefined);
  return vocab;
}

/**
 * The definition, decided with the encoder as the only oracle: t is valid if it is the encoding
 * of its bytes (text), or, ending inside a character, if some token of the whole vocabulary after
 * it (then one more, if that one ends inside a character again) makes the encoding of a text.
 */
function isValid(enc: Encoding, vocab: (Uint8Array | undefined)[], prefix: Uint32Array, depth = 0): boolean {
  const y = enc.decodeBytes(prefix);
  if (!endsMidCharacter(y)) return key(enc.encodeOrdinary(dec.decode(y))) === key(prefix);
  if (depth === 2) return false;
  return vocab.some((vb, v) => {
    if (!vb || (vb[0]! & 0xc0) !== 0x80) return false; // only a continuation byte continues y
    const z = new Uint8Array([...y, ...vb]);
    const next = Uint32Array.from([...prefix, v]);
    if (endsMidCharacter(z)) return textSoFar(z) && isValid(enc, vocab, next, depth + 1);
    return key(enc.encodeOrdinary(dec.decode(z))) === key(next);
  });
}

function isCover(enc: Encoding, vocab: (Uint8Array | undefined)[], x: Uint8Array, t: Uint32Array): boolean {
  const head = enc.decodeBytes(t.subarray(0, t.length - 1));
  const all = enc.decodeBytes(t);
  return head.length < x.length && startsWith(x, head) && startsWith(all, x) && isValid(enc, vocab, t);
}

/**
 * The cover a token sequence ending inside a character stands for: the encoding of y (its bytes)
 * ++ the bytes of tokens completing the character, without them, for the first such tokens of
 * the whole vocabulary (id order; completions ending on a character boundary before those that
 * end inside one again, up to 2 tokens) whose encoding ends with chain ++ them.
 */
function witness(enc: Encoding, vocab: (Uint8Array | undefined)[], y: Uint8Array, chain: number[]): Uint32Array | undefined {
  const deeper: number[] = [];
  for (let v = 0; v < vocab.length; v++) {
    const vb = vocab[v];
    if (!vb || (vb[0]! & 0xc0) !== 0x80) continue;
    const z = new Uint8Array([...y, ...vb]);
    if (endsMidCharacter(z)) {
      deeper.push(v);
      continue;
    }
    const c = enc.encodeOrdinary(dec.decode(z));
    if (key(c.subarray(c.length - chain.length - 1)) === key([...chain, v])) return c.subarray(0, c.length - chain.length);
  }
  if (chain.length >= 2) return undefined;
  for (const v of deeper) {
    const z = new Uint8Array([...y, ...vocab[v]!]);
    if (!textSoFar(z)) continue;
    const c = witness(enc, vocab, z, [...chain, v]);
    if (c) return c;
  }
  return undefined;
}

/**
 * Brute force: every token of the vocabulary as the last token, at every start in x; one that
 * ends inside a character with the witness above.
 */
function bruteCovers(enc: Encoding, x: Uint8Array, vocab: (Uint8Array | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (let j = 0; j < x.length; j++) {
    const rest = x.subarray(j);
    vocab.forEach((tb, id) => {
      if (!tb || !startsWith(tb, rest)) return;
      const y = new Uint8Array([...x.subarray(0, j), ...tb]);
      if (!endsMidCharacter(y)) {
        const c = enc.encodeOrdinary(dec.decode(y));
        if (c[c.length - 1] === id) out.add(key(c));
        return;
      }
      if (!textSoFar(y)) return;
      const c = witness(enc, vocab, y, [id]);
      if (c) out.add(key(c));
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
    const vocab = vocabOf(enc);
    for (const s of ["Hello wor", "x = fo", "日本", " ", "12"]) {
      const x = utf8.encode(s);
      const got = [...enc.coverEncodings(x)];
      for (const t of got) expect(isCover(enc, vocab, x, t), `${s}: ${key(t)}`).toBe(true);
      expect(new Set(got.map(key))).toEqual(bruteCovers(enc, x, vocab));
    }
  });

  it("the lemma's partition: the encoding of any text starting with x begins with exactly one cover", () => {
    // Random graphemes of every script: o200k_base spells many characters with a token that ends
    // inside them (" ឃ" is " \xe1\x9e", "\x83"), so x is often covered by such a token.
    const scripts = fc.constantFrom("a", "ឃ", "ក", "ा", "क", "ж", "中", "日本", "😀", "é", " ", "\n", "1", ".", "ы", "ไ", "ന", "ᐁ", "ꙮ");
    const mixed = fc.array(fc.oneof(scripts, fc.string({ unit: "grapheme", maxLength: 2 })), { maxLength: 6 }).map((a) => a.join(""));
    fc.assert(
      fc.property(fc.oneof(mixed, fc.string({ unit: "grapheme", maxLength: 12 })), mixed, (xs, more) => {
        fc.pre(xs.length > 0);
        const x = utf8.encode(xs);
        const ids = enc.encodeOrdinary(xs + more);
        let k = 0;
        let bytes = 0;
        while (bytes < x.length) bytes += enc.tokenBytes(ids[k++]!).length;
        const covers = [...enc.coverEncodings(x)].map(key);
        expect(covers.filter((c) => c === key(ids.subarray(0, k))).length, `${JSON.stringify(xs)} + ${JSON.stringify(more)}`).toBe(1);
      }),
      { numRuns: 80 },
    );
  });

  it("the partition where the covering token ends inside a character (x cut inside that token, often mid-character)", () => {
    const blocks: [number, number][] = [[0x1780, 0x17ff], [0x0900, 0x097f], [0x0400, 0x04ff], [0x1000, 0x109f], [0x1200, 0x137f], [0x0b80, 0x0bff], [0x10a0, 0x10ff], [0x0e00, 0x0e7f], [0x1f300, 0x1f64f], [0x4e00, 0x9fff], [0xac00, 0xd7a3]];
    const ch = fc.oneof(...blocks.map(([a, b]) => fc.integer({ min: a, max: b }).map((c) => String.fromCodePoint(c))), fc.constantFrom(" ", "a", "\n", "."));
    const text = fc.array(ch, { minLength: 1, maxLength: 10 }).map((a) => a.join(""));
    for (const e of [enc, getEncodingSync("cl100k_base")]) {
      let checked = 0;
      fc.assert(
        fc.property(text, fc.nat(), fc.nat(), (s, pick, cutAt) => {
          const all = utf8.encode(s);
          const ids = e.encodeOrdinary(s);
          const ends: number[] = [];
          let b = 0;
          for (const id of ids) ends.push((b += e.tokenBytes(id).length));
          const inside = ends.flatMap((end, i) => (end < all.length && (all[end]! & 0xc0) === 0x80 ? [i] : []));
          fc.pre(inside.length > 0);
          const i = inside[pick % inside.length]!;
          const start = i === 0 ? 0 : ends[i - 1]!;
          const x = all.subarray(0, start + 1 + (cutAt % (ends[i]! - start)));
          const covers = [...e.coverEncodings(x)].map(key);
          expect(covers.filter((c) => c === key(ids.subarray(0, i + 1))).length, `${e.name} ${JSON.stringify(s)} cut at ${x.length}`).toBe(1);
          checked++;
        }),
        { numRuns: 40 },
      );
      expect(checked).toBeGreaterThan(20);
    }
  });

  it("a cover may end inside a character: [\" \\xe1\\x9e\"] (of \" ឃ\") is a cover of \" \" and of the bytes \" \\xe1\"", () => {
    const ids = enc.encodeOrdinary(" ឃ");
    expect(Array.from(enc.tokenBytes(ids[0]!))).toEqual([0x20, 0xe1, 0x9e]);
    const first = key(ids.subarray(0, 1));
    expect([...enc.coverEncodings(" ")].map(key)).toContain(first);
    const partial = new Uint8Array([0x20, 0xe1]);
    const covers = [...enc.coverEncodings(partial)];
    expect(covers.map(key)).toContain(first);
    // each is valid: tokens completing its last character make the encoding of a text
    for (const t of covers) {
      const all = enc.decodeBytes(t);
      expect(startsWith(all, partial)).toBe(true);
      expect(enc.decodeBytes(t.subarray(0, t.length - 1)).length).toBeLessThan(partial.length);
    }
    const vocab = vocabOf(enc);
    for (const t of covers) expect(isCover(enc, vocab, partial, t), key(t)).toBe(true);
    expect(new Set(covers.map(key))).toEqual(bruteCovers(enc, partial, vocab));
  });

  it("long prefixes: the head before a safe cut is encoded once; limit; errors", () => {
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(40) + "Hello wor";
    const covers = [...enc.coverEncodings(text, { limit: 10 })];
    expect(covers.length).toBe(10);
    const vocab = vocabOf(enc);
    for (const t of covers) expect(isCover(enc, vocab, utf8.encode(text), t)).toBe(true);
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
