#!/usr/bin/env node
// Throughput of the alternative segmentations (src/encoders) against the exact BPE encoder, on
// the benchmark corpora (scripts/corpus.mjs: ~1 MB each of prose, code, multilingual):
//
//   node bench/min-tokens.mjs [--encoding o200k_base] [--rounds 5]
//
// src/encoders is not in dist/ yet, so it is bundled here with esbuild (a devDependency) into
// build/bench-segment.mjs, sharing one copy of the library with the Encoding it segments.
// Needs `npm run build` (vocab files). Each number is the best of `rounds` timed passes over the
// whole corpus string after one warm-up pass (which also builds the vocabulary trie, timed
// separately); MB/s are UTF-8 megabytes (10^6 bytes) per second.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadCorpus } from "../scripts/corpus.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ENCODING = opt("--encoding", "o200k_base");
const ROUNDS = Number(opt("--rounds", "5"));

mkdirSync(path.join(root, "build"), { recursive: true });
const outfile = path.join(root, "build", "bench-segment.mjs");
await build({
  stdin: {
    contents: 'export * from "./src/index.ts"; export * from "./src/encoders/index.ts"; export { vocabIndex } from "./src/encoders/vocab-trie.ts";',
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  outfile,
  logLevel: "error",
});
const lib = await import(pathToFileURL(outfile).href);

const corpus = loadCorpus();
const enc = lib.getEncodingSync(ENCODING);
let t = performance.now();
const index = lib.vocabIndex(enc);
const trieMs = performance.now() - t;
console.log(`${ENCODING} (${enc.engine} engine): vocabulary trie of ${index.trie.nTokens} tokens, ${index.trie.tokenOf.length} nodes, built in ${trieMs.toFixed(0)} ms`);

t = performance.now();
lib.segment(enc, "a b", { segmentation: "min-tokens" });
const wasmTrieMs = performance.now() - t;
if (enc.engine === "wasm") console.log(`WASM core: prefix index + min-tokens trie built in ${wasmTrieMs.toFixed(0)} ms`);
// the TypeScript DP (src/encoders/min-tokens.ts) over the same pre-tokenizer, for the A/B
const PATTERN = { r50k_base: 0, p50k_base: 0, cl100k_base: 1, o200k_base: 2 }[ENCODING];
const tsSplitter = lib.scannerSplitter(PATTERN);
const RUNS = [
  ["bpe (encodeOrdinary)", (s) => enc.encodeOrdinary(s)],
  ["min-tokens", (s) => lib.segment(enc, s, { segmentation: "min-tokens" })],
  ["min-tokens (TS DP)", (s) => lib.segmentWithPieces(enc, () => tsSplitter, s, { segmentation: "min-tokens" })],
  ["longest-first", (s) => lib.segment(enc, s, { segmentation: "longest-first" })],
  ["dropout p=0.1", (s) => lib.segment(enc, s, { segmentation: "dropout", p: 0.1, seed: 1 })],
  ["bytes", (s) => lib.segment(enc, s, { segmentation: "bytes" })],
];
const rows = [];
for (const c of ["prose", "code", "multilingual"]) {
  const text = corpus[c];
  const mb = Buffer.byteLength(text, "utf8") / 1e6;
  let minIds;
  for (const [name, f] of RUNS) {
    let ids = f(text);
    if (name.startsWith("min-tokens")) {
      if (minIds === undefined) minIds = ids;
      else if (ids.length !== minIds.length || ids.some((v, k) => v !== minIds[k])) throw new Error(`${c}: ${name} gives other ids than the engine's min-tokens`);
    }
    let best = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      enc.clearCache();
      t = performance.now();
      ids = f(text);
      best = Math.min(best, performance.now() - t);
    }
    rows.push({ corpus: c, segmentation: name, MB: mb.toFixed(2), tokens: ids.length, "MB/s": (mb / (best / 1000)).toFixed(1) });
  }
}
console.table(rows);
