// The incremental counter (Encoding.counter): after every edit its count is a fresh count of the
// whole text (both engines, o200k and cl100k), and an edit re-encodes only the stretch around
// it (checked by counting the characters handed to the encoder, not by timing).
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DisallowedSpecialTokenError, InvalidArgumentError, createEncoding, getEncodingSync } from "../src/index.js";
import { SegmentedCounter, commonPrefix, commonSuffix } from "../src/text/counter.js";
import { isSafeCut } from "../src/text/cuts.js";
import { ENGINES, load } from "./helpers/reference.js";

/** ~`size` characters of prose, code, CJK lines, emoji, whitespace runs; seeded. */
function document(size: number, seed: number): string {
  const parts = [
    "The quick brown fox jumps over the lazy dog. ", "It's they'll WE'RE don't; ", "function f(x) { return x * 2; }\n",
    "    indented();\n", "1234567 + 89 = 1234656\n", "naïve café résumé ", "日本語のテキストと中文文本\n", "中文文本。\n",
    "👋🌍🎉 emoji 👨‍👩‍👧 ", "\t\ttabs\r\n", "  spaces   between  ", "https://example.com/a/b?c=d&e=f ", "=====----____ ",
    "Привет, мир! ", "\n\n\n", "a/b/c\n/d ", "x'S 'll ",
  ];
  let out = "";
  while (out.length < size) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out += parts[seed % parts.length];
  }
  return out.slice(0, size);
}

/** Text worth inserting: small pieces that make and break cut points, and a longer paste. */
const snippet = fc.oneof(
  fc.constantFrom(" ", "\n", "a", "é", "日", "🦜", "'s", "//", "\r\n", "  ", "x y", ".\n", "\ud83d", "<|endoftext|>", "12345"),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.nat(100_000).map((s) => document(600 + (s % 1500), s)),
);

type Edit = { kind: "insert" | "delete" | "replace" | "append" | "set" | "boundary"; at: number; len: number; text: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom("insert", "delete", "replace", "append", "set", "boundary", "boundary"),
  at: fc.nat(),
  len: fc.nat(40),
  text: snippet,
});

/** The counter's segment starts (internal), to aim edits at them. */
const startsOf = (c: unknown): number[] => (c as { starts: number[] }).starts;

function apply(text: string, e: Edit, starts: number[]): string {
  let at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case "boundary": {
      // at a segment boundary p or one of the characters p - 2 .. p + 1 its cut depends on
      at = Math.max(0, Math.min(text.length, starts[e.at % starts.length]! + (e.len % 4) - 2));
      const small = [" ", "a", "\n", "", "/", "é", "  "][e.len % 7]!;
      return text.slice(0, at) + small + text.slice(at + (e.len % 3 === 0 ? 0 : 1));
    }
    case "insert":
      return text.slice(0, at) + e.text + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + e.len);
    case "replace":
      return text.slice(0, at) + e.text + text.slice(at + e.len);
    case "append":
      return text + e.text;
    case "set":
      return e.text;
  }
}

for (const engine of ENGINES) {
  describe(`counter (${engine})`, () => {
    for (const name of ["o200k_base", "cl100k_base"]) {
      const enc = load(name, engine);
      const options = { disallowedSpecial: [] as string[] };

      it(`${name}: random edits anywhere keep count equal to a fresh count`, () => {
        fc.assert(
          fc.property(fc.nat(1000), fc.array(edit, { minLength: 1, maxLength: 25 }), (seed, edits) => {
            let text = document(3000 + seed * 5, seed);
            const c = enc.counter(text, options);
            expect(c.count).toBe(enc.count(text, options));
            for (const e of edits) {
              const next = apply(text, e, startsOf(c));
              const n = e.kind === "append" ? c.append(e.text) : c.set(next);
              text = next;
              expect(c.text).toBe(text);
              expect(n).toBe(c.count);
              expect(c.count, `${e.kind} at ${e.at}`).toBe(enc.count(text, options));
            }
          }),
          { numRuns: 60 },
        );
      });
    }

    const enc = load("o200k_base", engine);

    it("typing a document character by character, then deleting it from the middle", () => {
      const doc = document(4000, 7);
      const c = enc.counter();
      for (let i = 0; i < doc.length; i += 1 + (i % 5)) {
        c.append(doc.slice(i, i + 1 + (i % 5)));
        if (i % 97 === 0) expect(c.count).toBe(enc.count(c.text, { disallowedSpecial: [] }));
      }
      expect(c.text).toBe(doc);
      expect(c.count).toBe(enc.count(doc));
      let text = doc;
      while (text.length > 0) {
        const at = Math.floor(text.length / 2);
        text = text.slice(0, at) + text.slice(at + 37);
        c.set(text);
        expect(c.count).toBe(enc.count(text));
      }
      expect(c.count).toBe(0);
    });

    it("special tokens: as count with the same options; a disallowed one throws with its index and changes nothing", () => {
      const text = document(5000, 3);
      const c = enc.counter(text);
      const withSpecial = text.slice(0, 4000) + "<|endoftext|>" + text.slice(4000);
      let err: unknown;
      try {
        c.set(withSpecial);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DisallowedSpecialTokenError);
      expect((err as DisallowedSpecialTokenError).index).toBe(4000);
      expect(c.text).toBe(text);
      expect(c.count).toBe(enc.count(text));
      const all = enc.counter(text, { allowedSpecial: "all" });
      all.set(withSpecial);
      expect(all.count).toBe(enc.count(withSpecial, { allowedSpecial: "all" }));
      expect(all.count).toBe(enc.count(text) + 1);
    });

    it("bad arguments are typed errors", () => {
      expect(() => enc.counter(42 as never)).toThrow(InvalidArgumentError);
      expect(() => enc.counter("", { allowedSpecial: 5 } as never)).toThrow(InvalidArgumentError);
      expect(() => enc.counter("", { segmentation: "min-tokens" })).toThrow(/bpe/);
      const c = enc.counter("abc");
      expect(() => c.set(null as never)).toThrow(InvalidArgumentError);
      expect(() => c.append(1 as never)).toThrow(InvalidArgumentError);
      expect(c.count).toBe(enc.count("abc"));
    });
  });
}

