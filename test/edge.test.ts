// @vitest-environment edge-runtime
// The per-encoding entries and the main entry in an edge runtime (Vercel's edge-runtime VM:
// web globals, no Node fs, no process): vocab passed as bytes or fetched, WASM compiled from
// the inlined base64, no FinalizationRegistry needed. Expected ids are tiktoken's.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TEXT = "Ünïcödé 👋 it's 2024\n\n  code();";
const O200K = [8858, 77, 191375, 43369, 377, 61138, 233, 4275, 220, 1323, 19, 279, 220, 3490, 4177];
const CL100K = [53591, 77, 38672, 66, 3029, 67, 978, 62904, 233, 433, 596, 220, 2366, 19, 271, 220, 2082, 2178];

describe("edge runtime", () => {
  // vitest keeps Node's `process` for itself; hide the door to Node's modules that tokenmill
  // would use (process.getBuiltinModule), as a real edge runtime has none.
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  const savedFR = (globalThis as { FinalizationRegistry?: unknown }).FinalizationRegistry;
  const savedGBM = proc?.getBuiltinModule;
  beforeAll(() => {
    delete (globalThis as { FinalizationRegistry?: unknown }).FinalizationRegistry;
    if (proc) proc.getBuiltinModule = undefined;
  });
  afterAll(() => {
    (globalThis as { FinalizationRegistry?: unknown }).FinalizationRegistry = savedFR;
    if (proc) proc.getBuiltinModule = savedGBM;
  });

  it("is the edge runtime", () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe("string");
  });

  it("a default load without Node's fs goes to fetch (and fails cleanly without a server)", async () => {
    const { load } = await import("../dist/r50k_base.js");
    const realFetch = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (url: string | URL) => {
      seen.push(String(url));
      return new Response("nope", { status: 404 });
    }) as typeof fetch;
    try {
      await expect(load()).rejects.toThrow(/HTTP 404/);
      expect(seen[0]).toMatch(/\/vocab\/r50k_base\.tkp$/);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("tokenmill/o200k_base with the packed vocab as bytes, both engines", async () => {
    const { load } = await import("../dist/o200k_base.js");
    const vocab = new Uint8Array(readFileSync("vocab/o200k_base.tkp"));
    const wasm = await load({ vocab });
    expect(wasm.engine).toBe("wasm");
    expect(Array.from(wasm.encode(TEXT))).toEqual(O200K);
    expect(wasm.count("hello world")).toBe(2);
    expect(wasm.decode(O200K)).toBe(TEXT);
    const js = await load({ vocab, engine: "js" });
    expect(Array.from(js.encode(TEXT))).toEqual(O200K);
  });

  it("tokenmill/cl100k_base with the vocab fetched from a URL (fetch stubbed with a Response)", async () => {
    const { load } = await import("../dist/cl100k_base.js");
    const bytes = readFileSync("vocab/cl100k_base.tkp");
    const realFetch = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (url: string | URL) => {
      seen.push(String(url));
      return new Response(new Uint8Array(bytes));
    }) as typeof fetch;
    try {
      const enc = await load({ vocabUrl: "https://cdn.example/vocab/cl100k_base.tkp" });
      expect(seen).toEqual(["https://cdn.example/vocab/cl100k_base.tkp"]);
      expect(Array.from(enc.encode(TEXT))).toEqual(CL100K);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it("the main entry's getEncoding takes vocab bytes too", async () => {
    const { getEncoding } = await import("../dist/index.js");
    const enc = await getEncoding("o200k_base", { vocab: new Uint8Array(readFileSync("vocab/o200k_base.tkv")) });
    expect(Array.from(enc.encode(TEXT))).toEqual(O200K);
  });
});
