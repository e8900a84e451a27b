#!/usr/bin/env node
// Writes vocab/<name>.tkp (the packed form browsers fetch; src/vocab/tkp.ts, "Packed vocab")
// next to every vocab/<name>.tkv, and checks that each unpacks to its .tkv byte for byte.
// Uses the tsc output (build/tsc), so it runs after `tsc` (rollup.config.mjs calls it).
//
//   node scripts/pack-vocab.mjs

import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";

export async function packAll({ quiet = false } = {}) {
  const { packVocab, unpackVocab } = await import(new URL("../build/tsc/vocab/tkp.js", import.meta.url).href);
  const dir = new URL("../vocab/", import.meta.url);
  // The format's code: a change to any of these repacks every file.
  const formatSrc = Math.max(...["tkp.ts", "range-coder.ts", "tkv.ts"].map((f) => statSync(new URL(`../src/vocab/${f}`, import.meta.url)).mtimeMs));
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".tkv")).sort()) {
    const tkvUrl = new URL(file, dir);
    const tkpUrl = new URL(file.replace(/\.tkv$/, ".tkp"), dir);
    let fresh = false;
    try {
      const m = statSync(tkpUrl).mtimeMs;
      fresh = m >= statSync(tkvUrl).mtimeMs && m >= formatSrc;
    } catch {}
    if (fresh) continue;
    const tkv = readFileSync(tkvUrl);
    const packed = packVocab(tkv);
    if (!Buffer.from(unpackVocab(packed)).equals(tkv)) throw new Error(`pack-vocab: ${file} does not round-trip`);
    writeFileSync(tkpUrl, packed);
    if (!quiet) console.log(`pack-vocab: ${file} ${tkv.length} → ${packed.length} bytes`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await packAll();
