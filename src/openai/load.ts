// Getting an Encoding: built-in encodings from their vocab files (read from disk in Node,
// fetched elsewhere), custom ones from tiktoken-style ranks. Engines are chosen here.

import type { Engine, PatternId } from "../engines/engine.js";
import { Encoding } from "./encoding.js";
import { InvalidArgumentError, TokenmillError, UnknownEncodingError, VocabFormatError } from "../errors.js";
import { JsEngine, RegexJsEngine, knownPatternId } from "../engines/js/engine.js";
import { ENCODING_NAMES, encodingNameForModel, isEncodingName, type EncodingName } from "./models.js";
import { ENCODING_SPECS, EXPLICIT_N_VOCAB, type EncodingSpec } from "./registry.js";
import { parseVocabFile, serializeVocab, type Vocab } from "../vocab/tkv.js";
import { checkedVocab, fetchVocab, nodeFs, resolveVocabUrl, toBytes, useWasm, type LoadOptions } from "./vocab-load.js";
import { WasmEngine, compileWasm, compileWasmSync } from "../engines/wasm.js";
import { loadFromLocalTkv } from "./local-vocab.js";
import { packageVocabUrl } from "../package-files.js";
import { shareEncoding, sharedEncoding, sharedKey } from "./loaded.js";
import { checkOptions, CUSTOM_ENCODING_FIELDS } from "./options.js";

export type { LoadOptions } from "./vocab-load.js";

function specFor(name: string): EncodingSpec {
  if (!isEncodingName(name)) throw new UnknownEncodingError(String(name), ENCODING_NAMES);
  return ENCODING_SPECS[name]();
}

// Node reads the plain .tkv from disk; anything fetched gets the packed .tkp (a third smaller
// after brotli, unpacked in a few ms). A caller's vocabUrl may name either.
function vocabUrlFor(spec: EncodingSpec, options: LoadOptions | undefined, packed: boolean): URL {
  if (options?.vocabUrl) return resolveVocabUrl(options.vocabUrl);
  const file = packed ? spec.vocabFile.replace(/\.tkv$/, ".tkp") : spec.vocabFile;
  return packageVocabUrl(file);
}

function build(name: string, spec: EncodingSpec, data: Uint8Array, module: WebAssembly.Module | undefined): Encoding {
  const { file, vocab } = checkedVocab(name, spec, data, module !== undefined);
  const engine: Engine = module ? new WasmEngine(module, file, spec.pattern) : new JsEngine(vocab, spec.pattern);
  return new Encoding(name, vocab, spec.specialTokens, engine, EXPLICIT_N_VOCAB[name as EncodingName]);
}

/**
 * Loads a built-in encoding (Node: synchronously from the package's vocab/ folder).
 * @example const enc = getEncodingSync("o200k_base"); enc.encode("hello world")
 * @throws UnknownEncodingError listing the known names.
 */
export function getEncodingSync(name: string, options?: LoadOptions): Encoding {
  const spec = specFor(name);
  const key = sharedKey(name, options);
  const hit = sharedEncoding(key);
  if (hit && !(hit instanceof Promise)) return hit;
  const module = useWasm(options) ? compileWasmSync(options?.wasm) : undefined;
  let enc: Encoding | undefined;
  if (options?.vocab) {
    enc = build(name, spec, toBytes(options.vocab), module);
  } else {
    const fs = nodeFs();
    if (!fs) {
      throw new TokenmillError("NO_SYNC_LOAD", "getEncodingSync needs Node's fs (or options.vocab); use getEncoding in browsers");
    }
    const url = vocabUrlFor(spec, options, false);
    if (module) enc = loadFromLocalTkv(name, spec, url, module);
    enc ??= build(name, spec, fs.readFileSync(url), module);
  }
  return shareEncoding(key, enc);
}

/**
 * Loads a built-in encoding; works in Node, browsers, workers and edge runtimes.
 * @example const enc = await getEncoding("cl100k_base");
 */
export async function getEncoding(name: string, options?: LoadOptions): Promise<Encoding> {
  const spec = specFor(name);
  const key = sharedKey(name, options);
  const hit = sharedEncoding(key);
  if (hit) return hit;
  const loading = (async () => {
    const module = useWasm(options) ? await compileWasm(options?.wasm) : undefined;
    if (options?.vocab) return build(name, spec, toBytes(options.vocab), module);
    const local = new URL(".", import.meta.url).protocol === "file:";
    const url = vocabUrlFor(spec, options, !local);
    return (module && loadFromLocalTkv(name, spec, url, module)) || build(name, spec, await fetchVocab(name, url), module);
  })();
  return shareEncoding(key, loading);
}

/**
 * The encoding a model uses, loaded synchronously (Node), like tiktoken's encoding_for_model.
 * @example encodingForModel("gpt-4o").name // "o200k_base"
 * @throws UnknownModelError for names it does not know.
 */
