// Table images (DESIGN.md "Table images", scripts/build-table-images.mjs): Node's built-in
// encodings start from vocab/<name>.tki instead of inserting every token; the tables must be the
// very ones init builds, and an image that is damaged, stale or another vocab's must be noticed
// and ignored (the engine then builds its tables): ids never depend on it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getEncodingSync } from "../src/index.js";
import { internalsOf } from "../src/openai/encoding.js";
import { compileWasmSync, WasmEngine, type TableImage } from "../src/engines/wasm.js";
import { openLocalTableImage } from "../src/openai/local-vocab.js";
import { buildCorpus } from "../scripts/corpus.mjs";
import { refOrdinary } from "./helpers/reference.js";

const NAMES = { o200k_base: 2, cl100k_base: 1, p50k_base: 0, r50k_base: 0 } as const;
const corpus = buildCorpus({ sizeBytes: 30_000, write: false }) as Record<string, string>;
const TEXT = [corpus.prose, corpus.code, corpus.multilingual].join("\n");

function imageFrom(bytes: Uint8Array): TableImage {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = bytes.subarray(32);
  return {
    size: body.length,
    checksum: [v.getUint32(16, true), v.getUint32(20, true)],
    vocabKey: [v.getUint32(24, true), v.getUint32(28, true)],
    readInto: (dest) => dest.set(body),
  };
}

describe.each(Object.entries(NAMES))("%s table image", (name, pattern) => {
  const tkv = new Uint8Array(readFileSync(`vocab/${name}.tkv`));
  const tki = new Uint8Array(readFileSync(`vocab/${name}.tki`));
  const module = compileWasmSync();

  it("is what the engine's init builds, byte for byte", () => {
    const built = new WasmEngine(module, tkv, pattern);
    expect(built.tablesSource).toBe("built");
    expect(Buffer.from(built.tablesImage()).equals(Buffer.from(tki.subarray(32)))).toBe(true);
  });

  it("is used by Node's loader, and the ids are tiktoken's", () => {
    const enc = getEncodingSync(name);
    expect((internalsOf(enc).core as WasmEngine).tablesSource).toBe("image");
    expect(Array.from(enc.encodeOrdinary(TEXT))).toEqual(refOrdinary(name, TEXT));
    expect(openLocalTableImage(new URL(`../vocab/${name}.tkv`, import.meta.url), tkv.length)?.size).toBe(tki.length - 32);
  });

  it("damaged, another vocab's or of the wrong size: ignored, the tables are built", () => {
    const good = new WasmEngine(module, tkv, pattern, undefined, imageFrom(tki));
    expect(good.tablesSource).toBe("image");
    const want = Array.from(good.encode(TEXT));
    // one flipped bit anywhere in the body (here: a slot of the hash table)
    const flipped = tki.slice();
    flipped[32 + 12345] ^= 0x10;
    const other = tki.slice();
    other[24] ^= 1; // the vocab key
    const short = tki.slice(0, tki.length - 64);
    for (const bad of [flipped, other, short]) {
      const engine = new WasmEngine(module, tkv, pattern, undefined, imageFrom(bad));
      expect(engine.tablesSource).toBe("built");
      expect(Array.from(engine.encode(TEXT))).toEqual(want);
    }
    // a header that does not fit its .tkv is not even opened
    expect(openLocalTableImage(new URL(`../vocab/${name}.tkv`, import.meta.url), tkv.length + 1)).toBeUndefined();
  });
});

