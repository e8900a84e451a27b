/**
 * The worker_threads pool (src/parallel/pool.ts): results identical to the single-threaded encoder and
 * in input order, typed errors, close(), and that idle workers never keep a process alive.
 *
 * The pool's workers load the package entry next to the code (dist/index.js or dist/index.cjs),
 * so this suite runs against the built package, in both its ESM and CJS builds: build first
 * (npm run build). No timing is asserted here; bench/batch.mjs measures speed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../src/shared/prng.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ESM = join(ROOT, "dist", "index.js");
const CJS = join(ROOT, "dist", "index.cjs");
const BUILT = existsSync(ESM) && existsSync(CJS) && readFileSync(ESM, "utf8").includes("createTokenizerPool");
if (!BUILT) console.warn("test/pool.test.ts: SKIPPED — dist/ lacks createTokenizerPool; run the build (npm run build) first");

const require = createRequire(import.meta.url);
type Tm = typeof import("../src/index.js");
const builds: [string, () => Promise<Tm>][] = [
  ["ESM dist/index.js", async () => (await import(pathToFileURL(ESM).href)) as Tm],
  ["CJS dist/index.cjs", async () => require(CJS) as Tm],
];

// ---- Deterministic texts ------------------------------------------------------------------

const rng = mulberry32;

const WORDS = [
  "the", "The", "quick", "brown", "fox", "don't", "I'LL", "we've", "1234567", "3.14", "naïve", "Ελληνικά",
  "русский", "中文字符", "日本語の", "한국어", "العربية", "हिन्दी", "e\u0301", "🙂👍🏽", "\u{1F600}x", "x = y + 1;",
  "if (a) { b(); }", "  indented", "\t", "foo_bar", "ALLCAPS", "camelCase", "ſtraße", "'s", "...", "—", "\u00a0",
];
// Line starts chosen to exercise the safe-cut rule: letters (cut points), spaces, digits,
// punctuation, and "\r\n"/"  \n" endings (where r50k must not be cut).
const LINE_START = ["", "", "", "Word ", "über ", "Ωmega ", "字 ", "  ", " ", "\t", "1. ", "// ", "- ", "#", "'s "];
const LINE_END = ["\n", "\n", "\n", "\r\n", "  \n", " \n", "\n\n", "\n \n"];

function line(r: () => number): string {
  let s = LINE_START[Math.floor(r() * LINE_START.length)]!;
  const n = 1 + Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += (i ? " " : "") + WORDS[Math.floor(r() * WORDS.length)]!;
  return s + LINE_END[Math.floor(r() * LINE_END.length)]!;
}

function text(r: () => number, chars: number): string {
  let s = "";
  while (s.length < chars) s += line(r);
  return s;
}

/** Small and large texts, in an order where late small ones finish before early large ones. */
function batch(seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [text(r, 120_000), "", "a", " ", "\n"];
  for (let i = 0; i < 400; i++) out.push(text(r, 1 + Math.floor(r() * 3000)));
  out.splice(150, 0, text(r, 60_000));
  out.push(text(r, 250_000), "x".repeat(70_000), " ".repeat(40_000) + "y", "\ud83d" + text(r, 40_000) + "\ude00");
  return out;
}

function expectSameIds(got: Uint32Array[], want: Uint32Array[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i]).toBeInstanceOf(Uint32Array);
    const g = got[i]!;
    const w = want[i]!;
    if (g.length !== w.length || g.some((x, k) => x !== w[k])) {
      throw new Error(`text ${i}: ids differ (got ${g.length} ids, want ${w.length})`);
    }
  }
}

// ---- Suites -------------------------------------------------------------------------------

