// Token healing (arXiv 2403.08688) and the prefix index (assembly/openai/prefix.ts, and its
// TypeScript twin for the JS engine): every answer against a brute-force scan of the vocabulary.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getEncodingSync, InvalidArgumentError, DisallowedSpecialTokenError, type Encoding } from "../src/index.js";

const ENGINES = ["wasm", "js"] as const;
const NAMES = ["o200k_base", "cl100k_base"] as const;

/** Every ordinary token's bytes, by id (undefined for specials and holes). */
const vocabCache = new Map<string, (Uint8Array | undefined)[]>();
function vocabOf(enc: Encoding): (Uint8Array | undefined)[] {
  let v = vocabCache.get(enc.name);
  if (v) return v;
  const specials = new Set(Object.values(enc.specialTokens));
  v = [];
  for (let id = 0; id < enc.nVocab; id++) v.push(!specials.has(id) && enc.isValidId(id) ? enc.tokenBytes(id) : undefined);
  vocabCache.set(enc.name, v);
  return v;
}

const startsWith = (t: Uint8Array, p: Uint8Array): boolean => t.length >= p.length && p.every((b, i) => t[i] === b);

function brute(enc: Encoding, p: Uint8Array, consistent: boolean): number[] {
  const out: number[] = [];
  const v = vocabOf(enc);
  const p0 = p[0];
  for (let id = 0; id < v.length; id++) {
    const t = v[id];
    if (!t || (p0 !== undefined && t[0] !== p0)) continue;
    if (startsWith(t, p) || (consistent && t.length < p.length && startsWith(p, t))) out.push(id);
  }
  return out;
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toMask(ids: number[], nVocab: number): Uint32Array {
  const m = new Uint32Array((nVocab + 31) >>> 5);
  for (const id of ids) m[id >>> 5]! |= 1 << (id & 31);
  return m;
}

const utf8 = new TextEncoder();
const SAMPLE = "Hello world! The quick brown fox — ça va? 日本語のテキスト 🦜 const x = 42;\n\treturn x;";

describe.each(NAMES)("%s prefix index", (name) => {
  it("both engines: tokensWithPrefix / tokensConsistentWith / masks = brute force", () => {
    const encs = ENGINES.map((engine) => getEncodingSync(name, { engine }));
    // prefixes from real text (any byte offset, 1..6 bytes), and random bytes
    const bytes = utf8.encode(SAMPLE);
    const cases: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0xff), Uint8Array.of(0xf0, 0x9f), utf8.encode(" the"), new Uint8Array(300).fill(32)];
    for (let i = 0; i < bytes.length; i += 5) cases.push(bytes.subarray(i, i + 1 + (i % 6)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4 }), (p) => void cases.push(p)), { numRuns: 8 });
    for (const p of cases) {
      for (const consistent of [false, true]) {
        const want = brute(encs[0]!, p, consistent);
        for (const enc of encs) {
        const got = consistent ? enc.tokensConsistentWith(p) : enc.tokensWithPrefix(p);
        expect(same(got, want), `${enc.engine} ${consistent} [${p}]`).toBe(true);
        const mask = consistent ? enc.tokensConsistentWith(p, { mask: true }) : enc.tokensWithPrefix(p, { mask: true });
        expect(mask.length).toBe(Math.ceil(enc.nVocab / 32));
        expect(same(mask, toMask(want, enc.nVocab))).toBe(true);
        }
      }
    }
  });

  it("a string prefix is its UTF-8", () => {
    const enc = getEncodingSync(name);
    expect(enc.tokensWithPrefix(" wor")).toEqual(enc.tokensWithPrefix(utf8.encode(" wor")));
  });
});

describe("heal (arXiv 2403.08688 §3)", () => {
  it.each(ENGINES)("%s engine: ids ++ prefix spell the text, for every backtrack depth", (engine) => {
    for (const name of NAMES) {
      const enc = getEncodingSync(name, { engine });
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), fc.nat({ max: 12 }), (text, backtrack) => {
          const all = enc.encode(text, { disallowedSpecial: [] });
          const { ids, prefix } = enc.heal(text, { backtrack, disallowedSpecial: [] });
          expect(ids.length).toBe(Math.max(0, all.length - backtrack));
          expect([...ids]).toEqual([...all.subarray(0, ids.length)]);
          const joined = new Uint8Array([...enc.decodeBytes(ids), ...prefix]);
          expect(joined).toEqual(utf8.encode(text));
          // the removed tokens are consistent with the prefix: the first one starts it
          if (prefix.length > 0) expect(enc.tokensConsistentWith(prefix)).toContain(all[ids.length]);
        }),
        { numRuns: 40 },
      );
    }
  });

  it("the documented example, special tokens, errors", () => {
    const enc = getEncodingSync("o200k_base");
    const h = enc.heal("https://");
    expect(enc.decode(h.ids)).toBe("https");
    expect(new TextDecoder().decode(h.prefix)).toBe("://");
    expect(enc.heal("x", { backtrack: 0 }).prefix.length).toBe(0);
    // a special token is never taken back
    const s = enc.heal("a<|endoftext|>", { backtrack: 3, allowedSpecial: "all" });
    expect(enc.decode(s.ids)).toBe("a<|endoftext|>");
    expect(s.prefix.length).toBe(0);
    expect(() => enc.heal("<|endoftext|>")).toThrow(DisallowedSpecialTokenError);
    expect(() => enc.heal("x", { backtrack: -1 })).toThrow(InvalidArgumentError);
    expect(() => enc.heal("x", { backtrack: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => enc.tokensWithPrefix(42 as never)).toThrow(InvalidArgumentError);
    expect(() => enc.tokensWithPrefix("a", { mask: "yes" as never })).toThrow(InvalidArgumentError);
  });

  it("the index does not disturb encoding (it moves the WASM arena)", () => {
    const enc = getEncodingSync("cl100k_base");
    const text = "Some text to encode before and after the index is built. ".repeat(5000);
    const before = enc.encode(text);
    enc.tokensWithPrefix("abc");
    expect(enc.encode(text)).toEqual(before);
    expect(enc.decode(before)).toBe(text);
  });
});
