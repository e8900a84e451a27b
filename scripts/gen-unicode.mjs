#!/usr/bin/env node
// Generates the per-code-point class table (DESIGN.md, "Unicode classes") from a pinned
// @unicode/unicode-X package, never from the running engine's \p{...}: Node's Unicode version
// moves with Node releases and would silently drift from the reference tokenizer.
//
//   node scripts/gen-unicode.mjs [--version 16.0.0] [--check]
//
// Writes assembly/pretok/unicode-table.ts and src/text/unicode-table.ts. With --check, instead of writing,
// compiles both generated files (asc / tsc transpile) and compares them with the source data for
// every code point 0..0x10FFFF, using the version recorded in the generated files.

import { readFile, writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// 16.0.0 is what the reference (tiktoken@1.0.22, Rust regex tables) uses: an exhaustive
// comparison over every code point gave 0 differences with 16.0.0 and ~5000 with 15.0.0.
const DEFAULT_VERSION = "16.0.0";
const SUPPORTED = ["15.0.0", "15.1.0", "16.0.0"];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const AS_OUT = join(ROOT, "assembly/pretok/unicode-table.ts");
const TS_OUT = join(ROOT, "src/text/unicode-table.ts");

const CP_COUNT = 0x110000;
const BLOCK_SHIFT = 8;
const BLOCK_SIZE = 1 << BLOCK_SHIFT;
const INDEX_LEN = CP_COUNT >> BLOCK_SHIFT;

const CLASS_NAMES = ["OTHER", "UPPER", "LOWER", "LETTER", "MARK", "NUMBER", "SPACE"];
const SOURCES = [
  ["General_Category/Uppercase_Letter", 1],
  ["General_Category/Titlecase_Letter", 1],
  ["General_Category/Lowercase_Letter", 2],
  ["General_Category/Modifier_Letter", 3],
  ["General_Category/Other_Letter", 3],
  ["General_Category/Mark", 4],
  ["General_Category/Number", 5],
  ["Binary_Property/White_Space", 6],
];

function parseArgs(argv) {
  const opts = { version: DEFAULT_VERSION, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--check") opts.check = true;
    else if (a === "--version") opts.version = argv[++i];
    else if (a.startsWith("--version=")) opts.version = a.slice("--version=".length);
    else if (/^\d+\.\d+\.\d+$/.test(a)) opts.version = a;
    else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!SUPPORTED.includes(opts.version)) {
    throw new Error(`unsupported Unicode version ${opts.version}; installed: ${SUPPORTED.join(", ")}`);
  }
  return opts;
}

/** Class of every code point, as a flat array. */
export async function buildClasses(version) {
  const classes = new Uint8Array(CP_COUNT);
  for (const [path, cls] of SOURCES) {
    // ranges.mjs (half-open [begin, end)) avoids materialising million-element code point arrays.
    const ranges = (await import(`@unicode/unicode-${version}/${path}/ranges.mjs`)).default;
    if (!Array.isArray(ranges) || ranges.length === 0) throw new Error(`no ranges in ${path}`);
    for (const { begin, end } of ranges) {
      if (!(begin >= 0 && begin < end && end <= CP_COUNT)) throw new Error(`bad range ${begin}..${end} in ${path}`);
      for (let cp = begin; cp < end; cp++) {
        // General categories partition the code space, so any overlap means we misread the data,
        // and White_Space overlapping L/M/N would break DESIGN.md's one-class-per-cp contract.
        if (classes[cp] !== 0) {
          throw new Error(`U+${hex(cp)} is both ${CLASS_NAMES[classes[cp]]} and ${CLASS_NAMES[cls]} (${path})`);
        }
        classes[cp] = cls;
      }
    }
  }
  return classes;
}

/** Two-level table: index[cp >> 8] names a deduplicated 256-entry block of classes. */
export function buildTwoLevel(classes) {
  const index = new Uint8Array(INDEX_LEN);
  const seen = new Map();
  const blocks = [];
  for (let b = 0; b < INDEX_LEN; b++) {
    const block = classes.subarray(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
    const key = block.join("");
    let id = seen.get(key);
    if (id === undefined) {
      id = blocks.length;
      seen.set(key, id);
      blocks.push(block);
    }
    index[b] = id;
  }
  if (blocks.length > 256) throw new Error(`${blocks.length} distinct blocks do not fit a u8 index`);
  // Blocks are numbered in order of first use, so block 0 is U+0000..U+00FF and Latin-1 lookups
  // can skip the index.
  const data = new Uint8Array(blocks.length * BLOCK_SIZE);
  blocks.forEach((block, i) => data.set(block, i * BLOCK_SIZE));
  return { index, blocks: data, nBlocks: blocks.length };
}

// Run-length + 6-bit varint text encoding for the TS table: runs are long (a few thousand runs
// for 1.1M code points), so this is ~5x smaller than base64 of the raw bytes, and decoding needs
// neither atob nor Buffer. Each run is the number ((length - 1) << valueBits) | value, written
// little-endian in 5-bit groups, one base64-alphabet char per group, bit 5 = "more follows".
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function encodeRuns(bytes, valueBits) {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const v = bytes[i];
    if (v >= 1 << valueBits) throw new Error(`value ${v} does not fit ${valueBits} bits`);
    let j = i + 1;
    while (j < bytes.length && bytes[j] === v) j++;
    let n = (j - i - 1) * (1 << valueBits) + v;
    do {
      const group = n % 32;
      n = Math.floor(n / 32);
      out += ALPHABET[group | (n > 0 ? 32 : 0)];
    } while (n > 0);
    i = j;
  }
  return out;
}

// Kept in sync with the decoder emitted into src/text/unicode-table.ts; --check exercises that one.
function decodeRuns(text, valueBits, out) {
  let pos = 0;
  for (let i = 0; i < text.length; ) {
    let n = 0;
    let scale = 1;
    let d;
    do {
      d = ALPHABET.indexOf(text[i++]);
      n += (d & 31) * scale;
      scale *= 32;
    } while (d & 32);
    const mask = (1 << valueBits) - 1;
    out.fill(n & mask, pos, (pos += Math.floor(n / (1 << valueBits)) + 1));
  }
  if (pos !== out.length) throw new Error(`decoded ${pos} bytes, expected ${out.length}`);
  return out;
}

function hex(cp) {
  return cp.toString(16).toUpperCase().padStart(4, "0");
}

function banner(version) {
  return `// Generated by scripts/gen-unicode.mjs from @unicode/unicode-${version}; do not edit.\n`;
}

function numberLines(bytes, perLine, indent) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += perLine) {
    lines.push(indent + Array.from(bytes.subarray(i, i + perLine)).join(",") + ",");
  }
  return lines.join("\n");
}

