#!/usr/bin/env node
// Builds vocab/<name>.tki, the table image of each vocab/<name>.tkv (DESIGN.md "Table images"):
// the WASM core's hash table, byte and pair ranks and filter as its init builds them, so that
// Node can copy them into a new engine instead of inserting every token (o200k_base: ~200 K
// random writes into a 4 MB table, most of a cold start's engine init). Needs build/tokenmill.wasm
// (npm run build:wasm) and the .tkv files (npm run build:vocab).
//
//   node scripts/build-table-images.mjs
//
// File: 32-byte header — "TKI1", u32 image version, u32 size of the .tkv it was made from, u32
// body size, u64 checksum of the body (the core's tablesChecksum), the first 8 bytes of the
// sha256 in the .tkv's header — then the body (little-endian). Before using a body the engine
// checks the checksum, the vocab key, every token's offsets and a lookup of every 61st token, and
// builds the tables itself when a check fails: a stale or damaged image costs time, never ids.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const VOCAB_DIR = join(ROOT, "vocab");
export const TABLE_IMAGE_MAGIC = 0x31494b54; // "TKI1"
export const TABLE_IMAGE_VERSION = 1;

const module = new WebAssembly.Module(readFileSync(join(ROOT, "build", "tokenmill.wasm")));
const imports = { env: { abort() { throw new Error("the WebAssembly engine aborted"); } } };
for (const file of readdirSync(VOCAB_DIR).filter((f) => f.endsWith(".tkv")).sort()) {
  const tkv = readFileSync(join(VOCAB_DIR, file));
  const ex = new WebAssembly.Instance(module, imports).exports;
  const at = ex.vocabAlloc(tkv.length);
  new Uint8Array(ex.memory.buffer, at, tkv.length).set(tkv);
  let rc;
  do rc = ex.init(0, 1 << 16, 0);
  while (rc === 3);
  if (rc !== 0) throw new Error(`build-table-images: ${file}: the engine rejected it (init returned ${rc})`);
  const ptr = ex.tablesImagePtr();
  const size = ex.tablesImageBytes() >>> 0;
  const out = Buffer.alloc(32 + size);
  out.writeUInt32LE(TABLE_IMAGE_MAGIC, 0);
  out.writeUInt32LE(TABLE_IMAGE_VERSION, 4);
  out.writeUInt32LE(tkv.length, 8);
  out.writeUInt32LE(size, 12);
  out.writeBigUInt64LE(BigInt.asUintN(64, ex.tablesImageChecksum()), 16);
  tkv.copy(out, 24, 12, 20);
  out.set(new Uint8Array(ex.memory.buffer, ptr, size), 32);
  const name = file.replace(/\.tkv$/, ".tki");
  writeFileSync(join(VOCAB_DIR, name), out);
  console.log(`build-table-images: vocab/${name} ${(out.length / 1048576).toFixed(2)} MiB`);
}
