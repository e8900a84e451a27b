// decode(ids) is exactly `new TextDecoder("utf-8", { ignoreBOM: true })` over the ids' bytes
// (tiktoken's decode bytes), whatever the bytes and wherever the WASM engine cuts them: it
// converts a chunk at a time, ASCII through latin1 and the rest through its own UTF-8 → UTF-16
// transcoder (assembly/shared/utf16.ts), and keeps the bytes of a character cut by a chunk's end for
// the next chunk. So: invalid sequences (one U+FFFD per maximal subpart), characters split
// between tokens, between chunks, and by special tokens, and unfinished characters at the end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Encoding } from "../src/index.js";
import { load, reference } from "./helpers/reference.js";

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The engine under an Encoding (not public API): its decodeText takes any bytes for ids it cannot decode. */
interface Core {
  inCap: number;
  decodeText(ids: ArrayLike<number>, other: (id: number, position: number) => Uint8Array): string;
}
const coreOf = (enc: Encoding) => (enc as unknown as { core: Core }).core;

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const bytes = (...parts: (number[] | string)[]) =>
  concat(parts.map((p) => (typeof p === "string" ? new TextEncoder().encode(p) : Uint8Array.from(p))));
const hex = (pieces: Uint8Array[]) => pieces.map((p) => Buffer.from(p).toString("hex")).join("|");

// Bytes where UTF-8's rules change: ASCII, the ends of the continuation ranges (80 8F 90 9F A0
// BF), leads that are never valid (C0 C1 F5–FF), and the leads with a narrower second byte.
const INTERESTING = [
  0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0,
  0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff,
];

describe("WASM decode of arbitrary bytes (through the engine's path for bytes of ids it does not own)", () => {
  const core = coreOf(load("o200k_base", "wasm"));
  const NOT_A_TOKEN = 0xffffff00;
  /** The engine's text of `pieces` handed over one by one, each as the bytes of a non-ordinary id. */
  const viaEngine = (pieces: Uint8Array[]) => core.decodeText(pieces.map(() => NOT_A_TOKEN), (_id, position) => pieces[position]!);
  const check = (pieces: Uint8Array[]) => {
    const want = utf8.decode(concat(pieces));
    const got = viaEngine(pieces);
    if (got !== want) expect(`${hex(pieces)} → ${JSON.stringify(got)}`).toBe(`${hex(pieces)} → ${JSON.stringify(want)}`);
  };
  // contexts that reach each loop of the transcoder: none, ASCII, runs of 2-, 3- and 4-byte characters
  const CONTEXTS = ["", "plain ascii text ", "абвгдежзий", "日本語のテキスト", "😀😁😂🤣"];

  it("every sequence of 1–3 interesting bytes, in each context, whole and cut after each byte", () => {
    for (const a of INTERESTING) {
      check([Uint8Array.of(a)]);
      for (const b of INTERESTING) {
        check([Uint8Array.of(a, b)]);
        check([Uint8Array.of(a), Uint8Array.of(b)]);
        for (const c of INTERESTING) {
          const seq = Uint8Array.of(a, b, c);
          check([seq.subarray(0, 1), seq.subarray(1, 2), seq.subarray(2)]);
          for (const before of CONTEXTS) {
            const at = new TextEncoder().encode(before).length;
            for (const after of CONTEXTS) {
              const whole = bytes(before, [a, b, c], after);
              check([whole]);
              check([whole.subarray(0, at + 1), whole.subarray(at + 1)]);
              check([whole.subarray(0, at + 2), whole.subarray(at + 2)]);
            }
          }
        }
      }
    }
  });

  it("every 4-byte sequence of bytes that can start or continue one, whole and cut", () => {
    const FOUR = [0x41, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf1, 0xf4, 0xf5];
    for (const a of FOUR)
      for (const b of FOUR)
        for (const c of FOUR)
          for (const d of FOUR) {
            const whole = bytes("ascii before ", [a, b, c, d], " and after it");
            check([whole]);
            for (let cut = 13; cut <= 17; cut++) check([whole.subarray(0, cut), whole.subarray(cut)]);
          }
  });

  it("random bytes in random pieces (property-based)", () => {
    const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x20, 0x61));
    const piece = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.array(byte, { maxLength: 40 }).map((a) => Uint8Array.from(a)));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => check(pieces)),
      { numRuns: 5000 },
    );
  });

  it("keeps a leading U+FEFF, also when it is split", () => {
    check([Uint8Array.of(0xef, 0xbb, 0xbf, 0x41)]);
    check([Uint8Array.of(0xef), Uint8Array.of(0xbb, 0xbf, 0x41)]);
    check([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf, 0xef, 0xbb, 0xbf)]);
  });
});