function wrapString(s, width, indent) {
  const parts = [];
  for (let i = 0; i < s.length; i += width) parts.push(`${indent}"${s.slice(i, i + width)}"`);
  return parts.join(" +\n");
}

function constants(type) {
  return CLASS_NAMES.map((n, i) => `export const CLASS_${n}${type} = ${i};`).join("\n");
}

function emitAssembly(version, { index, blocks, nBlocks }) {
  return `${banner(version)}// Class of each code point (DESIGN.md, "Unicode classes"): ${nBlocks} distinct 256-entry
// blocks of u8 classes, selected by a u8 index over cp >> 8.

${constants(": u32")}

// Index and blocks share one static segment; blocks start right after the ${INDEX_LEN}-byte index.
// @ts-ignore: decorator
@lazy const CLASS_TABLE: usize = memory.data<u8>([
  // index: block number for each 256-code-point page
${numberLines(index, 64, "  ")}
  // blocks
${numberLines(blocks, 64, "  ")}
]);

// @ts-ignore: decorator
@inline export function classOf(cp: u32): u32 {
  // Block 0 is U+0000..U+00FF, so Latin-1 (most text, all pattern syntax) skips the index.
  if (cp < ${BLOCK_SIZE}) return <u32>load<u8>(CLASS_TABLE + ${INDEX_LEN} + <usize>cp);
  if (cp >= ${CP_COUNT}) return CLASS_OTHER;
  const block = <usize>load<u8>(CLASS_TABLE + <usize>(cp >> ${BLOCK_SHIFT}));
  return <u32>load<u8>(CLASS_TABLE + ${INDEX_LEN} + (block << ${BLOCK_SHIFT}) + <usize>(cp & ${BLOCK_SIZE - 1}));
}
`;
}