describe.skipIf(!BUILT).each(builds)("pool from %s", (_name, load) => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((p) => p.close()));
  });

  it("encodes and counts like the single-threaded encoder, in input order (o200k, cl100k, r50k)", async () => {
    const tm = await load();
    for (const [name, seed] of [["o200k_base", 1], ["cl100k_base", 2], ["r50k_base", 3]] as const) {
      const enc = tm.getEncodingSync(name);
      const pool = tm.createTokenizerPool({ encoding: name, threads: 2 });
      opened.push(pool);
      expect(pool.encoding).toBe(name);
      expect(pool.threads).toBe(2);
      const texts = batch(seed);
      const opts = { disallowedSpecial: [] as string[] };
      const want = texts.map((t) => enc.encode(t, opts));
      expectSameIds(await pool.encodeBatch(texts, opts), want);
      expect(await pool.countBatch(texts, opts)).toEqual(want.map((w) => w.length));
    }
  });

  it("keeps each batch's order when batches run concurrently", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("o200k_base");
    const pool = tm.createTokenizerPool({ encoding: "o200k_base", threads: 2 });
    opened.push(pool);
    const batches = [batch(10), batch(11).reverse(), batch(12).slice(100, 200)];
    const got = await Promise.all([
      pool.encodeBatch(batches[0]!, { disallowedSpecial: [] }),
      pool.countBatch(batches[1]!, { disallowedSpecial: [] }),
      pool.encodeBatch(batches[2]!, { disallowedSpecial: [] }),
    ]);
    expectSameIds(got[0], batches[0]!.map((t) => enc.encode(t, { disallowedSpecial: [] })));
    expect(got[1]).toEqual(batches[1]!.map((t) => enc.count(t, { disallowedSpecial: [] })));
    expectSameIds(got[2], batches[2]!.map((t) => enc.encode(t, { disallowedSpecial: [] })));
  });

  it("applies the special-token options as encode does", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("cl100k_base");
    const pool = tm.createTokenizerPool({ encoding: "cl100k_base", threads: 2 });
    opened.push(pool);
    const r = rng(5);
    const texts = Array.from({ length: 60 }, (_, i) => text(r, 50 + i * 900) + "<|endoftext|>" + text(r, 200) + "<|fim_prefix|>");
    for (const opts of [{ allowedSpecial: "all" as const }, { allowedSpecial: new Set(["<|endoftext|>"]), disallowedSpecial: [] }, { disallowedSpecial: [] }]) {
      expectSameIds(await pool.encodeBatch(texts, opts), texts.map((t) => enc.encode(t, opts)));
      expect(await pool.countBatch(texts, opts)).toEqual(texts.map((t) => enc.count(t, opts)));
    }
    expect(await pool.encodeBatch([])).toEqual([]);
    expect(await pool.countBatch(["", "hello world"])).toEqual([0, 2]);
  });

  it("rejects the batch with the typed error of the first failing text", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("o200k_base");
    const pool = tm.createTokenizerPool({ encoding: "o200k_base", threads: 2 });
    opened.push(pool);
    const texts = batch(20).map((t) => t.replaceAll("<|", "< |"));
    const bad = [...texts];
    // In a large text (cut into parts by the pool): the index must be the one in the whole text.
    bad[0] = bad[0]!.slice(0, 100_000) + "<|endoftext|>" + bad[0]!.slice(100_000);
    bad[300] = "fine <|endoftext|>";
    let want: unknown;
    try {
      enc.encode(bad[0]!);
    } catch (e) {
      want = e;
    }
    for (const op of ["encodeBatch", "countBatch"] as const) {
      const err = await pool[op](bad).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(tm.DisallowedSpecialTokenError);
      expect(err).toBeInstanceOf(tm.TokenmillError);
      expect(err).toMatchObject({ code: "DISALLOWED_SPECIAL", token: "<|endoftext|>", textIndex: 0, index: (want as { index: number }).index });
      expect((err as Error).message).toBe((want as Error).message);
    }
    bad[0] = texts[0]!;
    const err = await pool.encodeBatch(bad).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: "DisallowedSpecialTokenError", textIndex: 300, index: 5 });
    // The pool is still usable.
    expectSameIds(await pool.encodeBatch(texts.slice(0, 50)), texts.slice(0, 50).map((t) => enc.encode(t)));
  });

  it("validates its arguments", async () => {
    const tm = await load();
    expect(() => tm.createTokenizerPool({ encoding: "nope" })).toThrow(tm.UnknownEncodingError);
    expect(() => tm.createTokenizerPool({ threads: 0 })).toThrow(tm.InvalidArgumentError);
    expect(() => tm.createTokenizerPool({ threads: 1.5 })).toThrow(tm.InvalidArgumentError);
    const pool = tm.createTokenizerPool({ threads: 1 });
    opened.push(pool);
    expect(pool.encoding).toBe("o200k_base");
    await expect(pool.encodeBatch(["a", 3 as unknown as string])).rejects.toThrow(/texts\[1\] is not a string/);
    await expect(pool.encodeBatch("abc" as unknown as string[])).rejects.toBeInstanceOf(tm.InvalidArgumentError);
    await expect(pool.encodeBatch(["a"], { allowedSpecial: "<|endoftext|>" as unknown as "all" })).rejects.toBeInstanceOf(tm.InvalidArgumentError);
    await expect(tm.encodeBatch(["a"], { encoding: "nope" })).rejects.toBeInstanceOf(tm.UnknownEncodingError);
  });

  it("close() rejects pending and later batches, and is idempotent", async () => {
    const tm = await load();
    const pool = tm.createTokenizerPool({ threads: 2 });
    const texts = batch(30);
    const pending = pool.encodeBatch(texts, { disallowedSpecial: [] });
    const closing = pool.close();
    await expect(pending).rejects.toMatchObject({ code: "POOL_CLOSED" });
    await expect(pending).rejects.toBeInstanceOf(tm.TokenmillError);
    await closing;
    await pool.close();
    await expect(pool.encodeBatch(["a"])).rejects.toMatchObject({ code: "POOL_CLOSED" });
    await expect(pool.countBatch(["a"])).rejects.toMatchObject({ code: "POOL_CLOSED" });
    // A closed pool right after a finished batch, too.
    const p2 = tm.createTokenizerPool({ threads: 1 });
    expect(await p2.countBatch(["hello world"])).toEqual([2]);
    await p2.close();
    await expect(p2.encodeBatch(["a"])).rejects.toMatchObject({ code: "POOL_CLOSED" });
  });

  it("top-level encodeBatch / countBatch use a shared pool", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("cl100k_base");
    const texts = batch(40).slice(0, 100);
    const opts = { encoding: "cl100k_base", threads: 2, disallowedSpecial: [] as string[] };
    // (encoding and threads are batch options; encode/count refuse them as unknown options)
    expectSameIds(await tm.encodeBatch(texts, opts), texts.map((t) => enc.encode(t, { disallowedSpecial: [] })));
    expect(await tm.countBatch(texts, opts)).toEqual(texts.map((t) => enc.count(t, { disallowedSpecial: [] })));
    expectSameIds(await tm.encodeBatch(["hello world"]), [tm.getEncodingSync("o200k_base").encode("hello world")]);
  });
});

