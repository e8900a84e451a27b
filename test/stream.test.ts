// Streams: the cut rule checked against tiktoken itself, and encodeStream/countStream equal to
// encode/count of the whole text whatever the parts (bytes split mid-character, strings,
// WHATWG and Node streams), with errors that point into the whole stream.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { createEncoding, DisallowedSpecialTokenError, InvalidArgumentError, InvalidUtf8Error, parseTiktokenFile } from "../src/index.js";
import { lastSafeSplit } from "../src/text/cuts.js";
import { ENCODINGS, ENGINES, load, reference } from "./helpers/reference.js";

const ref = (name: string, text: string, special: "none" | "all"): number[] =>
  Array.from(special === "all" ? reference(name).encode(text, "all") : reference(name).encode(text, [], []));

describe("lastSafeSplit (the streaming cut rule) never changes tokens", () => {
  // pieces that meet at a cut: spaces, line breaks, letters of several scripts, punctuation
  // (incl. "/", which o200k glues after "\n"), marks, digits, contractions, specials
  const atoms = [" ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "a", "B", "é", "ſ", "'", "'s", "'re", "'LL", ".", "/", "1", "12345",
    "\u0301", "中", "文。", "。", "😀", "<|endoftext|>", "<|fim_prefix|>", "\u00a0", "\u0085", "\u3000", "\u2028", "\u200b", "\ufeff",
    "Hello", "-", "#", "ǅ", "ʰ", "Привет", "!\n", ".\n", "x\n/", "\n'", "\n1", "\n中"];
  const arb = fc.array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 40 }).map((a) => a.join(""));
  it.each(ENCODINGS)("%s: encode(text) == encode(text[0:p]) ++ encode(text[p:]) at every cut it picks", (name) => {
    let cuts = 0;
    let lineCuts = 0;
    fc.assert(
      fc.property(arb, fc.constantFrom("none" as const, "all" as const), (s, special) => {
        const full = ref(name, s, special);
        for (let end = 2; end <= s.length; end++) {
          const p = lastSafeSplit(s.slice(0, end));
          if (p !== end - 1) continue; // each cut point once
          cuts++;
          if (s[p - 1] === "\n") lineCuts++;
          expect([...ref(name, s.slice(0, p), special), ...ref(name, s.slice(p), special)]).toEqual(full);
        }
      }),
      { numRuns: Number(process.env.CUT_RUNS ?? 1000) },
    );
    expect(cuts).toBeGreaterThan(200);
    expect(lineCuts).toBeGreaterThan(50); // the rule for text without spaces is exercised too
  });

  it("finds line starts in text without spaces, and nothing where no cut is proven", () => {
    expect(lastSafeSplit("第一行。\n第二行")).toBe(5);
    expect(lastSafeSplit("a b")).toBe(1);
    expect(lastSafeSplit("x\n/y")).toBe(-1); // o200k: "\n/" may continue a punctuation piece
    expect(lastSafeSplit("x\t\ny")).toBe(-1); // r50k: "\t\n" splits differently at the end of text
    expect(lastSafeSplit("x\n\ny")).toBe(-1);
    expect(lastSafeSplit("中文中文")).toBe(-1);
    expect(lastSafeSplit("\u3000 x")).toBe(-1);
  });
});

const corpus = buildCorpus({ sizeBytes: 60_000, write: false });
const TEXTS: Record<string, string> = {
  prose: corpus.prose,
  code: corpus.code,
  multilingual: corpus.multilingual,
  // Chinese lines: no ASCII space, cut only at line starts
  cjk: Array.from({ length: 400 }, (_, i) => `第${i}行：中文文本，没有空格。日本語のテキストも。`).join("\n"),
  noCut: "中".repeat(5000) + "x".repeat(3000),
  bom: "\ufeff" + corpus.prose.slice(0, 5000),
};

/** `text` as UTF-8 bytes in parts of pseudo-random sizes (1..max), cutting characters apart. */
function byteParts(text: string, max: number, seed: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const parts: Uint8Array[] = [];
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes.length; ) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = 1 + ((x >>> 0) % max);
    parts.push(bytes.subarray(i, i + n));
    i += n;
  }
  return parts;
}

async function collect(it: AsyncIterable<Uint32Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const ids of it) for (const id of ids) out.push(id);
  return out;
}