function emitTypeScript(version, { index, blocks, nBlocks }) {
  return `${banner(version)}// Class of each code point (DESIGN.md, "Unicode classes"): ${nBlocks} distinct 256-entry
// blocks of classes, selected by an index over cp >> 8. Stored run-length encoded as text and
// expanded on the first classOf (~${((INDEX_LEN + blocks.length) / 1024).toFixed(0)} KB), not at import: importing the whole
// API evaluates this module even when the JS engine is never used (PERFORMANCE.md C2); see
// decodeRuns.

export const UNICODE_VERSION = "${version}";

${constants("")}

const ALPHABET = "${ALPHABET}";

/**
 * Runs of equal bytes, each written as ((length - 1) << valueBits) | value in 5-bit groups,
 * least significant first, one base64-alphabet char per group with bit 5 meaning "more follows".
 * Plain string work, so it runs the same in Node and browsers (no atob, no Buffer).
 */
function decodeRuns(text: string, valueBits: number, length: number): Uint8Array {
  const digit = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) digit[ALPHABET.charCodeAt(i)] = i;
  const out = new Uint8Array(length);
  const mask = (1 << valueBits) - 1;
  const runUnit = 1 << valueBits;
  let pos = 0;
  for (let i = 0; i < text.length; ) {
    let n = 0;
    let scale = 1;
    let d: number;
    do {
      d = digit[text.charCodeAt(i++)]!;
      n += (d & 31) * scale;
      scale *= 32;
    } while (d & 32);
    const end = pos + Math.floor(n / runUnit) + 1;
    out.fill(n & mask, pos, end);
    pos = end;
  }
  if (pos !== length) throw new Error(\`unicode-table: decoded \${pos} bytes, expected \${length}\`);
  return out;
}

/** Block number of each 256-code-point page (\`cp >> 8\`), run-length encoded. */
const INDEX_RUNS =
${wrapString(encodeRuns(index, 8), 96, "  ")};

/** Concatenated 256-entry class blocks (block 0 is U+0000..U+00FF), run-length encoded. */
const BLOCK_RUNS =
${wrapString(encodeRuns(blocks, 3), 96, "  ")};

/**
 * Class of each ASCII code point (the start of block 0), for the JS engine's byte-at-a-time fast
 * paths: a literal, so that they need not expand the tables at import either.
 */
export const ASCII_CLASSES: Uint8Array = new Uint8Array([
${numberLines(blocks.subarray(0, 128), 64, "  ")}
]);

let classIndex: Uint8Array | undefined;
let classBlocks: Uint8Array | undefined;

/** Expands both tables (once); returns the blocks. */
function expandTables(): Uint8Array {
  classIndex = decodeRuns(INDEX_RUNS, 8, ${INDEX_LEN});
  return (classBlocks = decodeRuns(BLOCK_RUNS, 3, ${blocks.length}));
}

/** Class of a code point; anything outside 0..0x10FFFF is OTHER. */
export function classOf(cp: number): number {
  const blocks = classBlocks ?? expandTables();
  if (cp < ${BLOCK_SIZE}) return cp >= 0 ? blocks[cp]! : CLASS_OTHER;
  if (cp >= ${CP_COUNT}) return CLASS_OTHER;
  return blocks[(classIndex![cp >>> ${BLOCK_SHIFT}]! << ${BLOCK_SHIFT}) | (cp & ${BLOCK_SIZE - 1})]!;
}
`;
}

