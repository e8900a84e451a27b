// An OpenAI encoding written as a HuggingFace tokenizer.json, so that HF's tokenizers (the
// native binding `tokenizers` and the pure-JS `@huggingface/tokenizers`) can be benchmarked on
// the same encodings as the tiktoken-family peers (and, at the end, as the .tiktoken ranks file
// that @microsoft/tiktokenizer reads). Built from tokenmill's own .tkv vocab (the
// pinned tiktoken ranks) and cached under build/bench/; nothing is downloaded.
//
// The conversion is the one HF's own converters use for tiktoken vocabularies: a merge for
// every split of a token into two tokens, ordered by the rank of the token they make (tiktoken
// merges whichever adjacent pair forms the lowest-ranked token). The bench still compares
// every library's ids with tiktoken's before timing it, so a conversion that differed would
// show as "ids differ", not as a speed.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./common.mjs";

export const PATTERNS = {
  // tiktoken's patterns (src/engines/js/engine.ts) with the case-insensitive group spelled out, since
  // JS RegExp in Node 20 has no (?i:…); ſ (U+017F) folds to s in Unicode case-insensitivity.
  cl100k_base:
    "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k_base:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?" +
    "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?" +
    "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

/** GPT-2's byte → printable char table (HF ByteLevel). */
function byteToChar() {
  const keep = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const map = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(keep.includes(b) ? b : 256 + extra++);
  return map;
}

/** The token bytes of a .tkv vocab, by rank (empty for holes). */
export function readTkv(file) {
  const data = fs.readFileSync(file);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== 0x31564b54) throw new Error(`${file}: not a .tkv file`);
  const n = view.getUint32(4, true);
  const bytesAt = 44 + 4 * (n + 1);
  const tokens = [];
  for (let r = 0; r < n; r++) {
    const s = view.getUint32(44 + 4 * r, true);
    const e = view.getUint32(44 + 4 * (r + 1), true);
    tokens.push(data.subarray(bytesAt + s, bytesAt + e));
  }
  return tokens;
}

function build(encName) {
  const tokens = readTkv(path.join(ROOT, "vocab", `${encName}.tkv`));
  const b2c = byteToChar();
  const text = tokens.map((t) => Array.from(t, (b) => b2c[b]).join(""));
  const rank = new Map();
  text.forEach((t, r) => {
    if (tokens[r].length > 0) rank.set(t, r);
  });
  const vocab = {};
  for (const [t, r] of rank) vocab[t] = r;
  const merges = [];
  for (let r = 0; r < text.length; r++) {
    const chars = text[r]; // one char per byte
    if (chars.length < 2) continue;
    const splits = [];
    for (let k = 1; k < chars.length; k++) {
      const a = rank.get(chars.slice(0, k));
      const b = rank.get(chars.slice(k));
      if (a !== undefined && b !== undefined) splits.push([a, b, k]);
    }
    splits.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (const [, , k] of splits) merges.push([chars.slice(0, k), chars.slice(k)]);
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: PATTERNS[encName] }, behavior: "Isolated", invert: false },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/**
 * build/bench/`name`, written once from `make()` (its text) and reused; returns the path. Bench
 * children may build it at the same time: each writes its own temporary file and renames it.
 */
function cachedBuildFile(name, make) {
  const file = path.join(ROOT, "build", "bench", name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, make());
    fs.renameSync(tmp, file);
  }
  return file;
}

/** The tokenizer.json text of `encName` (o200k_base or cl100k_base), built once and cached. */
export function openaiTokenizerJson(encName) {
  if (!PATTERNS[encName]) throw new Error(`no HF conversion for ${encName}`);
  return fs.readFileSync(cachedBuildFile(`${encName}.tokenizer.json`, () => JSON.stringify(build(encName))), "utf8");
}

/**
 * The path of `encName`'s ranks in tiktoken's own file format (base64 token, space, rank; one
 * per line), the file @microsoft/tiktokenizer reads; written once from the pinned vocab.
 */
export function tiktokenRanksFile(encName) {
  return cachedBuildFile(`${encName}.tiktoken`, () => {
    const lines = [];
    readTkv(path.join(ROOT, "vocab", `${encName}.tkv`)).forEach((t, r) => {
      if (t.length > 0) lines.push(`${Buffer.from(t).toString("base64")} ${r}`);
    });
    return lines.join("\n") + "\n";
  });
}
