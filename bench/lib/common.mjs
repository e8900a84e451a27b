// Shared helpers of the bench scripts: tokenizer adapters, machine info, RESULTS.md sections.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = path.resolve(BENCH_DIR, "..");
export const RESULTS_MD = path.join(BENCH_DIR, "RESULTS.md");
export const TOKENMILL_DIST = path.join(ROOT, "dist", "index.js");

export const LIBS = ["tokenmill", "tiktoken", "js-tiktoken", "gpt-tokenizer", "ai-tokenizer", "@microsoft/tiktokenizer", "tokenizers", "@huggingface/tokenizers", "kitoken", "tiktoken-node"];
export const PEERS = LIBS.filter((l) => l !== "tokenmill");

// Encodings a peer cannot load at all (tiktoken-node 0.0.7 names no o200k): the scripts leave
// that peer out of those rows instead of failing.
const ONLY_ENCODINGS = { "tiktoken-node": ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base"] };
export function supports(lib, encName) {
  return !ONLY_ENCODINGS[lib] || ONLY_ENCODINGS[lib].includes(encName);
}
export const REFERENCE = "tiktoken";

const require = createRequire(import.meta.url);
const td = new TextDecoder();

export class TokenmillMissing extends Error {}

export function tokenmillAvailable() {
  return fs.existsSync(TOKENMILL_DIST);
}

export function tokenmillMissingMessage() {
  return (
    `tokenmill is not built: ${path.relative(process.cwd(), TOKENMILL_DIST)} does not exist.\n` +
    `Build it first (the package's build script), or pass --peers-only to benchmark the peers alone.`
  );
}

/**
 * Loads one tokenizer for one encoding. Returns
 * { lib, version, encode(text) → ids, decode(ids) → string, count?(text) → number,
 *   clearCache(), async? } — with `async: true`, encode and decode return promises (the native
 * binding of HF tokenizers has only asynchronous ones). clearCache() empties whatever memo of pieces the library keeps (a no-op
 * for those without one), so that a timed run sees text as new, like text a server has not
 * encoded before, and not the cache hits of the previous run over the same corpus.
 * Every encode treats special-token text as ordinary text (as tiktoken's encode(text, [], [])).
 */
export async function loadLib(lib, encName) {
  if (lib === `tokenmill/${encName}`) {
    // the per-encoding entry (what browsers and size-conscious apps import): same engine, a
    // smaller module graph than the whole API
    if (!tokenmillAvailable()) throw new TokenmillMissing(tokenmillMissingMessage());
    const { load } = await import(pathToFileURL(path.join(ROOT, "dist", `${encName}.js`)).href);
    return tokenmillAdapter(lib, await load());
  }
  switch (lib) {
    case "tokenmill": {
      if (!tokenmillAvailable()) throw new TokenmillMissing(tokenmillMissingMessage());
      // by name, as a user imports it: the package's "exports" give Node its Node entry
      const { getEncodingSync } = await import("tokenmill");
      return tokenmillAdapter(lib, getEncodingSync(encName));
    }
    case "tiktoken": {
      const { get_encoding } = await import("tiktoken");
      const enc = get_encoding(encName);
      return {
        lib,
        version: depVersion("tiktoken"),
        encode: (t) => enc.encode(t, [], []),
        decode: (ids) => td.decode(enc.decode(ids)),
        clearCache: () => {}, // no piece cache
      };
    }
    case "js-tiktoken": {
      const { getEncoding } = await import("js-tiktoken");
      const enc = getEncoding(encName);
      return {
        lib,
        version: depVersion("js-tiktoken"),
        encode: (t) => enc.encode(t, [], []),
        decode: (ids) => enc.decode(ids),
        clearCache: () => {}, // no piece cache
      };
    }
    case "gpt-tokenizer": {
      const m = await import(`gpt-tokenizer/encoding/${encName}`);
      const opts = { disallowedSpecial: new Set() };
      return {
        lib,
        version: depVersion("gpt-tokenizer"),
        encode: (t) => m.encode(t, opts),
        decode: (ids) => m.decode(ids),
        count: (t) => m.countTokens(t, opts),
        clearCache: () => m.clearMergeCache(),
      };
    }
    case "ai-tokenizer": {
      const { Tokenizer } = await import("ai-tokenizer");
      const data = await import(`ai-tokenizer/encoding/${encName}`);
      const tok = new Tokenizer(data);
      return {
        lib,
        version: depVersion("ai-tokenizer"),
        encode: (t) => tok.encode(t, [], []),
        decode: (ids) => tok.decode(ids),
        clearCache: () => tok.mergeCache.clear(), // its LRU of pieces (a Map); no public method
      };
    }
    // Microsoft's TypeScript port of tiktoken, loading a .tiktoken ranks file from disk as its
    // users do (written once from the pinned vocab under build/bench/; its own downloader is
    // not used). encode(text, []) allows no special token, so their text is ordinary text.
    case "@microsoft/tiktokenizer": {
      const { createTokenizer, getRegexByEncoder, getSpecialTokensByEncoder } = require("@microsoft/tiktokenizer");
      const { LRUCache } = require("@microsoft/tiktokenizer/dist/lru");
      const { tiktokenRanksFile } = await import("./openai-as-hf.mjs");
      const tok = createTokenizer(tiktokenRanksFile(encName), getSpecialTokensByEncoder(encName), getRegexByEncoder(encName));
      return {
        lib,
        version: depVersion("@microsoft/tiktokenizer"),
        encode: (t) => tok.encode(t, []),
        decode: (ids) => tok.decode(Array.from(ids)),
        // its LRU of 8192 pieces (readonly in the typings, no clear method): a fresh one
        clearCache: () => {
          tok.cache = new LRUCache(8192);
        },
      };
    }
    // HF's tokenizers on the same encoding, as a tokenizer.json converted from the same ranks
    // (bench/lib/openai-as-hf.mjs); no added tokens, so special-token text is ordinary text.
    case "tokenizers": {
      const { openaiTokenizerJson } = await import("./openai-as-hf.mjs");
      const tok = require("tokenizers").Tokenizer.fromString(openaiTokenizerJson(encName));
      return {
        lib,
        version: depVersion("tokenizers"),
        async: true,
        encode: async (t) => (await tok.encode(t)).getIds(),
        decode: (ids) => tok.decode(Array.from(ids), false),
        // Its BPE model keeps a cache of 10,000 words that the binding cannot clear (a new model
        // takes 1.5 s to build): it is left warm, which can only favour it.
        clearCache: () => {},
      };
    }
    // kitoken (Rust compiled to WASM, its Node entry): reads the same .tiktoken ranks file as
    // @microsoft/tiktokenizer and picks the encoding's pattern from the vocabulary itself.
    // encode(text, false): special-token text is ordinary text. It keeps no piece cache.
    case "kitoken": {
      const { Kitoken } = require("kitoken/node");
      const { tiktokenRanksFile } = await import("./openai-as-hf.mjs");
      const tok = Kitoken.from_tiktoken(new Uint8Array(fs.readFileSync(tiktokenRanksFile(encName))));
      return {
        lib,
        version: depVersion("kitoken"),
        encode: (t) => tok.encode(t, false),
        decode: (ids) => td.decode(tok.decode(ids instanceof Uint32Array ? ids : Uint32Array.from(ids), false)),
        clearCache: () => {},
      };
    }
    // tiktoken-node: tiktoken-rs as a native (napi) binding, prebuilt binaries inside the
    // package. Its encode() allows every special token (there is no encode_ordinary), so a text
    // holding "<|endoftext|>" gets other ids than tiktoken's encode(text, [], []) and is reported
    // as "ids differ"; the bench corpora hold none. It keeps no piece cache.
    case "tiktoken-node": {
      if (!supports(lib, encName)) throw new Error(`tiktoken-node has no ${encName}`);
      const enc = require("tiktoken-node").getEncoding(encName);
      return {
        lib,
        version: depVersion("tiktoken-node"),
        encode: (t) => enc.encode(t),
        decode: (ids) => enc.decode(Array.from(ids)),
        clearCache: () => {},
      };
    }
    case "@huggingface/tokenizers": {
      const { openaiTokenizerJson } = await import("./openai-as-hf.mjs");
      const { Tokenizer } = await import("@huggingface/tokenizers");
      const tok = new Tokenizer(JSON.parse(openaiTokenizerJson(encName)), {});
      const opts = { add_special_tokens: false };
      return {
        lib,
        version: depVersion("@huggingface/tokenizers"),
        encode: (t) => tok.encode(t, opts).ids,
        decode: (ids) => (ids.length ? tok.decode(Array.from(ids), { clean_up_tokenization_spaces: false }) : ""),
        clearCache: () => tok.model.clear_cache(), // its LRU of 10,000 words
      };
    }
    default:
      throw new Error(`unknown lib ${lib}`);
  }
}

/** The bench's view of a tokenmill Encoding (either entry). */
function tokenmillAdapter(lib, enc) {
  const opts = { disallowedSpecial: [] };
  return {
    lib,
    version: pkgVersion(path.join(ROOT, "package.json")),
    encode: (t) => enc.encodeOrdinary(t),
    decode: (ids) => enc.decode(ids),
    count: (t) => enc.count(t, opts),
    clearCache: () => enc.clearCache(),
  };
}

function pkgVersion(p) {
  try {
    return JSON.parse(fs.readFileSync(p, "utf8")).version;
  } catch {
    return "?";
  }
}

export function depVersion(name) {
  return pkgVersion(path.join(ROOT, "node_modules", name, "package.json"));
}

/** First index where two id sequences differ, or -1 if equal. */
export function firstDiff(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

export function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "?";
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {
    /* not linux */
  }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memGB: (os.totalmem() / 2 ** 30).toFixed(1),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `node ${path.relative(ROOT, process.argv[1])}${process.argv.length > 2 ? " " + process.argv.slice(2).join(" ") : ""}`,
  };
}

