// The public API: special-token semantics (checked against tiktoken), decode errors, loading
// errors, custom encodings, counting and limits.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DisallowedSpecialTokenError,
  InvalidArgumentError,
  InvalidTokenIdError,
  UnknownEncodingError,
  UnknownModelError,
  VocabFormatError,
  createEncoding,
  encodingForModel,
  getEncoding,
  getEncodingSync,
  listEncodings,
  parseTiktokenFile,
} from "../src/index.js";
import { ENGINES, load, reference } from "./helpers/reference.js";

describe.each(ENGINES)("%s engine", (engine) => {
  const enc = load("cl100k_base", engine);
  const ref = reference("cl100k_base");
  const text = "hi <|endoftext|> there <|fim_prefix|>x<|endofprompt|>";

  it("has tiktoken's metadata", () => {
    expect(enc.name).toBe("cl100k_base");
    expect(enc.nVocab).toBe(100277);
    expect(enc.specialTokens["<|endoftext|>"]).toBe(100257);
    expect(load("o200k_base", engine).nVocab).toBe(200019);
    expect(load("r50k_base", engine).nVocab).toBe(50257);
    expect(load("p50k_edit", engine).nVocab).toBe(50284);
    expect(load("o200k_harmony", engine).nVocab).toBe(201088);
    expect(load("gpt2", engine).name).toBe("gpt2");
  });

  it("rejects disallowed special tokens by default, naming the token and its index", () => {
    expect(() => enc.encode(text)).toThrow(DisallowedSpecialTokenError);
    try {
      enc.encode(text);
    } catch (e) {
      expect((e as DisallowedSpecialTokenError).token).toBe("<|endoftext|>");
      expect((e as DisallowedSpecialTokenError).index).toBe(3);
      expect(String(e)).toContain("<|endoftext|>");
    }
    expect(() => enc.count(text)).toThrow(DisallowedSpecialTokenError);
  });

  it("follows tiktoken for allowedSpecial / disallowedSpecial combinations", () => {
    const cases: Array<[object, string[] | "all", string[] | "all"]> = [
      [{ allowedSpecial: "all" }, "all", []],
      [{ disallowedSpecial: [] }, [], []],
      [{ allowedSpecial: ["<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>"] }, ["<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>"], "all"],
      [{ allowedSpecial: new Set(["<|endoftext|>"]), disallowedSpecial: [] }, ["<|endoftext|>"], []],
    ];
    for (const [opts, allowed, disallowed] of cases) {
      const expected = Array.from(ref.encode(text, allowed, disallowed));
      expect(Array.from(enc.encode(text, opts)), JSON.stringify(opts)).toEqual(expected);
      expect(enc.count(text, opts)).toBe(expected.length);
    }
    expect(() => enc.encode(text, { allowedSpecial: ["<|endoftext|>"] })).toThrow(/fim_prefix/);
    expect(() => enc.encode("a <|fim_middle|>", { disallowedSpecial: ["<|fim_middle|>"] })).toThrow(DisallowedSpecialTokenError);
    expect(() => enc.encode("x", { allowedSpecial: "none" as never })).toThrow(InvalidArgumentError);
  });

  it("encodeOrdinary treats special-token text as text", () => {
    expect(Array.from(enc.encodeOrdinary(text))).toEqual(Array.from(ref.encode_ordinary(text)));
    expect(enc.decode(enc.encodeOrdinary(text))).toBe(text);
  });

  it("finds special tokens of o200k_harmony (1000+ of them) anywhere", () => {
    const h = load("o200k_harmony", engine);
    const ids = Array.from(h.encode("<|start|>user<|message|>hi<|end|><|reserved_200500|>", { allowedSpecial: "all" }));
    expect(ids[0]).toBe(200006);
    expect(ids.at(-1)).toBe(200500);
    expect(h.decode(ids)).toBe("<|start|>user<|message|>hi<|end|><|reserved_200500|>");
    expect(h.decode([200018])).toBe("<|endofprompt|>");
  });

  it("counts without materialising and stops early at a limit", () => {
    const t = "The quick brown fox jumps over the lazy dog. ".repeat(2000);
    const n = enc.encodeOrdinary(t).length;
    expect(enc.count(t)).toBe(n);
    expect(enc.isWithinTokenLimit(t, n)).toBe(n);
    expect(enc.isWithinTokenLimit(t, n - 1)).toBe(false);
    expect(enc.isWithinTokenLimit(t, 10)).toBe(false);
    expect(enc.isWithinTokenLimit("", 0)).toBe(0);
    expect(enc.isWithinTokenLimit("hello", 5)).toBe(1);
    expect(() => enc.isWithinTokenLimit("x", -1)).toThrow(InvalidArgumentError);
  });

  it("decode raises a typed error naming the bad id and its position", () => {
    for (const [ids, bad, pos] of [
      [[9906, -1], -1, 1],
      [[1.5], 1.5, 0],
      [[0, 1, 100256], 100256, 2], // a hole between ranks and special tokens
      [[100277], 100277, 0],
      [[NaN], NaN, 0],
      [[0, 2 ** 40], 2 ** 40, 1],
    ] as Array<[number[], number, number]>) {
      let err: unknown;
      try {
        enc.decode(ids);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidTokenIdError);
      expect((err as InvalidTokenIdError).position).toBe(pos);
      expect(String(err)).toContain(String(bad));
      expect(String(err)).toContain(`position ${pos}`);
    }
    expect(() => enc.decode(null as never)).toThrow(InvalidArgumentError);
    expect(() => enc.encode(42 as never)).toThrow(InvalidArgumentError);
  });

  it("decodes long id sequences mixing specials, ASCII and other scripts, as plain arrays and typed arrays", () => {
    const parts = ["hello ", "<|endoftext|>", "日本語 ", "x".repeat(50), "<|fim_prefix|>", "ünïcödé\n"];
    let text = "";
    for (let i = 0; i < 20000; i++) text += parts[(i * 7) % parts.length];
    const ids = enc.encode(text, { allowedSpecial: "all" });
    expect(Array.from(ids)).toEqual(Array.from(ref.encode(text, "all")));
    expect(enc.decode(ids)).toBe(text);
    expect(enc.decode(Array.from(ids))).toBe(text);
    expect(Buffer.from(enc.decodeBytes(ids)).toString()).toBe(text);
    const ascii = "plain ascii text, long enough to span chunks. ".repeat(20000);
    expect(enc.decode(enc.encodeOrdinary(ascii))).toBe(ascii);
    // a bad id deep inside a long typed array is reported at its position
    expect(ids.length).toBeGreaterThan(60000);
    const bad = Uint32Array.from(ids);
    bad[54321] = 100300;
    expect(() => enc.decode(bad)).toThrow(/position 54321/);
    const bad2 = Array.from(ids);
    bad2[49999] = -3;
    expect(() => enc.decodeBytes(bad2)).toThrow(/position 49999/);
    // partial characters decode to U+FFFD in decode and stay exact in decodeBytes
    const emoji = enc.encodeOrdinary("🦜");
    expect(enc.decode(emoji.subarray(0, 1))).toBe("\ufffd");
    expect(Array.from(enc.decodeBytes(emoji.subarray(0, 1)))).toEqual(Array.from(Buffer.from("🦜").subarray(0, enc.tokenBytes(emoji[0]!).length)));
  });

  it("decodes every token alone, and between ASCII tokens, like TextDecoder over its bytes", () => {
    // o200k has 16-byte tokens whose only non-ASCII bytes are in their second half
    // (" administración"): the ASCII test of a decoded chunk once missed those.
    const utf8 = new TextDecoder("utf-8", { ignoreBOM: true }); // decode keeps a leading U+FEFF
    for (const name of ["cl100k_base", "o200k_base"]) {
      const e = load(name, engine);
      const space = e.encodeOrdinary(" ")[0]!;
      const n = e.nVocab;
      for (let id = 0; id < n; id++) {
        if (!e.isValidId(id) || Object.values(e.specialTokens).includes(id)) continue;
        const text = utf8.decode(e.tokenBytes(id));
        if (e.decode([id]) !== text || e.decode([space, id, space]) !== ` ${text} `) {
          expect(`${name} ${id}: ${JSON.stringify(e.decode([id]))}`).toBe(`${name} ${id}: ${JSON.stringify(text)}`);
        }
      }
    }
  });

  it("decode equals TextDecoder over decodeBytes for any ids, across chunk boundaries", () => {
    // Random ordinary ids make arbitrary bytes: characters split between tokens and between the
    // chunks decode converts one at a time, invalid sequences, long ASCII runs before the first
    // non-ASCII byte. Sequences up to 200 K ids span many chunks of the engine's arena.
    const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const asciiIds = Array.from(enc.encodeOrdinary("the quick brown fox jumps over the lazy dog, "));
    for (const [length, asciiLead] of [[10, 0], [1000, 500], [70000, 60000], [200000, 0], [150000, 149990]]) {
      const ids = new Uint32Array(length);
      for (let i = 0; i < length; i++) {
        ids[i] = i < asciiLead ? asciiIds[i % asciiIds.length]! : Math.floor(rand() * 100256);
      }
      const expected = utf8.decode(enc.decodeBytes(ids));
      expect(enc.decode(ids)).toBe(expected);
      expect(enc.decode(Array.from(ids))).toBe(expected);
    }
  });

  it("tokenBytes returns each token's bytes", () => {
    expect(new TextDecoder().decode(enc.tokenBytes(9906))).toBe("Hello");
    expect(Buffer.from(enc.tokenBytes(100257)).toString()).toBe("<|endoftext|>");
    expect(() => enc.tokenBytes(100256)).toThrow(InvalidTokenIdError);
  });

  it("clearCache forgets memoized pieces without changing any result", () => {
    // Words that need merging (the WASM engine caches those), repeated, so a second pass would
    // be served from the cache: after clearCache it must merge again and agree with tiktoken.
    const words = "Здравствуйте, δοκιμή, テスト, quizzically unbelievable überraschend ".repeat(50);
    const expected = Array.from(ref.encode_ordinary(words));
    for (let round = 0; round < 3; round++) {
      expect(Array.from(enc.encodeOrdinary(words))).toEqual(expected);
      expect(enc.count(words, { disallowedSpecial: [] })).toBe(expected.length);
      enc.clearCache();
    }
  });
});

