/**
 * Memory stays flat (issue 3, "Memory"): 1,000,000 encode/count calls of mixed sizes on the
 * WASM engine, in a child `node --expose-gc` process (vitest itself needs no flag).
 *
 * - WebAssembly memory: the size after warm-up (every input size and kind seen once, so the
 *   engine's arena and scratch have reached their high-water mark) equals the size at the end.
 * - JS heap: heapUsed after gc() at the end is within HEAP_MARGIN of heapUsed after gc() right
 *   after warm-up.
 * - Also reported (not asserted): RSS of a fresh process after loading o200k_base.
 *
 * The child runs the built package (dist/index.js): build first (npm run build). The WASM
 * memory size is read from `enc.engineMemoryBytes`; until that getter exists, from the engine's
 * internals.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist", "index.js");
const BUILT = existsSync(DIST);
if (!BUILT) console.warn("test/memory.test.ts: SKIPPED — dist/index.js is missing; run the build (npm run build) first");

const TOTAL_CALLS = 1_000_000;
const HEAP_MARGIN = 1 << 20; // 1 MiB

// The child: generates its inputs (deterministic), warms up, then runs the rest of the calls,
// sampling memory every 100,000 calls. Prints one JSON line.
const CHILD = String.raw`
const { getEncodingSync } = await import(process.env.TM_DIST);
const TOTAL = Number(process.env.TM_CALLS);
const enc = getEncodingSync("o200k_base", { engine: "wasm" });
if (enc.engine !== "wasm") throw new Error("expected the wasm engine");
const wasmBytes = () => enc.engineMemoryBytes ?? enc.core?.ex?.memory?.buffer?.byteLength;
if (typeof wasmBytes() !== "number") throw new Error("cannot read the engine's memory size");
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const initialWasm = wasmBytes();

let seed = 12345;
const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const WORDS = ["the", "The", "quick", "brown", "fox", "don't", "I'LL", "1234567", "3.14", "naïve", "Ελληνικά", "русский", "中文字符", "日本語の", "한국어", "العربية", "हिन्दी", "🙂👍🏽", "x = y + 1;", "  ", "\n", "\r\n", "\t", "...", "—", "<|endoftext|>", "\ud800", "aaaaaaaa"];
function words(chars) { let s = ""; while (s.length < chars) s += WORDS[Math.floor(rnd() * WORDS.length)] + (rnd() < 0.8 ? " " : ""); return s; }
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function b64(n) { let s = ""; for (let i = 0; i < n; i++) s += B64[Math.floor(rnd() * 64)]; return s; }
const tiny = Array.from({ length: 2000 }, (_, i) => i % 50 === 0 ? "" : words(1 + Math.floor(rnd() * 120)));
const medium = Array.from({ length: 16 }, (_, i) => i % 4 === 3 ? b64(10_000 + Math.floor(rnd() * 90_000)) : words(10_000 + Math.floor(rnd() * 90_000)));
const MB = 1_000_000;
const large = [words(MB), "a".repeat(MB), b64(MB), "9".repeat(MB), " ".repeat(MB), words(MB).replaceAll(" ", "")];
// Held by a global so that every input stays alive to the end (else V8 may free them once the
// loop no longer needs them, which would show up as a heap *drop*).
globalThis.inputs = { tiny, medium, large };
const OPTS = [undefined, { allowedSpecial: "all" }, { disallowedSpecial: [] }, { allowedSpecial: ["<|endoftext|>"] }];

let calls = 0;
let check = 0;
function call(text, k) {
  calls++;
  const opts = OPTS[k & 3];
  try {
    switch ((k >>> 2) % 4) {
      case 0: check += enc.encode(text, opts).length; break;
      case 1: check += enc.count(text, opts); break;
      case 2: check += enc.encodeOrdinary(text).length; break;
      default: check += Number(enc.isWithinTokenLimit(text, 1 + (k % 5000), opts)); break;
    }
  } catch (e) {
    if (e.code !== "DISALLOWED_SPECIAL") throw e;
    check++;
  }
}

const t0 = performance.now();
// Warm-up: every large and medium input with every kind of call, then tiny ones.
for (const t of large) for (let k = 0; k < 16; k += 5) call(t, k);
for (const t of medium) for (let k = 0; k < 16; k++) call(t, k);
for (let i = 0; calls < 20_000; i++) call(tiny[i % tiny.length], i);
const warm = { calls, wasm: wasmBytes(), heap: heap(), rss: process.memoryUsage().rss };
const samples = [];
// The rest: mostly tiny, one medium every 1,000 calls, one large every 100,000.
let i = 0;
while (calls < TOTAL) {
  i++;
  if (i % 100_000 === 0) call(large[(i / 100_000) % large.length], i);
  else if (i % 1_000 === 0) call(medium[(i / 1_000) % medium.length], i);
  else call(tiny[i % tiny.length], i);
  if (calls % 100_000 === 0) samples.push({ calls, wasm: wasmBytes(), heap: heap() });
}
const end = { calls, wasm: wasmBytes(), heap: heap(), rss: process.memoryUsage().rss };
console.log(JSON.stringify({ initialWasm, warm, end, samples, seconds: (performance.now() - t0) / 1000, check }));
`;

function runNode(args: string[], env: Record<string, string> = {}, timeout = 120_000): string {
  const p = spawnSync(process.execPath, args, { encoding: "utf8", timeout, env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (p.status !== 0) throw new Error(`child failed (${p.status ?? p.signal}): ${p.stderr}`);
  return p.stdout.trim().split("\n").pop()!;
}

const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

describe.skipIf(!BUILT)("memory", () => {
  it(`stays flat across ${TOTAL_CALLS.toLocaleString("en")} encode/count calls of mixed sizes (WASM memory and JS heap)`, () => {
    const out = JSON.parse(
      runNode(["--expose-gc", "--input-type=module", "-e", CHILD], { TM_DIST: pathToFileURL(DIST).href, TM_CALLS: String(TOTAL_CALLS) }),
    ) as {
      initialWasm: number;
      warm: { calls: number; wasm: number; heap: number; rss: number };
      end: { calls: number; wasm: number; heap: number; rss: number };
      samples: { calls: number; wasm: number; heap: number }[];
      seconds: number;
    };
    console.log(
      `memory: ${out.end.calls} calls in ${out.seconds.toFixed(1)} s; WASM memory after load ${MiB(out.initialWasm)}, after warm-up (${out.warm.calls} calls) ${MiB(out.warm.wasm)}, at end ${MiB(out.end.wasm)}; ` +
        `JS heap after gc ${MiB(out.warm.heap)} → ${MiB(out.end.heap)} (${out.end.heap - out.warm.heap >= 0 ? "+" : ""}${((out.end.heap - out.warm.heap) / 1024).toFixed(0)} KiB); ` +
        `RSS ${MiB(out.warm.rss)} → ${MiB(out.end.rss)}\n` +
        out.samples.map((s) => `  after ${s.calls}: wasm ${MiB(s.wasm)}, heap ${MiB(s.heap)}`).join("\n"),
    );
    expect(out.end.calls).toBe(TOTAL_CALLS);
    expect(out.end.wasm).toBe(out.warm.wasm);
    for (const s of out.samples) expect(s.wasm).toBe(out.warm.wasm);
    expect(Math.abs(out.end.heap - out.warm.heap)).toBeLessThan(HEAP_MARGIN);
  });

  it("reports RSS after loading o200k_base in a fresh process", () => {
    const code = `
      const base = process.memoryUsage().rss;
      const { getEncodingSync } = await import(${JSON.stringify(pathToFileURL(DIST).href)});
      const enc = getEncodingSync("o200k_base");
      enc.encode("hello world");
      const m = process.memoryUsage();
      console.log(JSON.stringify({ base, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }));`;
    const runs = Array.from({ length: 3 }, () => JSON.parse(runNode(["--input-type=module", "-e", code])) as Record<string, number>);
    const med = (k: string) => runs.map((r) => r[k]!).sort((a, b) => a - b)[1]!;
    console.log(
      `RSS after loading o200k_base (fresh node, median of 3): ${MiB(med("rss"))} (empty process ${MiB(med("base"))}; ` +
        `heapUsed ${MiB(med("heapUsed"))}, external ${MiB(med("external"))}, arrayBuffers ${MiB(med("arrayBuffers"))}); target < 60 MiB`,
    );
    expect(med("rss")).toBeGreaterThan(0);
  });
});