describe("counter: what an edit re-encodes", () => {
  const enc = getEncodingSync("o200k_base");
  const doc = document(200_000, 11);

  function instrumented(text: string) {
    const seen = { chars: 0, calls: 0 };
    const c = new SegmentedCounter((t) => {
      seen.chars += t.length;
      seen.calls++;
      return enc.count(t, { disallowedSpecial: [] });
    }, true, text);
    seen.chars = 0;
    seen.calls = 0;
    return { c, seen };
  }

  it("a keystroke at the end or in the middle of 200 K characters re-encodes a few segments", () => {
    const { c, seen } = instrumented(doc);
    c.append("x");
    expect(seen.chars).toBeLessThan(4000);
    expect(c.count).toBe(enc.count(doc + "x"));
    seen.chars = 0;
    const mid = doc.length / 2;
    const edited = doc.slice(0, mid) + "y" + doc.slice(mid) + "x";
    c.set(edited);
    expect(seen.chars).toBeLessThan(4000);
    expect(c.count).toBe(enc.count(edited));
    seen.chars = 0;
    c.set(edited.slice(0, 10) + edited.slice(11)); // near the start
    expect(seen.chars).toBeLessThan(4000);
  });

  it("segments always meet at cut points of the text", () => {
    const { c } = instrumented(doc);
    let text = doc;
    for (let k = 0; k < 50; k++) {
      const at = (k * 7919) % text.length;
      text = text.slice(0, at) + (k % 2 ? " \n" : "日本") + text.slice(at + (k % 3));
      c.set(text);
    }
    const starts = (c as unknown as { starts: number[] }).starts;
    expect(starts[0]).toBe(0);
    for (let k = 1; k < starts.length; k++) {
      expect(starts[k]!).toBeGreaterThan(starts[k - 1]!);
      expect(isSafeCut(text, starts[k]!), `boundary ${starts[k]}`).toBe(true);
    }
    expect(c.count).toBe(enc.count(text));
  });

  it("text without cut points (a custom pattern) is counted whole, still exactly", () => {
    const o = getEncodingSync("o200k_base", { engine: "js" });
    const ranks = new Map<Uint8Array, number>();
    for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
    const custom = createEncoding({ name: "bytes-words", patStr: "\\w+|\\W", mergeableRanks: ranks });
    const c = custom.counter("hello world");
    c.append(" again");
    expect(c.count).toBe(custom.count("hello world again"));
    void o;
  });

  it("commonPrefix / commonSuffix agree with a character loop", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 3000 }), fc.string({ maxLength: 40 }), (a, x, b, y) => {
        const s = a + x + b;
        const t = a + y + b;
        let p = 0;
        while (p < Math.min(s.length, t.length) && s[p] === t[p]) p++;
        expect(commonPrefix(s, t)).toBe(p);
        const max = Math.min(s.length, t.length) - p;
        let q = 0;
        while (q < max && s[s.length - 1 - q] === t[t.length - 1 - q]) q++;
        expect(commonSuffix(s, t, max)).toBe(q);
      }),
      { numRuns: 300 },
    );
  });
});

describe("tokenmill/worker: count keeps a live counter per encoding", () => {
  const built = existsSync("dist/worker.js");
  it.skipIf(!built)("counts after edits equal fresh counts, for two encodings and options interleaved", async () => {
    const { createWorker } = await import("../dist/worker.js" as string);
    const w = createWorker();
    try {
      const o200k = getEncodingSync("o200k_base");
      const cl100k = getEncodingSync("cl100k_base");
      let text = document(20_000, 5);
      for (let k = 0; k < 12; k++) {
        const at = (k * 4099) % text.length;
        text = text.slice(0, at) + ["x", " ", "\n", "日本", "<|endoftext|>"][k % 5] + text.slice(at + (k % 3));
        expect(await w.count(text, { allowedSpecial: "all" })).toBe(o200k.count(text, { allowedSpecial: "all" }));
        expect(await w.count(text, { encoding: "cl100k_base", disallowedSpecial: [] })).toBe(cl100k.count(text, { disallowedSpecial: [] }));
      }
      await expect(w.count(text)).rejects.toThrow(/special token/); // the default options still refuse it
    } finally {
      w.terminate();
    }
  });
});