describe("loading", () => {
  it("lists encodings and rejects unknown names with the known list", async () => {
    expect(listEncodings()).toContain("o200k_base");
    expect(() => getEncodingSync("o300k")).toThrow(UnknownEncodingError);
    expect(() => getEncodingSync("o300k")).toThrow(/o200k_base.*cl100k_base/);
    await expect(getEncoding("nope")).rejects.toThrow(UnknownEncodingError);
    expect(() => getEncodingSync("o200k_base", { engine: "fast" as never })).toThrow(InvalidArgumentError);
  });

  it("getEncoding (async) gives the same encoding object as the sync loader", async () => {
    const a = await getEncoding("o200k_base");
    expect(a).toBe(getEncodingSync("o200k_base"));
    expect(a.engine).toBe("wasm");
    expect(Array.from(a.encode("hello world"))).toEqual([24912, 2375]);
  });

  it("accepts the vocab bytes and the wasm bytes from the caller", async () => {
    const vocab = readFileSync(new URL("../vocab/cl100k_base.tkv", import.meta.url));
    const wasm = readFileSync(new URL("../build/tokenmill.wasm", import.meta.url));
    const enc = await getEncoding("cl100k_base", { vocab: new Uint8Array(vocab), wasm });
    expect(Array.from(enc.encode("hello world"))).toEqual([15339, 1917]);
    expect(() => getEncodingSync("cl100k_base", { vocab: new Uint8Array(vocab.subarray(0, 100)) })).toThrow(VocabFormatError);
    expect(() => getEncodingSync("o200k_base", { vocab: new Uint8Array(vocab) })).toThrow(/different ranks/);
  });

  it("a vocab whose token offsets are damaged (header intact) is a VocabFormatError naming the token, both engines", () => {
    // The WASM engine's loader checks only the header in JS; the core checks every offset while
    // it builds its table. The JS engine's loader checks them all in JS.
    const vocab = new Uint8Array(readFileSync(new URL("../vocab/cl100k_base.tkv", import.meta.url)));
    const offsets = new DataView(vocab.buffer, vocab.byteOffset + 44);
    for (const [rank, value] of [[70_000, 1], [99_000, 0xfffffff0]] as const) {
      const bad = vocab.slice();
      new DataView(bad.buffer, 44).setUint32(4 * (rank + 1), value, true);
      expect(offsets.getUint32(4 * (rank + 1), true)).not.toBe(value);
      for (const engine of ["wasm", "js"] as const) {
        const err = (() => {
          try {
            getEncodingSync("cl100k_base", { vocab: bad, engine });
          } catch (e) {
            return e;
          }
        })();
        expect(err, engine).toBeInstanceOf(VocabFormatError);
        expect(String((err as Error).message)).toMatch(engine === "wasm" ? new RegExp(`token ${rank} `) : /offsets decrease at rank/);
      }
    }
  });

  it("maps models to encodings", () => {
    expect(encodingForModel("gpt-4o").name).toBe("o200k_base");
    expect(encodingForModel("gpt-4-0613").name).toBe("cl100k_base");
    expect(() => encodingForModel("llama-3")).toThrow(UnknownModelError);
  });
});