describe.each(["cl100k_base", "o200k_base"])("%s", (name) => {
  describe.each(["wasm", "js"] as const)("%s engine", (engine) => {
    const enc = load(name, engine);
    const ref = reference(name);
    const specials = Object.values(enc.specialTokens);
    // Tokens whose bytes are not valid UTF-8 on their own (pieces of characters), the tokens of
    // single bytes, and ASCII tokens.
    const partial: number[] = [];
    const byteToken: number[] = [];
    const ascii: number[] = [];
    for (let id = 0; id < enc.nVocab; id++) {
      if (!enc.isValidId(id) || specials.includes(id)) continue;
      const b = enc.tokenBytes(id);
      if (b.length === 1) byteToken[b[0]!] = id;
      if (b.every((x) => x < 0x80)) ascii.push(id);
      try {
        strict.decode(b);
      } catch {
        partial.push(id);
      }
    }
    const want = (ids: ArrayLike<number>) => utf8.decode(ref.decode(Uint32Array.from(ids)));

    it("has tokens that are pieces of characters to test with", () => {
      expect(partial.length).toBeGreaterThan(500);
    });

    it("decodes pieces of characters, invalid joins, ASCII and special tokens like TextDecoder over tiktoken's bytes (property-based)", () => {
      const id = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...partial) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: enc.nVocab - 1 }).filter((x) => enc.isValidId(x)) },
        { weight: 2, arbitrary: fc.constantFrom(...ascii.slice(0, 2000)) },
        { weight: 1, arbitrary: fc.constantFrom(...specials) },
        { weight: 2, arbitrary: fc.constantFrom(...INTERESTING.map((b) => byteToken[b]!)) },
      );
      fc.assert(
        fc.property(fc.array(id, { maxLength: 60 }), (ids) => {
          const expected = want(ids);
          expect(enc.decode(ids)).toBe(expected);
          expect(enc.decode(Uint32Array.from(ids))).toBe(expected);
        }),
        { numRuns: 3000 },
      );
    });

    it("decodes long sequences of random ids, pieces of characters and specials across many chunks", () => {
      let seed = 99;
      const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
      for (const length of [5_000, 150_000]) {
        const ids = new Uint32Array(length);
        for (let i = 0; i < length; i++) {
          const r = rand(10);
          const id = r < 4 ? partial[rand(partial.length)]! : r < 8 ? ascii[rand(ascii.length)]! : r < 9 ? specials[rand(specials.length)]! : rand(enc.nVocab);
          ids[i] = enc.isValidId(id) ? id : ascii[0]!;
        }
        const expected = want(ids);
        expect(enc.decode(ids) === expected).toBe(true);
        expect(enc.decode(Array.from(ids)) === expected).toBe(true);
      }
    });

    // Where the WASM engine ends a chunk: after inCap/4 ids (a batch), or before a token that does
    // not fit in the inCap-byte arena. Characters (whole and broken) are placed across both kinds
    // of end at every offset, followed by their rest, by ASCII, by a special token, or by nothing.
    it("decodes characters cut exactly at the ends of chunks", () => {
      const inCap = engine === "wasm" ? coreOf(enc).inCap : 1 << 17;
      const x = byteToken[0x78]!;
      const eight = ascii.find((id) => enc.tokenBytes(id).length === 8)!;
      const asciiIds = (n: number, wide: boolean) => {
        const ids: number[] = [];
        if (wide) for (; n >= 8; n -= 8) ids.push(eight);
        for (; n > 0; n--) ids.push(x);
        return ids;
      };
      const eot = specials[0]!;
      const cases: number[][] = [
        [0xe2, 0x82, 0xac, 0x78], // €x
        [0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9], // 😀é
        [0xc3, 0xa9, 0xc3],
        [0xe2, 0x82, 0x78], // unfinished, then ASCII
        [0xe2, 0x82, 0xe2, 0x82, 0xac], // unfinished, then a whole one
        [0xf0, 0x9f, 0x98], // unfinished at the very end
        [0xe0, 0x80, 0x80], // E0 needs A0–BF next
        [0xed, 0xa0, 0x80], // a surrogate
        [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
        [0xc0, 0x80, 0x80, 0x80],
        [0xef, 0xbb, 0xbf, 0x78], // U+FEFF
      ];
      const around: ((head: number[], rest: number[]) => number[])[] = [
        (head, rest) => [...head, ...rest],
        (head, rest) => [...head, ...rest, x, x],
        (head, rest) => [...head, eot, ...rest],
        (head, rest) => [...head, eot, x, ...rest],
        (head, rest) => [...head, ...rest, byteToken[0xa9]!, x],
      ];
      for (const wide of [false, true]) {
        const boundary = wide ? inCap : inCap >>> 2;
        for (const seq of cases) {
          const tail = seq.map((b) => byteToken[b]!);
          for (let cut = 0; cut <= seq.length; cut++) {
            for (const make of around) {
              const ids = make([...asciiIds(boundary - cut, wide), ...tail.slice(0, cut)], tail.slice(cut));
              const expected = want(ids);
              const got = enc.decode(Uint32Array.from(ids));
              if (got !== expected) expect(JSON.stringify(got.slice(-12))).toBe(JSON.stringify(expected.slice(-12)));
              expect(enc.decode(ids) === expected).toBe(true);
            }
          }
        }
      }
    });
  });
});
