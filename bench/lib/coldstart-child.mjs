// Child of bench/coldstart.mjs: loads one library's o200k_base, encodes once, prints JSON.
// performance.now() counts from the process's time origin (process start). The harness's own
// module is imported before tBoot, so that "import+load" times the library alone: from the start
// of its import to its encoding ready.
import { loadLib, ROOT } from "./common.mjs";
const tBoot = performance.now();
const lib = process.argv[2];
const encName = process.argv[3] ?? "o200k_base";
const text = "Hello, world! The quick brown fox jumps over the lazy dog. 1234567 — ça va? 你好";
if (lib === "tokenmill:init") {
  // the engine's own init alone (bench/coldstart.mjs): vocab bytes already read
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { getEncodingSync } = await import(path.join(ROOT, "dist", "index.js"));
  const vocab = new Uint8Array(fs.readFileSync(path.join(ROOT, "vocab", `${encName}.tkv`)));
  const wasm = fs.readFileSync(path.join(ROOT, "build", "tokenmill.wasm"));
  const t0 = performance.now();
  const module = new WebAssembly.Module(wasm);
  const t1 = performance.now();
  getEncodingSync(encName, { vocab, wasm: module });
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ initMs: t2 - t0, compileMs: t1 - t0 }) + "\n");
  process.exit(0);
}
let ids = [];
let tLoaded = tBoot;
let rssLoaded = process.memoryUsage().rss;
if (lib !== "node") {
  const L = await loadLib(lib, encName);
  tLoaded = performance.now();
  rssLoaded = process.memoryUsage().rss;
  ids = await L.encode(text);
}
const tFirst = performance.now();
const mem = process.memoryUsage();
process.stdout.write(JSON.stringify({ lib, tBoot, tLoaded, tFirst, rssLoaded, rssAfter: mem.rss, heapUsed: mem.heapUsed, external: mem.external + (mem.arrayBuffers ?? 0), nIds: ids.length }) + "\n");