describe.each(["o200k_base", "cl100k_base", "r50k_base"] as const)("%s", (name) => {
  describe.each(ENGINES)("%s engine: encodeStream / countStream", (engine) => {
    const enc = load(name, engine);
    it.each(Object.keys(TEXTS))("%s: same ids as encode(whole), bytes split mid-character, small chunks", async (kind) => {
      const text = TEXTS[kind]!;
      const want = Array.from(enc.encodeOrdinary(text));
      const opts = { disallowedSpecial: [] as string[], chunkChars: 700 };
      for (const max of [1, 7, 4096]) {
        expect(await collect(enc.encodeStream(byteParts(text, max, max), opts))).toEqual(want);
        expect(await enc.countStream(byteParts(text, max, max + 1), opts)).toBe(want.length);
      }
      // strings, an async generator, a WHATWG stream, one whole string
      const strings = text.match(/[\s\S]{1,333}/gu) ?? [];
      expect(await collect(enc.encodeStream(strings, opts))).toEqual(want);
      expect(await enc.countStream((async function* () { yield* strings; })(), opts)).toBe(want.length);
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          for (const p of byteParts(text, 1000, 3)) c.enqueue(p);
          c.close();
        },
      });
      expect(await collect(enc.encodeStream(web, opts))).toEqual(want);
      expect(await enc.countStream(text, opts)).toBe(want.length);
    });
  });
});

describe("encodeStream / countStream: files, specials, errors", () => {
  const enc = load("o200k_base", "wasm");
  const dir = mkdtempSync(join(tmpdir(), "tokenmill-stream-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a Node file stream gives the file's tokens (default chunk size, text over several chunks)", async () => {
    const text = (TEXTS.prose! + "\n" + TEXTS.cjk! + "\n").repeat(12); // ~1.5 M code units
    const file = join(dir, "big.txt");
    writeFileSync(file, text);
    const want = enc.encodeOrdinary(text);
    expect(await enc.countStream(createReadStream(file, { highWaterMark: 1 << 16 }), { disallowedSpecial: [] })).toBe(want.length);
    const got = await collect(enc.encodeStream(createReadStream(file), { disallowedSpecial: [] }));
    expect(got.length).toBe(want.length);
    expect(got.every((v, i) => v === want[i])).toBe(true);
  });

  it("special tokens: allowed ones become special ids in any chunk; a disallowed one throws with its index in the stream", async () => {
    const text = "hello world ".repeat(200) + "<|endoftext|> and more " + "words ".repeat(200);
    const parts = byteParts(text, 50, 9);
    expect(await collect(enc.encodeStream(parts, { allowedSpecial: "all", chunkChars: 100 }))).toEqual(Array.from(enc.encode(text, { allowedSpecial: "all" })));
    expect(await enc.countStream(parts, { allowedSpecial: "all", chunkChars: 100 })).toBe(enc.count(text, { allowedSpecial: "all" }));
    const err = await enc.countStream(parts, { chunkChars: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisallowedSpecialTokenError);
    expect((err as DisallowedSpecialTokenError).index).toBe(text.indexOf("<|endoftext|>"));
    expect((err as DisallowedSpecialTokenError).token).toBe("<|endoftext|>");
  });

  it("a custom encoding with an unknown pattern or whitespace in a special token is not cut (same result)", async () => {
    const ranks = parseTiktokenFile(Array.from({ length: 256 }, (_, b) => `${Buffer.from([b]).toString("base64")} ${b}`).join("\n"));
    const custom = createEncoding({ name: "bytes", patStr: String.raw`\S+|\s+`, mergeableRanks: ranks, specialTokens: { "<|a b|>": 256 } });
    const text = "one two\nthree <|a b|> four ".repeat(50);
    const want = Array.from(custom.encode(text, { allowedSpecial: "all" }));
    expect(await collect(custom.encodeStream(byteParts(text, 5, 1), { allowedSpecial: "all", chunkChars: 10 }))).toEqual(want);
  });

  it("bytes that are not UTF-8: an InvalidUtf8Error at their offset in the stream, or U+FFFD with invalidUtf8 \"replace\"", async () => {
    // ill-formed sequences of every kind (Unicode Table 3-7), in text, cut at random points
    const bad = [[0x80], [0xbf], [0xc0, 0xaf], [0xc1], [0xc2], [0xc2, 0x41], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xed, 0xa0, 0x80],
      [0xef, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xf0, 0x9f, 0x98], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff], [0xe9, 0x20]];
    const strict = new TextDecoder("utf-8", { fatal: true });
    const lossy = new TextDecoder("utf-8", { ignoreBOM: true });
    const te = new TextEncoder();
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom("héllo ", "中文 ", "😀", "a", "\n", "Привет "), fc.constantFrom(...bad)), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (atoms, cutSeeds) => {
          const bytes = Uint8Array.from(atoms.flatMap((a) => (typeof a === "string" ? [...te.encode(a)] : a)));
          const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const parts = [0, ...cuts].map((c, i, all) => bytes.slice(c, all[i + 1] ?? bytes.length));
          const want = enc.count(lossy.decode(bytes), { disallowedSpecial: [] });
          expect(await enc.countStream(parts, { invalidUtf8: "replace", disallowedSpecial: [] })).toBe(want);
          let valid = true;
          try {
            strict.decode(bytes);
          } catch {
            valid = false;
          }
          const got = await enc.countStream(parts, { disallowedSpecial: [] }).catch((e: unknown) => e);
          if (valid) {
            expect(got).toBe(want);
            return;
          }
          expect(got).toBeInstanceOf(InvalidUtf8Error);
          // the offset: the longest prefix of the bytes that decodes strictly (as a prefix that may continue) ends there
          const at = (got as InvalidUtf8Error).byteOffset;
          const streaming = new TextDecoder("utf-8", { fatal: true });
          expect(() => streaming.decode(bytes.subarray(0, at), { stream: true })).not.toThrow();
          const rest = bytes.subarray(at);
          expect(() => new TextDecoder("utf-8", { fatal: true }).decode(rest.subarray(0, Math.min(4, rest.length)))).toThrow();
          expect((got as InvalidUtf8Error).bytes[0]).toBe(bytes[at]);
        },
      ),
      { numRuns: 400 },
    );
    const e = await enc.countStream([te.encode("abc "), Uint8Array.of(0x63, 0x61, 0x66, 0xe9), te.encode(" ok")]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidUtf8Error);
    expect((e as InvalidUtf8Error).byteOffset).toBe(7);
    expect((e as InvalidUtf8Error).message).toMatch(/invalid UTF-8 at byte 7 \(E9 \)|invalid UTF-8 at byte 7 \(E9\)/);
    // bytes ending mid-character, then a string: the unfinished character is ill-formed
    const f = await enc.countStream([Uint8Array.of(0x61, 0xe4, 0xb8), "x"]).catch((x: unknown) => x);
    expect((f as InvalidUtf8Error).byteOffset).toBe(1);
    expect(await enc.countStream([Uint8Array.of(0x61, 0xe4, 0xb8), "x"], { invalidUtf8: "replace" })).toBe(enc.count("a\ufffdx"));
  });

  it("empty streams, and bad arguments", async () => {
    expect(await enc.countStream([])).toBe(0);
    expect(await collect(enc.encodeStream([new Uint8Array(0), ""]))).toEqual([]);
    await expect(enc.countStream([new Uint8Array([0xe4, 0xb8])])).rejects.toThrow(InvalidUtf8Error); // unfinished character at the end
    expect(await enc.countStream([new Uint8Array([0xe4, 0xb8])], { invalidUtf8: "replace" })).toBe(enc.count("\ufffd"));
    await expect(enc.countStream(["x"], { invalidUtf8: "skip" as never })).rejects.toThrow(/invalidUtf8 must be "error" or "replace"/);
    await expect(enc.countStream(42 as never)).rejects.toThrow(InvalidArgumentError);
    await expect(enc.countStream(null as never)).rejects.toThrow(InvalidArgumentError);
    await expect(enc.countStream([1, 2] as never)).rejects.toThrow(/expected string or Uint8Array chunks, got number/);
    await expect(enc.countStream(["x"], { chunkChars: 0 })).rejects.toThrow(InvalidArgumentError);
  });
});