async function generate(version) {
  const classes = await buildClasses(version);
  const table = buildTwoLevel(classes);
  // Guard the encoder against itself before anything is written.
  const idx = decodeRuns(encodeRuns(table.index, 8), 8, new Uint8Array(table.index.length));
  const blk = decodeRuns(encodeRuns(table.blocks, 3), 3, new Uint8Array(table.blocks.length));
  if (idx.some((v, i) => v !== table.index[i]) || blk.some((v, i) => v !== table.blocks[i])) {
    throw new Error("run-length round trip failed");
  }
  const asSrc = emitAssembly(version, table);
  const tsSrc = emitTypeScript(version, table);
  await writeFile(AS_OUT, asSrc);
  await writeFile(TS_OUT, tsSrc);
  const counts = new Array(CLASS_NAMES.length).fill(0);
  for (const c of classes) counts[c]++;
  console.log(`Unicode ${version}: ${table.nBlocks} blocks, table ${INDEX_LEN + table.blocks.length} bytes`);
  console.log(`  ${CLASS_NAMES.map((n, i) => `${n}=${counts[i]}`).join(" ")}`);
  console.log(`  ${AS_OUT.slice(ROOT.length + 1)}: ${asSrc.length} bytes`);
  console.log(`  ${TS_OUT.slice(ROOT.length + 1)}: ${tsSrc.length} bytes`);
}

async function check() {
  const tsSrc = await readFile(TS_OUT, "utf8");
  const asSrc = await readFile(AS_OUT, "utf8");
  const version = /UNICODE_VERSION = "([\d.]+)"/.exec(tsSrc)?.[1];
  const asVersion = /@unicode\/unicode-([\d.]+);/.exec(asSrc)?.[1];
  if (!version || version !== asVersion) {
    throw new Error(`generated files disagree on the Unicode version (${version} vs ${asVersion})`);
  }
  const expected = await buildClasses(version);
  const dir = await mkdtemp(join(tmpdir(), "gen-unicode-"));
  try {
    const ts = (await import("typescript")).default;
    const js = ts.transpileModule(tsSrc, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 },
    }).outputText;
    await writeFile(join(dir, "unicode-table.mjs"), js);
    const tsMod = await import(pathToFileURL(join(dir, "unicode-table.mjs")).href);

    const asc = (await import("assemblyscript/asc")).default;
    const wasmPath = join(dir, "unicode-table.wasm");
    // An empty config keeps the project's asconfig.json (its entries, targets) out of this check.
    const config = join(dir, "asconfig.json");
    await writeFile(config, "{}");
    const { error, stderr } = await asc.main(
      [AS_OUT, "--config", config, "--runtime", "stub", "-O3", "--outFile", wasmPath],
      { stdout: process.stdout, stderr: process.stderr },
    );
    if (error) throw new Error(`asc failed: ${error.message}\n${stderr}`);
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      env: { abort: () => { throw new Error("abort"); } },
    });
    const wasmClassOf = instance.exports.classOf;

    let bad = 0;
    for (let cp = 0; cp < CP_COUNT; cp++) {
      const want = expected[cp];
      const a = tsMod.classOf(cp);
      const b = wasmClassOf(cp);
      if (a !== want || b !== want) {
        if (bad++ < 10) console.error(`U+${hex(cp)}: source ${want}, ts ${a}, wasm ${b}`);
      }
    }
    for (const cp of [-1, 0x110000, 0xffffffff]) {
      if (tsMod.classOf(cp) !== 0 || wasmClassOf(cp) !== 0) bad++, console.error(`out of range ${cp} not OTHER`);
    }
    for (let cp = 0; cp < 128; cp++) {
      if (tsMod.ASCII_CLASSES[cp] !== expected[cp]) bad++, console.error(`ASCII_CLASSES[${cp}] is ${tsMod.ASCII_CLASSES[cp]}, not ${expected[cp]}`);
    }
    const names = CLASS_NAMES.every((n, i) => tsMod[`CLASS_${n}`] === i) && tsMod.UNICODE_VERSION === version;
    if (!names) bad++, console.error("TS constants or UNICODE_VERSION wrong");
    if (bad) throw new Error(`${bad} mismatches`);
    const wasmSize = (await readFile(wasmPath)).length;
    console.log(`ok: TS and WASM classOf match @unicode/unicode-${version} for all ${CP_COUNT} code points (wasm ${wasmSize} bytes)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
if (opts.check) await check();
else await generate(opts.version);