export function machineMd(m = machineInfo()) {
  return [
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memGB} GiB, ${m.os}`,
    `- node ${m.node} (V8 ${m.v8})`,
    `- date: ${m.date}`,
    `- command: \`${m.command}\` (from the repo root)`,
    `- versions: ${LIBS.map((l) => `${l} ${l === "tokenmill" ? pkgVersion(path.join(ROOT, "package.json")) + (tokenmillAvailable() ? "" : " (not built)") : depVersion(l)}`).join(", ")}`,
  ].join("\n");
}

const DEFAULT_INTRO = `# tokenmill benchmarks

Hand-written notes may go here and anywhere outside the generated sections below: the bench
scripts only rewrite the text between their own \`<!-- NAME:start -->\` / \`<!-- NAME:end -->\`
markers (\`results\` from \`bench/encode.mjs\`, \`coldstart\` from \`bench/coldstart.mjs\`,
\`worstcase\` from \`bench/worstcase.mjs\`).

Corpora: \`node scripts/corpus.mjs\` (real files of the machine: Debian docs and licenses, man
pages, translations, and this repo's node_modules; see the script's header).
`;

/** Replaces (or appends) the section between <!-- name:start --> and <!-- name:end -->. */
export function updateSection(name, body, file = RESULTS_MD) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let md = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : DEFAULT_INTRO;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = md.indexOf(start);
  const j = md.indexOf(end);
  if (i >= 0 && j > i) md = md.slice(0, i) + block + md.slice(j + end.length);
  else md = md.replace(/\n*$/, "\n\n") + block + "\n";
  fs.writeFileSync(file, md);
}

export function mdTable(header, rows, align) {
  const a = align ?? header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [
    `| ${header.join(" | ")} |`,
    `| ${a.join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** Plain-text table for the console. */
export function textTable(header, rows) {
  const w = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ");
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function fmt(x, digits = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return "—";
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toPrecision(digits);
}

/** Small seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { require };