describe("encodeStream / countStream: a source that fails or sends odd chunks", () => {
  const enc = load("o200k_base", "wasm");
  async function* failing(): AsyncGenerator<string> {
    yield "hello world, ".repeat(100_000); // more than one chunk before the failure
    yield "more text ";
    throw new Error("disk on fire");
  }

  it("an error of the source propagates as it is, from countStream and from encodeStream after the ids it gave", async () => {
    await expect(enc.countStream(failing())).rejects.toThrow("disk on fire");
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const ids of enc.encodeStream(failing(), { chunkChars: 1000 })) for (const id of ids) got.push(id);
      })(),
    ).rejects.toThrow("disk on fire");
    // what was yielded before the error is a prefix of the encoding of the text read so far,
    // never a tail that would pass for a complete result
    const whole = Array.from(enc.encode("hello world, ".repeat(100_000) + "more text "));
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(whole.length);
    expect(got).toEqual(whole.slice(0, got.length));
  });

  it("zero-length chunks anywhere change nothing; chunks that are neither strings nor bytes are a typed error with their kind", async () => {
    const text = "zero-length chunks: 日本語 🦜 end";
    const bytes = new TextEncoder().encode(text);
    const parts: Array<string | Uint8Array> = ["", new Uint8Array(0)];
    for (let i = 0; i < bytes.length; i += 3) parts.push(bytes.subarray(i, i + 3), new Uint8Array(0), "");
    expect(await enc.countStream(parts)).toBe(enc.count(text));
    for (const bad of [{}, [1, 2], null, 7n, new Uint16Array(2), true]) {
      await expect(enc.countStream(["ok", bad] as never), String(bad)).rejects.toThrow(InvalidArgumentError);
    }
  });
});
