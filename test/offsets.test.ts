// Offsets for the OpenAI encodings: encodeWithOffsets (UTF-16 [start, end) of each token in the
// input) and decodeWithOffsets (tiktoken's decode_with_offsets), both engines, against
// computations made here independently of src/text/utf16-position.ts and the WASM core.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidTokenIdError } from "../src/index.js";
import { ENGINES, load } from "./helpers/reference.js";

const utf8 = new TextEncoder();

/**
 * For each UTF-8 byte of `text` (lone surrogates as U+FFFD, as encode reads them): the UTF-16
 * start and end of the character it belongs to.
 */
function charSpans(text: string): { start: number[]; end: number[] } {
  const start: number[] = [];
  const end: number[] = [];
  let unit = 0;
  for (const ch of text) {
    const w = ch.length;
    const bytes = utf8.encode(ch).length; // a lone surrogate encodes as U+FFFD: 3 bytes, 1 unit
    for (let k = 0; k < bytes; k++) {
      start.push(unit);
      end.push(unit + w);
    }
    unit += w;
  }
  return { start, end };
}

/** [start, end) per token by the convention: the characters holding its first and last byte. */
function expectedSpans(enc: ReturnType<typeof load>, text: string, ids: Uint32Array): number[] {
  const { start, end } = charSpans(text);
  const out: number[] = [];
  let b = 0;
  for (const id of ids) {
    const n = enc.tokenBytes(id).length;
    out.push(start[b]!, end[b + n - 1]!);
    b += n;
  }
  return out;
}

/** tiktoken's decode_with_offsets (tiktoken/core.py), in code points, as it computes them. */
function tiktokenOffsets(tokenBytes: Uint8Array[]): number[] {
  let textLen = 0;
  const offsets: number[] = [];
  for (const token of tokenBytes) {
    offsets.push(Math.max(0, textLen - (token[0]! >= 0x80 && token[0]! < 0xc0 ? 1 : 0)));
    for (const c of token) if (!(c >= 0x80 && c < 0xc0)) textLen++;
  }
  return offsets;
}

/** Code point index → UTF-16 index in `text`. */
function cpToUnit(text: string): number[] {
  const map: number[] = [];
  let unit = 0;
  for (const ch of text) {
    map.push(unit);
    unit += ch.length;
  }
  map.push(unit);
  return map;
}

const SAMPLES = [
  "hello world",
  "🦜 parrots 🦜🦜 and 👨‍👩‍👧 families",
  "日本語のテキストと中文文本",
  "naïve café — “quotes” … ﬁ",
  "\ud800 lone \udc00 surrogates \ud83d",
  "\ufeffBOM first",
  "a\r\n\tb   c\n\n\nd",
  "Ünïcödé ñ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 ",
];

const textArb = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.constantFrom("🦜", "é", "日本", " ", "\n", "a", "xyz", "\ud800", "𝔘", "٣", "ö"), { maxLength: 30 }).map((a) => a.join("")),
);