export function encodingForModel(model: string, options?: LoadOptions): Encoding {
  return getEncodingSync(encodingNameForModel(model), options);
}

/** Async variant of encodingForModel, for browsers. */
export function getEncodingForModel(model: string, options?: LoadOptions): Promise<Encoding> {
  return getEncoding(encodingNameForModel(model), options);
}

// ---- Custom encodings -----------------------------------------------------------------------

export type MergeableRanks = Iterable<readonly [Uint8Array | string, number]>;

export interface CustomEncodingSpec {
  name: string;
  /** tiktoken-style pre-tokenization regex (`pat_str`). */
  patStr: string;
  /** token bytes → rank (a Map, or pairs); string keys are taken as UTF-8. */
  mergeableRanks: MergeableRanks;
  specialTokens?: Record<string, number>;
  /** tiktoken's explicit_n_vocab: checked against the ranks and special tokens if given. */
  explicitNVocab?: number;
}

/**
 * An Encoding from tiktoken-style parts. Patterns of the OpenAI families get the hand-written
 * scanners (and the WASM engine); any other pattern is run as a JS RegExp by the JS engine.
 * @example createEncoding({ name: "mine", patStr, mergeableRanks: parseTiktokenFile(text) })
 */
export function createEncoding(spec: CustomEncodingSpec, options?: LoadOptions): Encoding {
  if (!spec || typeof spec !== "object") throw new InvalidArgumentError("createEncoding: expected { name, patStr, mergeableRanks, specialTokens }");
  checkOptions(spec, CUSTOM_ENCODING_FIELDS, "createEncoding");
  const wasm = useWasm(options); // checks the options before any work
  const { name, patStr, mergeableRanks, specialTokens = {}, explicitNVocab } = spec;
  if (typeof name !== "string" || !name) throw new InvalidArgumentError("createEncoding: name must be a non-empty string");
  if (typeof patStr !== "string") throw new InvalidArgumentError("createEncoding: patStr must be a string");
  if (mergeableRanks == null || typeof mergeableRanks === "string" || typeof (mergeableRanks as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new InvalidArgumentError("createEncoding: mergeableRanks must be a Map or an iterable of [bytes, rank] pairs");
  }
  if (specialTokens === null || typeof specialTokens !== "object" || Array.isArray(specialTokens)) {
    throw new InvalidArgumentError("createEncoding: specialTokens must be an object of token text → id");
  }
  const utf8 = new TextEncoder();
  // Gathered first, so that the id space is checked before anything is allocated by rank.
  const entries: Uint8Array[] = [];
  const ranks: number[] = [];
  const seen = new Map<string, number>();
  let maxRank = -1;
  let index = 0;
  for (const entry of mergeableRanks as Iterable<unknown>) {
    if (entry === null || typeof entry !== "object" || typeof (entry as ArrayLike<unknown>).length !== "number" || (entry as ArrayLike<unknown>).length !== 2) {
      throw new InvalidArgumentError(`createEncoding: mergeableRanks entry ${index} is not a [bytes, rank] pair (got ${describe(entry)})`);
    }
    const [key, rank] = entry as readonly [unknown, unknown];
    const bytes = typeof key === "string" ? utf8.encode(key) : key;
    if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`createEncoding: token for rank ${String(rank)} is not a Uint8Array or string`);
    if (typeof rank !== "number" || !Number.isInteger(rank) || rank < 0 || rank > MAX_RANK) {
      throw new InvalidArgumentError(`createEncoding: invalid rank ${describe(rank)} (entry ${index}): ranks are integers in [0, ${MAX_RANK}]`);
    }
    if (bytes.length === 0) throw new InvalidArgumentError(`createEncoding: rank ${rank} has an empty token`);
    const k = latin1(bytes);
    const before = seen.get(k);
    if (before !== undefined) throw new InvalidArgumentError(`createEncoding: token ${JSON.stringify(k)} is given twice (ranks ${before} and ${rank})`);
    seen.set(k, rank);
    entries.push(bytes);
    ranks.push(rank);
    if (rank > maxRank) maxRank = rank;
    index++;
  }
  // The engines hold tables by rank (the vocab file has an offset per id, the WASM core a slot
  // per id), so a few tokens at huge ranks would cost gigabytes: the id space may exceed the
  // number of tokens by at most that number plus MAX_RANK_GAPS.
  if (maxRank + 1 > 2 * entries.length + MAX_RANK_GAPS) {
    throw new InvalidArgumentError(
      `createEncoding: rank ${maxRank} is too sparse for ${entries.length} tokens: the ranks may leave at most ` +
        `${entries.length + MAX_RANK_GAPS} ids unused (the engines keep a table entry per id); renumber the ranks`,
    );
  }
  const tokens: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(maxRank + 1).fill(undefined);
  for (let e = 0; e < entries.length; e++) {
    const rank = ranks[e]!;
    if (tokens[rank] !== undefined) throw new InvalidArgumentError(`createEncoding: rank ${rank} is given twice`);
    tokens[rank] = entries[e];
  }
  // Byte-level BPE starts from single bytes: a byte without a rank has no encoding (both engines refuse it here).
  for (let b = 0; b < 256; b++) {
    if (!seen.has(String.fromCharCode(b))) {
      throw new InvalidArgumentError(`createEncoding: byte 0x${b.toString(16).padStart(2, "0")} has no rank; byte-level BPE needs a token for each of the 256 single bytes`);
    }
  }
  for (const [text, id] of Object.entries(specialTokens)) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > MAX_SPECIAL_ID) {
      throw new InvalidArgumentError(`createEncoding: special token ${JSON.stringify(text)} has invalid id ${describe(id)}: ids are integers in [0, ${MAX_SPECIAL_ID}]`);
    }
    if (id < tokens.length && tokens[id] !== undefined) {
      throw new InvalidArgumentError(`createEncoding: special token ${JSON.stringify(text)} reuses rank ${id} of an ordinary token`);
    }
  }
  const dense = Array.from(tokens, (t) => t ?? new Uint8Array(0));
  const file = serializeVocab(dense, new Uint8Array(32));
  const vocab: Vocab = parseVocabFile(file);
  const maxId = Math.max(dense.length - 1, ...Object.values(specialTokens));
  if (explicitNVocab !== undefined && explicitNVocab !== maxId + 1) {
    throw new InvalidArgumentError(`createEncoding: explicitNVocab is ${explicitNVocab}, but ranks and special tokens span ${maxId + 1} ids`);
  }
  const pattern: PatternId | undefined = knownPatternId(patStr, vocab);
  let engine: Engine;
  if (pattern !== undefined && wasm) {
    engine = new WasmEngine(compileWasmSync(options?.wasm), file, pattern);
  } else if (pattern !== undefined) {
    engine = new JsEngine(vocab, pattern);
  } else {
    if (options?.engine === "wasm") {
      throw new InvalidArgumentError("createEncoding: the WASM engine runs only the OpenAI pattern families; this patStr needs engine \"js\" (or \"auto\")");
    }
    engine = new RegexJsEngine(vocab, patStr);
  }
  return new Encoding(name, vocab, specialTokens, engine, explicitNVocab);
}