describe("custom encodings", () => {
  const o200kRanks = () => {
    const ref = reference("o200k_base");
    const lines: string[] = [];
    for (let r = 0; r < 199998; r++) lines.push(`${Buffer.from(ref.decode_single_token_bytes(r)).toString("base64")} ${r}`);
    return lines.join("\n") + "\n";
  };

  it("parseTiktokenFile + createEncoding rebuild o200k_base exactly (known pattern → scanner)", () => {
    const ranks = parseTiktokenFile(o200kRanks());
    expect(ranks.size).toBe(199998);
    const base = getEncodingSync("o200k_base");
    const patStr = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    const mine = createEncoding({ name: "my_o200k", patStr, mergeableRanks: ranks, specialTokens: { "<|endoftext|>": 199999 } });
    expect(mine.engine).toBe("wasm");
    const t = "Custom encodings: 日本語, code() {}, <|endoftext|> done.";
    expect(Array.from(mine.encode(t, { allowedSpecial: "all" }))).toEqual(Array.from(base.encode(t, { allowedSpecial: "all" })));
  });

  it("runs an arbitrary pattern with the JS engine", () => {
    const ranks = new Map<Uint8Array, number>();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    ranks.set(new TextEncoder().encode("ab"), 256);
    const enc = createEncoding({ name: "tiny", patStr: "\\w+|\\s+|[^\\w\\s]+", mergeableRanks: ranks, specialTokens: { "[END]": 257 } });
    expect(enc.engine).toBe("js");
    expect(Array.from(enc.encode("abab ba[END]", { allowedSpecial: "all" }))).toEqual([256, 256, 32, 98, 97, 257]);
    expect(enc.nVocab).toBe(258);
  });

  it("a custom vocab with tokens over 255 bytes and 9–13-byte tokens sharing prefixes: both engines follow tiktoken's definition", () => {
    // The WASM table keeps a token's first 12 bytes and min(length, 255) in its slot; longer
    // tokens, and pieces that match those 12 bytes, are told apart by the full comparison.
    const ranks = new Map<Uint8Array, number>();
    const tokens: string[] = [];
    const add = (t: string) => {
      ranks.set(new TextEncoder().encode(t), tokens.length);
      tokens.push(t);
    };
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), tokens.push(String.fromCharCode(b)) - 1);
    for (const n of [2, 4, 8, 9, 10, 11, 12, 13, 16, 32, 64, 128, 255, 256, 300]) add("a".repeat(n));
    add("abcdefghijkl");
    add("abcdefghijklm");
    add("abcdefghijkx");
    // tiktoken by the definition: a piece that is a token is that token; else merge the
    // lowest-ranked adjacent pair, leftmost first, until none is a token
    const rankOf = new Map(tokens.map((t, r) => [t, r]));
    const bpe = (piece: string): number[] => {
      if (rankOf.has(piece)) return [rankOf.get(piece)!];
      let parts = [...piece];
      for (;;) {
        let best = -1;
        let at = -1;
        for (let i = 0; i + 1 < parts.length; i++) {
          const r = rankOf.get(parts[i]! + parts[i + 1]!);
          if (r !== undefined && (best < 0 || r < best)) [best, at] = [r, i];
        }
        if (at < 0) return parts.map((p) => rankOf.get(p)!);
        parts = [...parts.slice(0, at), parts[at]! + parts[at + 1]!, ...parts.slice(at + 2)];
      }
    };
    const patStr = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    const pieces = [255, 256, 257, 270, 299, 300, 301, 600, 9, 12, 13, 14].map((n) => "a".repeat(n));
    pieces.push("abcdefghijkl", "abcdefghijklm", "abcdefghijkx", "abcdefghijky", "abcdefghijklmn", "abcdefghijk");
    for (const engine of ENGINES) {
      const enc = createEncoding({ name: "long", patStr, mergeableRanks: ranks }, { engine });
      for (const piece of pieces) expect(Array.from(enc.encodeOrdinary(piece)), `${engine} ${piece.length}`).toEqual(bpe(piece));
    }
  });

  it("rejects malformed .tiktoken files with the line number", () => {
    expect(() => parseTiktokenFile("YQ== 0\nYg== 1\nnot-base64! 2\n")).toThrow(VocabFormatError);
    expect(() => parseTiktokenFile("YQ== 0\nYg== 1\nnot-base64! 2\n")).toThrow(/line 3/);
    expect(() => parseTiktokenFile("YQ== 0\nYg==\n")).toThrow(/line 2/);
    expect(() => parseTiktokenFile("YQ== 0\nYg== x\n")).toThrow(/line 2/);
    expect(() => parseTiktokenFile("YQ== 0\nYg== 0\n")).toThrow(/line 2.*twice/);
  });

  it("rejects inconsistent custom encodings", () => {
    const ranks = new Map<Uint8Array, number>([[Uint8Array.of(97), 0]]);
    expect(() => createEncoding({ name: "x", patStr: "\\w+", mergeableRanks: ranks, specialTokens: { "<s>": 0 } })).toThrow(InvalidArgumentError);
    expect(() => createEncoding({ name: "x", patStr: "[", mergeableRanks: ranks })).toThrow(InvalidArgumentError);
    expect(() => createEncoding({ name: "", patStr: "x", mergeableRanks: ranks })).toThrow(InvalidArgumentError);
  });
});

describe("o200k_harmony", () => {
  it("has the same special tokens as gpt-tokenizer's o200k_harmony (an independent registry copy of tiktoken's)", async () => {
    const harmony = (await import("gpt-tokenizer/encoding/o200k_harmony")).default as unknown as {
      specialTokensEncoder: Map<string, number>;
      vocabularySize: number;
    };
    const mine = getEncodingSync("o200k_harmony");
    expect(Object.entries(mine.specialTokens).sort()).toEqual([...harmony.specialTokensEncoder.entries()].sort());
    expect(mine.nVocab).toBe(201088);
    // same ranks as o200k_base for ordinary text
    const text = "Harmony uses o200k_base's ranks: 日本語 and code() {}";
    expect(Array.from(mine.encodeOrdinary(text))).toEqual(Array.from(getEncodingSync("o200k_base").encodeOrdinary(text)));
  });
});