for (const engine of ENGINES) {
  describe(`encodeWithOffsets (${engine})`, () => {
    for (const name of ["o200k_base", "cl100k_base", "r50k_base"]) {
      const enc = load(name, engine);

      it(`${name}: ids are encode's, spans are the characters holding each token's first and last byte`, () => {
        for (const text of SAMPLES) {
          const { ids, offsets } = enc.encodeWithOffsets(text);
          expect(Array.from(ids)).toEqual(Array.from(enc.encode(text)));
          expect(Array.from(offsets)).toEqual(expectedSpans(enc, text, ids));
        }
        fc.assert(
          fc.property(textArb, (text) => {
            const { ids, offsets } = enc.encodeWithOffsets(text);
            expect(Array.from(offsets)).toEqual(expectedSpans(enc, text, ids));
          }),
          { numRuns: 150 },
        );
      });
    }

    const enc = load("o200k_base", engine);

    it("a token that holds part of a character gets the whole character's span", () => {
      const { ids, offsets } = enc.encodeWithOffsets("🦜");
      expect(Array.from(ids)).toEqual([4103, 99, 250]);
      expect(Array.from(offsets)).toEqual([0, 2, 0, 2, 0, 2]);
      const r = enc.encodeWithOffsets("hello world");
      expect(Array.from(r.offsets)).toEqual([0, 5, 5, 11]);
    });

    it("whole-character tokens slice back to their own text", () => {
      const text = "The quick brown fox — naïve café, 日本語 text.\n  code(x) { return 1; }";
      const { ids, offsets } = enc.encodeWithOffsets(text);
      const dec = new TextDecoder("utf-8", { fatal: true });
      for (let i = 0; i < ids.length; i++) {
        let own: string | undefined;
        try {
          own = dec.decode(enc.tokenBytes(ids[i]!));
        } catch {
          continue; // part of a character
        }
        expect(text.slice(offsets[2 * i]!, offsets[2 * i + 1]!)).toBe(own);
      }
    });

    it("special tokens allowed: their own span; options as encode's", () => {
      const text = "a<|endoftext|>b";
      const { ids, offsets } = enc.encodeWithOffsets(text, { allowedSpecial: "all" });
      expect(Array.from(ids)).toEqual(Array.from(enc.encode(text, { allowedSpecial: "all" })));
      expect(Array.from(offsets)).toEqual([0, 1, 1, 14, 14, 15]);
      expect(() => enc.encodeWithOffsets(text)).toThrow(/special token/);
      expect(() => enc.encodeWithOffsets(42 as unknown as string)).toThrow(/string/);
    });

    it("a text longer than the WASM arena's batch (offsets in several core calls)", () => {
      const unit = "naïve 🦜 café 日本語 the quick brown fox\n";
      const text = unit.repeat(8_000); // ~0.35 MB, ~100 K tokens: more than one batch of ids
      const { ids, offsets } = enc.encodeWithOffsets(text);
      expect(ids.length).toBeGreaterThan(70_000);
      expect(Array.from(offsets)).toEqual(expectedSpans(enc, text, ids));
    });
  });

  describe(`decodeWithOffsets (${engine})`, () => {
    const enc = load("o200k_base", engine);

    it("tiktoken's docstring example and its formula on well-formed text (code points → UTF-16)", () => {
      expect(enc.decodeWithOffsets([24912, 2375])).toEqual({ text: "hello world", offsets: Uint32Array.of(0, 5) });
      const r50k = load("r50k_base", engine);
      // tiktoken: enc.decode_with_offsets([31373, 995]) == ('hello world', [0, 5]) (gpt2)
      expect(r50k.decodeWithOffsets([31373, 995])).toEqual({ text: "hello world", offsets: Uint32Array.of(0, 5) });
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
          const ids = enc.encode(text);
          const got = enc.decodeWithOffsets(ids);
          expect(got.text).toBe(enc.decode(ids));
          const map = cpToUnit(got.text);
          const want = tiktokenOffsets(Array.from(ids, (id) => enc.tokenBytes(id))).map((cp) => map[cp]!);
          expect(Array.from(got.offsets)).toEqual(want);
        }),
        { numRuns: 200 },
      );
    });

    it("any ids (ill-formed UTF-8 too): offsets into decode's text, where the character holding each first byte starts", () => {
      // Independent: stream-decode the bytes before each token; the token starts there unless the
      // bytes held back (an unfinished character) cannot be continued by its first byte, which
      // makes them one U+FFFD first.
      const expected = (ids: number[]): number[] => {
        const out: number[] = [];
        const sd = new TextDecoder("utf-8", { ignoreBOM: true });
        let len = 0;
        let held: number[] = [];
        for (const id of ids) {
          const b = enc.decodeBytes([id]);
          let start = len;
          if (held.length > 0) {
            try {
              new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from([...held, b[0]!]), { stream: true });
            } catch {
              start = len + 1; // the held bytes became U+FFFD
            }
          }
          out.push(start);
          len += sd.decode(b, { stream: true }).length;
          // bytes still held: what a fresh decoder keeps of the bytes so far (at most 3)
          held = [];
          const all = enc.decodeBytes(ids.slice(0, out.length));
          for (let k = Math.max(0, all.length - 3); k < all.length; k++) {
            const tail = all.subarray(k);
            const t = new TextDecoder("utf-8").decode(tail, { stream: true });
            if (t.length === 0 && tail.length > 0) {
              held = Array.from(tail);
              break;
            }
          }
        }
        return out;
      };
      const idArb = fc.array(
        fc.oneof(fc.constantFrom(4103, 99, 250, 24912, 2375, 0, 1, 127, 128, 191, 192, 255, 199999), fc.integer({ min: 0, max: 199_997 })),
        { maxLength: 24 },
      );
      fc.assert(
        fc.property(idArb, (ids) => {
          const got = enc.decodeWithOffsets(ids);
          expect(got.text).toBe(enc.decode(ids));
          expect(Array.from(got.offsets)).toEqual(expected(ids));
        }),
        { numRuns: 300 },
      );
    });

    it("bad ids: InvalidTokenIdError with the position", () => {
      expect(() => enc.decodeWithOffsets([24912, 300_000])).toThrow(InvalidTokenIdError);
      try {
        enc.decodeWithOffsets([24912, 2375, -1]);
      } catch (e) {
        expect((e as InvalidTokenIdError).position).toBe(2);
      }
      expect(() => enc.decodeWithOffsets("abc" as unknown as number[])).toThrow(/array/);
    });
  });
}
