#!/usr/bin/env node
// What the by-script figures (bench/scripts.mjs) owe to their context: the same texts and loop
// (best of N, piece caches cleared), with tokenmill timed
//   interleaved  between the peers' runs, as bench/scripts.mjs does;
//   alone        with no peer run in between (the same texts, in the same order);
//   evicted      alone, but 64 MB of memory touched before each run (every cache line of the
//                engine's tables pushed out, as a peer's run does);
// and tiktoken interleaved for the ratio. The texts are 23–291 KB, 1–15 ms each, so what a text
// costs while the hash table, filter and piece cache come back into the caches is a large part
// of it (PERFORMANCE.md #49).
//
//   node bench/scripts-context.mjs [--encoding o200k_base] [--rounds N] [--scripts Han,Latin]
import { loadCorpus } from "../scripts/corpus.mjs";
import { groupByScript } from "./lib/script-groups.mjs";
import { loadLib, textTable, fmt } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const ENC = opt("encoding", "o200k_base");
const ROUNDS = Number(opt("rounds", "7"));
const ONLY = opt("scripts", "Latin,Cyrillic,Han,Hiragana+Katakana").split(",");
const PEERS = ["tiktoken", "@microsoft/tiktokenizer", "gpt-tokenizer", "ai-tokenizer"];

const texts = groupByScript(loadCorpus({}).multilingual, { minBytes: 20_000 }).filter(([s]) => ONLY.includes(s));
const tm = await loadLib("tokenmill", ENC);
const peers = [];
for (const name of PEERS) peers.push(await loadLib(name, ENC));
const junk = new Uint8Array(64 << 20);
const evict = () => {
  for (let i = 0; i < junk.length; i += 64) junk[i]++;
};

async function timeOnce(lib, text) {
  lib.clearCache();
  const t0 = performance.now();
  await lib.encode(text);
  return performance.now() - t0;
}

const rows = [];
for (const [script, text] of texts) {
  const kb = Buffer.byteLength(text) / 1e3;
  let interleaved = Infinity;
  let tiktoken = Infinity;
  const all = [tm, ...peers];
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < all.length; k++) {
      const i = (k + r) % all.length;
      const ms = await timeOnce(all[i], text);
      if (i === 0) interleaved = Math.min(interleaved, ms);
      if (i === 1) tiktoken = Math.min(tiktoken, ms);
    }
  }
  let alone = Infinity;
  let evicted = Infinity;
  for (let r = 0; r < ROUNDS; r++) alone = Math.min(alone, await timeOnce(tm, text));
  for (let r = 0; r < ROUNDS; r++) {
    evict();
    evicted = Math.min(evicted, await timeOnce(tm, text));
  }
  const mbs = (ms) => kb / ms;
  rows.push([
    `${ENC.replace("_base", "")} ${script}`,
    `${kb.toFixed(0)} KB`,
    fmt(mbs(interleaved)),
    fmt(mbs(alone)),
    fmt(mbs(evicted)),
    fmt(mbs(tiktoken)),
    `${(tiktoken / interleaved).toFixed(1)}×`,
    `${(tiktoken / alone).toFixed(1)}×`,
  ]);
  process.stdout.write(`${rows.at(-1).join("  ")}\n`);
}
console.log(
  textTable(
    ["encoding · script", "text", "tokenmill interleaved MB/s", "alone", "alone, caches evicted", "tiktoken interleaved", "÷ tiktoken (interleaved)", "÷ tiktoken (alone)"],
    rows,
  ),
);