describe.skipIf(!BUILT)("pool without worker_threads (as in browsers)", () => {
  it("createTokenizerPool throws NO_WORKER_THREADS; encodeBatch/countBatch run on the calling thread", async () => {
    const tm = (await import(pathToFileURL(ESM).href)) as Tm;
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = (id: string) => (id === "node:worker_threads" || id === "worker_threads" ? undefined : original.call(process, id));
    try {
      expect(() => tm.createTokenizerPool()).toThrow(expect.objectContaining({ code: "NO_WORKER_THREADS" }));
      const enc = tm.getEncodingSync("o200k_base");
      const texts = batch(50).slice(0, 40);
      expectSameIds(await tm.encodeBatch(texts, { disallowedSpecial: [] }), texts.map((t) => enc.encode(t, { disallowedSpecial: [] })));
      expect(await tm.countBatch(texts, { disallowedSpecial: [] })).toEqual(texts.map((t) => enc.count(t, { disallowedSpecial: [] })));
      await expect(tm.encodeBatch(["ok", "<|endoftext|>"])).rejects.toMatchObject({ code: "DISALLOWED_SPECIAL", textIndex: 1 });
    } finally {
      proc.getBuiltinModule = original;
    }
  });
});

describe.skipIf(!BUILT)("pools never keep the process alive", () => {
  const scripts: [string, string, string][] = [
    ["ESM, top-level encodeBatch", "--input-type=module",
      `import { encodeBatch } from ${JSON.stringify(pathToFileURL(ESM).href)};
       const ids = await encodeBatch(["hello world", "more text"], { threads: 2 });
       console.log(ids.map((x) => x.length).join(","));`],
    ["CJS, a pool that is never closed", "--input-type=commonjs",
      `const { createTokenizerPool } = require(${JSON.stringify(CJS)});
       const pool = createTokenizerPool({ threads: 2 });
       pool.countBatch(["hello world", "more text"]).then((n) => console.log(n.join(",")));`],
  ];
  it.each(scripts)("%s: the process exits once the batch is done", (_name, flag, code) => {
    const t0 = Date.now();
    const p = spawnSync(process.execPath, [flag, "-e", code], { encoding: "utf8", timeout: 30_000 });
    expect(p.error).toBeUndefined();
    expect(p.stderr).toBe("");
    expect(p.status).toBe(0);
    expect(p.stdout.trim()).toBe("2,2");
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
