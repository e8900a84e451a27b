#!/usr/bin/env node
// The prefix index behind tokensWithPrefix / tokensConsistentWith / heal / coverEncodings
// (assembly/openai/prefix.ts): the time of its lazy build (the first query sorts the vocabulary
// in WASM) and of queries on random prefixes of real text.
//
//   npm run build && node bench/prefix.mjs [--encoding o200k_base] [--runs 5] [--engine wasm|js]
//
// Each run is a fresh Node process (the index is built once per Encoding); the build figure is
// the median over runs. Queries: 20,000 prefixes, each the first 1..8 bytes of a random
// position in the benchmark corpus (scripts/corpus.mjs prose/code/multilingual, cut to whole
// characters), in sorted-id form and as a mask; µs per query.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ENCODING = opt("--encoding", "o200k_base");
const ENGINE = opt("--engine", "wasm");
const RUNS = Number(opt("--runs", "5"));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

if (args.includes("--child")) {
  const { getEncodingSync } = await import(path.join(root, "dist", "index.js"));
  const { loadCorpus } = await import(path.join(root, "scripts", "corpus.mjs"));
  const enc = getEncodingSync(ENCODING, { engine: ENGINE });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  enc.tokensWithPrefix(new Uint8Array(0)); // builds the index
  const build = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const buildCpu = (cpu.user + cpu.system) / 1000; // all threads: V8's background compiles too
  const corpus = await loadCorpus();
  const text = Object.values(corpus).join("\n");
  const bytes = new TextEncoder().encode(text);
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const prefixes = [];
  while (prefixes.length < 20000) {
    let at = Math.floor(rnd() * (bytes.length - 16));
    while ((bytes[at] & 0xc0) === 0x80) at++;
    prefixes.push(bytes.subarray(at, at + 1 + Math.floor(rnd() * 8)));
  }
  const time = (f) => {
    for (const p of prefixes.slice(0, 2000)) f(p); // warm-up
    const t = performance.now();
    let n = 0;
    for (const p of prefixes) n += f(p).length;
    return { us: ((performance.now() - t) * 1000) / prefixes.length, n };
  };
  const ids = time((p) => enc.tokensWithPrefix(p));
  const consistent = time((p) => enc.tokensConsistentWith(p));
  const mask = time((p) => enc.tokensConsistentWith(p, { mask: true }));
  console.log(JSON.stringify({ build, buildCpu, ids: ids.us, consistent: consistent.us, mask: mask.us, avgIds: ids.n / prefixes.length }));
} else {
  const results = [];
  for (let r = 0; r < RUNS; r++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", "--encoding", ENCODING, "--engine", ENGINE], { encoding: "utf8" });
    results.push(JSON.parse(out.trim().split("\n").pop()));
  }
  const median = (k) => results.map((x) => x[k]).sort((a, b) => a - b)[results.length >> 1];
  console.log(`prefix index, ${ENCODING}, ${ENGINE} engine, median of ${RUNS} fresh processes`);
  console.log(`  build (first query):             ${median("build").toFixed(1)} ms wall, ${median("buildCpu").toFixed(1)} ms CPU   (wall: ${results.map((x) => x.build.toFixed(1)).join(", ")})`);
  console.log(`  tokensWithPrefix:                ${median("ids").toFixed(2)} µs/query (${median("avgIds").toFixed(1)} ids on average)`);
  console.log(`  tokensConsistentWith:            ${median("consistent").toFixed(2)} µs/query`);
  console.log(`  tokensConsistentWith mask:       ${median("mask").toFixed(2)} µs/query (${Math.ceil(200019 / 32)} words)`);
}
