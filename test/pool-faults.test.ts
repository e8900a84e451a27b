/**
 * The worker pool under faults and at the edges of its input (issue "Hardening"): a worker that
 * dies mid-batch rejects the pending work with a typed error and is replaced; batches of
 * 100,000 tiny texts and one text of tens of MB give what the single-threaded encoder gives;
 * a closed pool refuses work. Runs against dist/ (workers load the package's own entry).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../src/shared/prng.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ESM = join(ROOT, "dist", "index.js");
const BUILT = existsSync(ESM) && readFileSync(ESM, "utf8").includes("createTokenizerPool");
if (!BUILT) console.warn("test/pool-faults.test.ts: SKIPPED — dist/ lacks createTokenizerPool; run the build (npm run build) first");

type Tm = typeof import("../src/index.js");
const load = async (): Promise<Tm> => (await import(pathToFileURL(ESM).href)) as Tm;

interface PoolInternals {
  workers: { w: { terminate(): Promise<number> } }[];
}

describe.skipIf(!BUILT)("worker pool faults", () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((p) => p.close()));
  });

  it("a worker killed mid-batch rejects that batch with a typed error; the pool replaces it", async () => {
    const tm = await load();
    const pool = tm.createTokenizerPool({ encoding: "o200k_base", threads: 2 });
    opened.push(pool);
    const texts = Array.from({ length: 64 }, (_, i) => `document ${i} `.repeat(4000));
    const enc = tm.getEncodingSync("o200k_base");
    await pool.countBatch(["warm up the workers", "two of them"]);
    const pending = pool.encodeBatch(texts);
    // No public handle reaches a worker; the test kills one the way a crash would end it.
    const workers = (pool as unknown as PoolInternals).workers;
    expect(workers.length).toBeGreaterThan(0);
    await workers[0]!.w.terminate();
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    // The worker held queued chunks of this batch (3 MB over two workers), so the batch fails.
    expect(err).toBeInstanceOf(tm.TokenmillError);
    expect((err as { code: string }).code).toMatch(/^WORKER_(EXIT|FAILED)$/);
    // The pool goes on with a new worker: the next batch is complete and exact.
    const ids = await pool.encodeBatch(texts.slice(0, 8));
    for (let i = 0; i < 8; i++) expect([...ids[i]!]).toEqual([...enc.encode(texts[i]!)]);
  });

  it("100,000 tiny texts, in order", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("cl100k_base");
    const r = mulberry32(11);
    const words = ["a", " b", "中", "", "🙂", "x1", "\n", "it's", "  "];
    const texts = Array.from({ length: 100_000 }, () => words[Math.floor(r() * words.length)]! + words[Math.floor(r() * words.length)]!);
    const counts = await tm.countBatch(texts, { encoding: "cl100k_base", threads: 2 });
    expect(counts.length).toBe(texts.length);
    for (let i = 0; i < texts.length; i += 997) expect(counts[i]).toBe(enc.count(texts[i]!));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(texts.reduce((a, t) => a + enc.count(t), 0));
  });

  it("one 24 MB text is spread over the workers and gives the single-threaded ids", async () => {
    const tm = await load();
    const enc = tm.getEncodingSync("o200k_base");
    const r = mulberry32(5);
    const lines: string[] = [];
    let size = 0;
    while (size < 24 << 20) {
      const line = `Line ${Math.floor(r() * 1e6)}: the quick brown fox, 日本語 and ${"x".repeat(Math.floor(r() * 40))}\n`;
      lines.push(line);
      size += line.length;
    }
    const text = lines.join("");
    const [ids] = await tm.encodeBatch([text], { encoding: "o200k_base", threads: 2 });
    const want = enc.encode(text);
    expect(ids!.length).toBe(want.length);
    let same = true;
    for (let i = 0; i < want.length; i++) if (ids![i] !== want[i]) same = false;
    expect(same).toBe(true);
  });

  it("a closed pool refuses work with POOL_CLOSED", async () => {
    const tm = await load();
    const pool = tm.createTokenizerPool({ threads: 1 });
    await pool.close();
    await expect(pool.countBatch(["x"])).rejects.toMatchObject({ code: "POOL_CLOSED" });
  });
});