/** Largest rank (tiktoken's ranks are u32; the engines keep u32 max and 2^31 - 1 as "none"). */
const MAX_RANK = 0x7ffffffe;
/** Largest special-token id: ids are returned in a Uint32Array. */
const MAX_SPECIAL_ID = 0xfffffffe;
/** Unused ids allowed beyond one per token (see createEncoding). */
const MAX_RANK_GAPS = 1 << 16;

/** A value, briefly, for messages. */
function describe(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "function") return "a function";
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : "an object";
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * Parses a `.tiktoken` rank file (`<base64 token> <rank>` per line) into token bytes → rank.
 * @throws VocabFormatError naming the line of the first malformed entry.
 */
export function parseTiktokenFile(text: string): Map<Uint8Array, number> {
  if (typeof text !== "string") throw new InvalidArgumentError("parseTiktokenFile: expected the file's text");
  const ranks = new Map<Uint8Array, number>();
  const rankLine = new Map<number, number>();
  const tokenLine = new Map<string, number>(); // token bytes as latin1 → its line
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line === "") continue;
    const parts = line.split(" ");
    if (parts.length !== 2) throw new VocabFormatError(`expected "<base64 token> <rank>", got ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    const [b64, rankText] = parts as [string, string];
    if (!/^\d+$/.test(rankText)) throw new VocabFormatError(`rank ${JSON.stringify(rankText)} is not a non-negative integer`, i + 1);
    const rank = Number(rankText);
    if (rank > MAX_RANK) throw new VocabFormatError(`rank ${rankText.length > 20 ? rankText.slice(0, 20) + "…" : rankText} is larger than ${MAX_RANK}`, i + 1);
    const first = rankLine.get(rank);
    if (first !== undefined) throw new VocabFormatError(`rank ${rank} appears twice (first on line ${first})`, i + 1);
    rankLine.set(rank, i + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new VocabFormatError(`token ${JSON.stringify(b64.slice(0, 40))} is not valid base64`, i + 1);
    }
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    const firstToken = tokenLine.get(bin);
    if (firstToken !== undefined) throw new VocabFormatError(`token ${b64.slice(0, 40)} appears twice (first on line ${firstToken})`, i + 1);
    tokenLine.set(bin, i + 1);
    ranks.set(bytes, rank);
  }
  return ranks;
}
