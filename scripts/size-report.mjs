#!/usr/bin/env node
// Prints what a browser downloads, raw / gzip -9 / brotli q11, and records it in bench/RESULTS.md
// (between <!-- sizes:start --> and <!-- sizes:end -->; the rest of the file is left alone).
// Runs after every `rollup -c` (rollup.config.mjs) and on its own:
//
//   node scripts/size-report.mjs [--no-write] [--check]
//
// "entry" = the ESM entry file plus every chunk it imports statically (each file compressed on
// its own, as a server sends them); the JS fallback engine is a dynamic import of the
// per-encoding entries and is listed apart. Targets (issue 5), brotli: the o200k_base entry
// ≤ 30 KB, the entry + vocab/o200k_base.tkp ≤ 0.7 MB (1 KB = 1000 bytes). --check exits 1 if
// a target is missed. Compressed sizes are cached in build/size-cache.json by content hash.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = new URL("../", import.meta.url);
const DIST = new URL("dist/", ROOT);
const VOCAB = new URL("vocab/", ROOT);
const RESULTS = new URL("bench/RESULTS.md", ROOT);
const CACHE = new URL("build/size-cache.json", ROOT);
const ENTRY_TARGET = 30_000;
const TOTAL_TARGET = 700_000;
const ENCODINGS = ["o200k_base", "o200k_harmony", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"];

let cache = {};
try {
  cache = JSON.parse(readFileSync(CACHE, "utf8"));
} catch {}

function sizes(bytes) {
  const key = createHash("sha256").update(bytes).digest("hex");
  if (!cache[key]) {
    const brotli = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length;
    cache[key] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli };
  }
  return cache[key];
}

function add(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

const ZERO = { raw: 0, gzip: 0, brotli: 0 };

/** Static import closure of an ESM file in dist/, and the dynamic imports found on the way. */
function closure(file) {
  const seen = new Set();
  const dynamic = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    const text = readFileSync(new URL(f, DIST), "utf8");
    // static imports and re-exports, minified (`import{a as b}from"./chunk-…"`) or not
    for (const m of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[^'";]*?from\s*)?['"]\.\/([^'"]+)['"]/g)) visit(m[1]);
    for (const m of text.matchAll(/import\(\s*['"]\.\/([^'"]+)['"]\s*\)/g)) dynamic.add(m[1]);
  };
  visit(file);
  for (const f of seen) dynamic.delete(f);
  return { files: [...seen], dynamic: [...dynamic] };
}

function filesSize(files) {
  return files.reduce((acc, f) => add(acc, sizes(readFileSync(new URL(f, DIST)))), ZERO);
}

const kb = (n) => (n / 1000).toFixed(1);
const row = (label, s, note = "") => `| ${label} | ${s.raw.toLocaleString("en")} | ${s.gzip.toLocaleString("en")} | ${s.brotli.toLocaleString("en")} |${note ? ` ${note}` : ""}`;

export async function report({ write = true, check = false, quiet = false } = {}) {
  const lines = [];
  lines.push("## Download sizes");
  lines.push("");
  lines.push("Written by `scripts/size-report.mjs` after every build. Bytes; gzip -9 and brotli q11 of each file on its own, as a server would send it. \"entry\" = the ESM entry plus the chunks it imports statically.");
  lines.push("");
  lines.push("| what | raw | gzip | brotli |");
  lines.push("| --- | ---: | ---: | ---: |");
  const wasmFile = new URL("build/tokenmill.wasm", ROOT);
  if (existsSync(wasmFile)) lines.push(row("WASM engine alone (`build/tokenmill.wasm`; inlined as base64 in the entries)", sizes(readFileSync(wasmFile))));
  const entrySizes = {};
  let fallback;
  for (const name of [...ENCODING_ENTRIES_PRESENT(), "worker", "worker-main", "index"]) {
    const { files, dynamic } = closure(`${name}.js`);
    entrySizes[name] = filesSize(files);
    const label = name === "index" ? "`tokenmill` (index: whole API, JS engine included)" : name.startsWith("worker") ? `\`${name}.js\`` : `\`tokenmill/${name}\` entry`;
    lines.push(row(label, entrySizes[name]));
    if (dynamic.length && !fallback) fallback = filesSize(dynamic);
  }
  if (fallback) lines.push(row("JS fallback engine (dynamic chunk, fetched only without WASM or with engine \"js\")", fallback));
  for (const f of readdirSync(VOCAB).filter((f) => /\.tk[vp]$/.test(f)).sort()) {
    lines.push(row(`\`vocab/${f}\`${f.endsWith(".tkp") ? " (packed; what browsers fetch)" : ""}`, sizes(readFileSync(new URL(f, VOCAB)))));
  }
  const entry = entrySizes.o200k_base;
  const total = add(entry, sizes(readFileSync(new URL("o200k_base.tkp", VOCAB))));
  lines.push(row("**o200k_base counting in a browser: entry + `o200k_base.tkp`**", total));
  lines.push("");
  const okEntry = entry.brotli <= ENTRY_TARGET;
  const okTotal = total.brotli <= TOTAL_TARGET;
  lines.push(`Targets (brotli): o200k_base entry ${kb(entry.brotli)} KB ≤ ${kb(ENTRY_TARGET)} KB ${okEntry ? "✓" : "✗"}; entry + vocab ${kb(total.brotli)} KB ≤ ${kb(TOTAL_TARGET)} KB ${okTotal ? "✓" : "✗"}.`);
  const text = lines.join("\n");

  mkdirSync(new URL("build/", ROOT), { recursive: true });
  writeFileSync(CACHE, JSON.stringify(cache));
  if (!quiet) console.log(text.replace(/\| ---.*\n/, "").replace(/^## .*\n\n.*\n\n/, "sizes (bytes: raw / gzip / brotli):\n"));
  if (write) {
    const block = `<!-- sizes:start -->\n${text}\n<!-- sizes:end -->`;
    let md = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# tokenmill benchmarks\n";
    const re = /<!-- sizes:start -->[\s\S]*?<!-- sizes:end -->/;
    md = re.test(md) ? md.replace(re, block) : `${md.trimEnd()}\n\n${block}\n`;
    writeFileSync(RESULTS, md);
  }
  if (check && !(okEntry && okTotal)) {
    console.error("size-report: a size target is missed");
    process.exitCode = 1;
  }
  return { entry, total, okEntry, okTotal };
}

function ENCODING_ENTRIES_PRESENT() {
  return ENCODINGS.filter((n) => existsSync(new URL(`${n}.js`, DIST)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await report({ write: !process.argv.includes("--no-write"), check: process.argv.includes("--check") });
}
