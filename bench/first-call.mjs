#!/usr/bin/env node
// A worst-case kind's first calls in a fresh process (PERFORMANCE.md W26): what a process pays
// once, the first time a kind's long pieces reach a path with per-process state (the small-
// alphabet pass's pair table), against a call after it on other text of the same kind.
//
//   node bench/first-call.mjs [kind] [encoding]      (defaults: spaces o200k_base)
//
// Prints, in ms: the first 100 KB, then 1 MB, then another 1 MB (another seed) with the piece
// cache emptied. Run it a few times (or with V8 flags such as --liftoff-only) to compare.
import { makeInput } from "./lib/inputs.mjs";

const kind = process.argv[2] ?? "spaces";
const { getEncodingSync } = await import("tokenmill");
const enc = getEncodingSync(process.argv[3] ?? "o200k_base");
const a = makeInput(kind, 1 << 20);
const b = makeInput(kind, (1 << 20) - 1);
const timed = (text) => {
  const t = performance.now();
  enc.encodeOrdinary(text);
  return (performance.now() - t).toFixed(1);
};
const first100k = timed(makeInput(kind, 100_000));
const first1m = timed(a);
enc.clearCache();
const other1m = timed(b);
console.log(`${kind} (${enc.name}): first 100 KB ${first100k} ms, then 1 MB ${first1m} ms, then another 1 MB ${other1m} ms`);
