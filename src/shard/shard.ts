// shardCorpus: a corpus → training shards of little-endian token ids plus index.json, on all
// cores. Documents are read in input order on the calling thread and encoded in batches by the
// worker pool (src/parallel/pool.ts), which returns each batch in input order, so the bytes are
// the same whatever the thread count. Several batches are in flight: the pool encodes them while
// the next is read and the oldest is written.

import type * as Crypto from "node:crypto";
import type * as Fs from "node:fs";
import type * as Zlib from "node:zlib";
import { InvalidArgumentError, TokenmillError } from "../errors.js";
import { fromTokenizerJsonSync } from "../hf/index.js";
import { ENCODING_NAMES, isEncodingName } from "../openai/models.js";
import { getEncodingSync } from "../openai/load.js";
import { ENCODING_SPECS } from "../openai/registry.js";
import { encodeBatch } from "../parallel/batch.js";
import { nodeBuiltin } from "../platform/node.js";
import { UnknownEncodingError } from "../errors.js";
import { readDocuments, type DocumentMode, type ReadStats } from "./documents.js";
import { ShardReadError } from "./errors.js";
import { expandPattern } from "./glob.js";
import {
  canonicalConfig,
  canonicalIndex,
  INDEX_FILE,
  SHARD_FILE,
  serializeIndex,
  shardName,
  type InputRecord,
  type ShardConfig,
  type ShardDtype,
  type ShardEntry,
  type ShardIndex,
  type TokenizerIdentity,
} from "./index-file.js";
import { sha256Hex, ShardWriter, writeAtomic } from "./writer.js";
import { DEFAULT_SHARD_TOKENS } from "./defaults.js";

export interface ShardOptions {
  /** Input files or patterns (`data/*.jsonl`, `corpus/**\/*.txt.gz`), read in this order, each pattern's matches sorted. */
  input: string | readonly string[];
  /** Output directory (created if missing). */
  out: string;
  /** A built-in encoding (default "o200k_base"). */
  encoding?: string;
  /** Path of a HuggingFace tokenizer.json instead of `encoding` (encoded on the calling thread). */
  tokenizer?: string;
  /** Each line of a text file is a document (default: each file is one document). */
  lines?: boolean;
  /** Inputs are JSONL; each line's `field` (a string) is a document. */
  field?: string;
  /** "uint16" (only if every id fits) or "uint32"; default: uint16 where the vocabulary fits. */
  dtype?: ShardDtype;
  /** Append the end-of-text token after each document. */
  eot?: boolean;
  /** The special token `eot` appends (default: <|endoftext|>, or the tokenizer's </s>, <|end_of_text|>, <eos>). */
  eotToken?: string;
  /** A shard takes documents while it stays within this many tokens (default 100 000 000). */
  shardTokens?: number;
  /** "none" (default): special-token text is ordinary text; "all": it becomes the special token. */
  special?: "none" | "all";
  /** Bytes that are not UTF-8: "error" (default) or "replace" (U+FFFD). */
  invalidUtf8?: "error" | "replace";
  /** Skip bad documents (invalid JSON, missing field, not UTF-8), counting them in the index. */
  skipInvalid?: boolean;
  /** Also write Megatron-LM's .idx next to each .bin. */
  megatron?: boolean;
  /** Threads: 1 encodes on the calling thread; more uses a worker pool (default: the CPUs). */
  threads?: number;
  /** Only inputs [start, end) of the expanded list (a Dask task; the index records `part`). */
  inputRange?: readonly [number, number];
  onProgress?: (p: ShardProgress) => void;
}

export interface ShardProgress {
  documents: number;
  tokens: number;
  bytesRead: number;
  bytesTotal: number;
  shards: number;
  elapsedMs: number;
  done: boolean;
}

export interface ShardResult {
  index: ShardIndex;
  indexPath: string;
  shardsWritten: number;
  shardsReused: number;
  /** Inputs that could not be read: reported, listed in the index, the others done. */
  unreadable: { path: string; error: string }[];
}

const EOT_CANDIDATES = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|eot_id|>"];
const JSONL_NAME = /\.(jsonl|ndjson)(\.gz)?$/;

export interface NodeModules {
  fs: typeof Fs;
  zlib: typeof Zlib;
  crypto: typeof Crypto;
}

export function nodeModules(fn: string): NodeModules {
  const fs = nodeBuiltin<typeof Fs>("node:fs");
  const zlib = nodeBuiltin<typeof Zlib>("node:zlib");
  const crypto = nodeBuiltin<typeof Crypto>("node:crypto");
  if (!fs || !zlib || !crypto) throw new TokenmillError("NO_NODE_FS", `${fn} needs Node's fs, zlib and crypto modules, which this runtime lacks`);
  return { fs, zlib, crypto };
}

interface Tokenizer {
  identity: TokenizerIdentity;
  specialTokens: Record<string, number>;
  /** Encodes a batch (on the pool when there is one). */
  encode(texts: string[]): Promise<Uint32Array[]>;
  close(): Promise<void>;
}

function loadTokenizer(m: NodeModules, o: ShardOptions, threads: number): Tokenizer {
  if (o.tokenizer !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = m.fs.readFileSync(o.tokenizer);
    } catch (e) {
      throw new ShardReadError(o.tokenizer, (e as Error).message);
    }
    const tok = fromTokenizerJsonSync(new TextDecoder().decode(bytes));
    const add = o.special === "all";
    const name = o.tokenizer.slice(o.tokenizer.lastIndexOf("/") + 1);
    let maxId = tok.vocabSize - 1;
    for (const id of Object.values(tok.specialTokens)) maxId = Math.max(maxId, id);
    return {
      identity: { type: "tokenizer.json", name, vocabSha256: sha256Hex(m.crypto, bytes), nVocab: maxId + 1 },
      specialTokens: tok.specialTokens,
      encode: async (texts) => texts.map((t) => tok.encode(t, { addSpecialTokens: add })),
      close: async () => undefined,
    };
  }
  const name = o.encoding ?? "o200k_base";
  if (!isEncodingName(name)) throw new UnknownEncodingError(name, ENCODING_NAMES);
  const enc = getEncodingSync(name);
  const opts = o.special === "all" ? { allowedSpecial: "all" as const } : { allowedSpecial: [] as string[], disallowedSpecial: [] as string[] };
  // threads > 1: encodeBatch's shared pool for this encoding and thread count (its workers are
  // unref'd while idle and stay loaded for the next call, as for encodeBatch).
  return {
    identity: { type: "tiktoken", name, vocabSha256: ENCODING_SPECS[name]().sourceSha256, nVocab: enc.nVocab },
    specialTokens: enc.specialTokens,
    encode: threads > 1 ? (texts) => encodeBatch(texts, { encoding: name, threads, ...opts }) : async (texts) => texts.map((t) => enc.encode(t, opts)),
    close: async () => undefined,
  };
}

function expandInputs(m: NodeModules, input: string | readonly string[]): string[] {
  const patterns = typeof input === "string" ? [input] : [...input];
  if (patterns.length === 0) throw new InvalidArgumentError("shardCorpus: no input given");
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of patterns) {
    if (typeof p !== "string" || p === "") throw new InvalidArgumentError(`shardCorpus: input must be non-empty strings, got ${JSON.stringify(p)}`);
    const files = expandPattern(m.fs, p);
    if (files.length === 0) throw new ShardReadError(p, "no file matches this pattern");
    for (const f of files) if (!seen.has(f)) seen.add(f), out.push(f);
  }
  return out;
}

function describe(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "EISDIR") return "Is a directory";
  if (code === "EACCES" || code === "EPERM") return "Permission denied";
  return e instanceof Error ? e.message : String(e);
}

/** Each input's size and mtime; the ones that cannot be opened are listed as unreadable. */
function inspectInputs(m: NodeModules, paths: string[], range: readonly [number, number]): { records: InputRecord[]; unreadable: { input: number; error: string }[] } {
  const records: InputRecord[] = [];
  const unreadable: { input: number; error: string }[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    try {
      const st = m.fs.statSync(path);
      records.push({ path, bytes: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      if (i < range[0] || i >= range[1]) continue;
      if (st.isDirectory()) throw Object.assign(new Error("Is a directory"), { code: "EISDIR" });
      m.fs.closeSync(m.fs.openSync(path, "r"));
    } catch (e) {
      if (records.length === i) records.push({ path, bytes: 0, mtimeMs: 0 });
      if (i >= range[0] && i < range[1]) unreadable.push({ input: i, error: describe(e) });
    }
  }
  return { records, unreadable };
}

function checkOptions(o: ShardOptions): void {
  if (o === null || typeof o !== "object") throw new InvalidArgumentError("shardCorpus: options must be an object");
  if (typeof o.out !== "string" || o.out === "") throw new InvalidArgumentError("shardCorpus: `out` (the output directory) is required");
  if (o.tokenizer !== undefined && o.encoding !== undefined) throw new InvalidArgumentError("shardCorpus: give `encoding` or `tokenizer`, not both");
  if (o.lines && o.field !== undefined) throw new InvalidArgumentError("shardCorpus: `lines` and `field` exclude each other (JSONL already has one document per line)");
  if (o.field !== undefined && (typeof o.field !== "string" || o.field === "")) throw new InvalidArgumentError("shardCorpus: `field` must be a non-empty string");
  const st = o.shardTokens;
  if (st !== undefined && (!Number.isSafeInteger(st) || st < 1)) throw new InvalidArgumentError(`shardCorpus: shardTokens must be a positive integer, got ${String(st)}`);
  if (o.dtype !== undefined && o.dtype !== "uint16" && o.dtype !== "uint32") throw new InvalidArgumentError(`shardCorpus: dtype must be "uint16" or "uint32", got ${JSON.stringify(o.dtype)}`);
  if (o.special !== undefined && o.special !== "none" && o.special !== "all") throw new InvalidArgumentError(`shardCorpus: special must be "none" or "all"`);
  if (o.invalidUtf8 !== undefined && o.invalidUtf8 !== "error" && o.invalidUtf8 !== "replace") throw new InvalidArgumentError(`shardCorpus: invalidUtf8 must be "error" or "replace"`);
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 1024)) throw new InvalidArgumentError(`shardCorpus: threads must be an integer from 1 to 1024, got ${String(o.threads)}`);
}

function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os");
  return Math.max(1, (os?.availableParallelism?.() ?? os?.cpus().length ?? 1) | 0);
}

function readJson(fs: typeof Fs, path: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function fileSha(m: NodeModules, path: string): string | undefined {
  try {
    return sha256Hex(m.crypto, m.fs.readFileSync(path));
  } catch {
    return undefined;
  }
}

interface Reusable {
  number: number;
  firstDoc: number;
  endDoc: number;
  entry: ShardEntry;
}

/**
 * The shards an earlier run with the same fingerprint left complete and intact: recorded (in
 * its index.json or a sidecar), consecutive from shard 0, and with files whose sha256 match.
 * Also takes the directory out of "complete" state: index.json goes, sidecars stand for it.
 */
function reusableShards(m: NodeModules, out: string, fingerprint: string): Reusable[] {
  const { fs } = m;
  const recorded = new Map<number, ShardEntry>();
  const indexPath = `${out}/${INDEX_FILE}`;
  const old = readJson(fs, indexPath) as (ShardIndex & { fingerprint?: string }) | undefined;
  if (old && typeof old === "object" && Array.isArray(old.shards) && indexFingerprint(old) === fingerprint) {
    old.shards.forEach((e, k) => recorded.set(k, e));
  }
  for (const name of fs.readdirSync(out)) {
    const mm = SHARD_FILE.exec(name);
    if (!mm || mm[2] !== "json" || mm[3]) continue;
    const side = readJson(fs, `${out}/${name}`) as { fingerprint?: string; entry?: ShardEntry } | undefined;
    if (side?.fingerprint === fingerprint && side.entry) recorded.set(Number(mm[1]), side.entry);
  }
  const reuse: Reusable[] = [];
  let doc = 0;
  for (let k = 0; recorded.has(k); k++) {
    const e = recorded.get(k)!;
    const ok =
      e.file === `${shardName(k)}.bin` &&
      fileSha(m, `${out}/${e.file}`) === e.sha256 &&
      (e.idx === undefined || fileSha(m, `${out}/${e.idx}`) === e.idxSha256);
    if (ok) {
      reuse.push({ number: k, firstDoc: doc, endDoc: doc + e.documents, entry: e });
      writeAtomic(fs, `${out}/${shardName(k)}.json`, JSON.stringify({ fingerprint, entry: e }) + "\n");
    }
    doc += e.documents;
  }
  fs.rmSync(indexPath, { force: true });
  return reuse;
}

/** What decides the bytes of a directory: the config, the task's part, the unreadable inputs. */
export function indexFingerprint(ix: Pick<ShardIndex, keyof ShardConfig | "part" | "unreadable">): string {
  return JSON.stringify({ config: canonicalConfig(ix), part: ix.part ?? null, unreadable: ix.unreadable });
}

/** Packs documents' ids (and end-of-text) into one array of the shard dtype; `starts[k]` is document k's first position. */
export function packIds(ids: readonly Uint32Array[], eot: number | null, dtype: ShardDtype): { data: Uint16Array | Uint32Array; starts: Uint32Array } {
  let total = 0;
  for (const a of ids) total += a.length + (eot === null ? 0 : 1);
  const data = dtype === "uint16" ? new Uint16Array(total) : new Uint32Array(total);
  const starts = new Uint32Array(ids.length + 1);
  let o = 0;
  for (let k = 0; k < ids.length; k++) {
    const a = ids[k]!;
    starts[k] = o;
    if (dtype === "uint16") {
      for (let j = 0; j < a.length; j++) {
        if (a[j]! > 0xffff) throw new TokenmillError("SHARD_DTYPE", `token id ${a[j]} does not fit in uint16; use dtype uint32`);
      }
    }
    data.set(a, o);
    o += a.length;
    if (eot !== null) data[o++] = eot;
  }
  starts[ids.length] = o;
  return { data, starts };
}

/** Removes leftovers: shard files past the last shard, .tmp files, and the sidecars (index.json now stands for them). */
export function cleanUp(fs: typeof Fs, out: string, nShards: number): void {
  for (const name of fs.readdirSync(out)) {
    const mm = SHARD_FILE.exec(name);
    if (!mm) continue;
    if (mm[3] || mm[2] === "json" || Number(mm[1]) >= nShards) fs.rmSync(`${out}/${name}`, { force: true });
  }
}

/**
 * Pre-tokenizes a corpus into shards (README "Training shards"): `shard-NNNNNN.bin` files of
 * little-endian ids (nanoGPT's raw .bin; with `megatron`, also Megatron-LM's .idx) and
 * `index.json`. Reruns reuse the intact shards of an interrupted or earlier identical run.
 * @example
 * const { index } = await shardCorpus({ input: "data/*.jsonl", field: "text", out: "shards", eot: true });
 * @throws ShardInputError (a bad document, with file and line), ShardReadError (no file matches
 *   a pattern; a read error mid-file), InvalidArgumentError, UnknownEncodingError.
 */
export async function shardCorpus(options: ShardOptions): Promise<ShardResult> {
  checkOptions(options);
  const m = nodeModules("shardCorpus");
  const started = Date.now();
  const out = options.out.replace(/\/+$/, "") || "/";
  const paths = expandInputs(m, options.input);
  const mode: DocumentMode = options.field !== undefined ? "jsonl" : options.lines ? "lines" : "file";
  if (mode !== "jsonl") {
    const jsonl = paths.find((p) => JSONL_NAME.test(p));
    if (jsonl) throw new InvalidArgumentError(`shardCorpus: ${jsonl} looks like JSONL: pass field (CLI: --field NAME) to name the text field`);
  }
  const range: [number, number] = options.inputRange ? [options.inputRange[0], options.inputRange[1]] : [0, paths.length];
  if (!(Number.isInteger(range[0]) && Number.isInteger(range[1]) && 0 <= range[0] && range[0] <= range[1] && range[1] <= paths.length)) {
    throw new InvalidArgumentError(`shardCorpus: inputRange ${range[0]}:${range[1]} is not within the ${paths.length} inputs`);
  }
  const { records, unreadable } = inspectInputs(m, paths, range);

  const threads = options.threads ?? defaultThreads();
  const tok = loadTokenizer(m, options, options.tokenizer !== undefined ? 1 : threads);
  try {
    const fits16 = tok.identity.nVocab <= 0x10000;
    const dtype: ShardDtype = options.dtype ?? (fits16 ? "uint16" : "uint32");
    if (dtype === "uint16" && !fits16) {
      throw new InvalidArgumentError(`shardCorpus: dtype uint16 cannot hold the ids of ${tok.identity.name} (${tok.identity.nVocab} tokens); use uint32`);
    }
    let eot: number | null = null;
    if (options.eot || options.eotToken !== undefined) {
      const name = options.eotToken ?? EOT_CANDIDATES.find((t) => Object.hasOwn(tok.specialTokens, t));
      if (name === undefined || !Object.hasOwn(tok.specialTokens, name)) {
        throw new InvalidArgumentError(
          `shardCorpus: ${tok.identity.name} has no ${name === undefined ? "end-of-text token" : `special token ${JSON.stringify(name)}`}; name one with eotToken (CLI: --eot-token)`,
        );
      }
      eot = tok.specialTokens[name]!;
    }
    const config: ShardConfig = {
      tokenizer: tok.identity,
      dtype,
      eot,
      shardTokens: options.shardTokens ?? DEFAULT_SHARD_TOKENS,
      mode,
      field: mode === "jsonl" ? options.field! : null,
      special: options.special ?? "none",
      invalidUtf8: options.invalidUtf8 ?? "error",
      skipInvalid: options.skipInvalid ?? false,
      megatron: options.megatron ?? false,
      inputs: records,
    };
    const part: [number, number] | undefined = options.inputRange ? range : undefined;
    const fingerprint = indexFingerprint({ ...config, ...(part ? { part } : {}), unreadable });

    m.fs.mkdirSync(out, { recursive: true });
    const reuse = reusableShards(m, out, fingerprint);
    const writer = new ShardWriter(m.fs, m.crypto, out, {
      dtype,
      shardTokens: config.shardTokens,
      megatron: config.megatron,
      lines: mode !== "file",
      fingerprint,
    });
    const stats: ReadStats = { empty: 0, invalid: 0, invalidListed: [], bytesRead: 0 };
    const bad = new Set(unreadable.map((u) => u.input));
    const toRead = [];
    let bytesTotal = 0;
    for (let i = range[0]; i < range[1]; i++) {
      if (bad.has(i)) continue;
      toRead.push({ index: i, path: paths[i]! });
      bytesTotal += records[i]!.bytes;
    }
    let documents = 0;
    let tokens = 0;
    let doc = 0; // global index of the next document
    let r = 0; // next reusable shard
    const progress = (done: boolean): void =>
      options.onProgress?.({ documents, tokens, bytesRead: stats.bytesRead, bytesTotal, shards: writer.shards.length, elapsedMs: Date.now() - started, done });

    // Batches of ~1M characters (the pool cuts each into chunks for its threads); threads + 1 of
    // them in flight keeps every worker busy while the calling thread reads and writes.
    const batchChars = 1 << 20;
    const depth = Math.min(8, threads + 1);
    const docs = readDocuments(m.fs, m.zlib, toRead, { mode, field: options.field ?? "", invalidUtf8: config.invalidUtf8, skipInvalid: config.skipInvalid, batchChars }, stats);
    type Pending = { texts: string[]; inputs: number[]; lines: number[]; first: number; skip: Uint8Array; ids: Promise<Uint32Array[]> };
    const inflight: Pending[] = [];
    const reuseEndingAt = new Map(reuse.map((x) => [x.endDoc, x]));
    const write = async (p: Pending): Promise<void> => {
      const ids = await p.ids;
      const { data, starts } = packIds(ids, eot, dtype);
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const es = data.BYTES_PER_ELEMENT;
      let e = 0; // index into ids (encoded documents only)
      for (let k = 0; k < p.texts.length; k++) {
        const g = p.first + k;
        if (p.skip[k]) {
          const rs = reuseEndingAt.get(g + 1);
          if (rs) {
            writer.reuse(rs.entry, rs.number);
            documents += rs.entry.documents;
            tokens += rs.entry.tokens;
          }
          continue;
        }
        const s = starts[e]!;
        const n = starts[e + 1]! - s;
        writer.add(bytes.subarray(s * es, (s + n) * es), n, p.inputs[k]!, p.lines[k]!);
        documents++;
        tokens += n;
        e++;
      }
      progress(false);
    };
    try {
      for await (const b of docs) {
        const skip = new Uint8Array(b.texts.length);
        const todo: string[] = [];
        for (let k = 0; k < b.texts.length; k++) {
          const g = doc + k;
          while (r < reuse.length && reuse[r]!.endDoc <= g) r++;
          if (r < reuse.length && reuse[r]!.firstDoc <= g) skip[k] = 1;
          else todo.push(b.texts[k]!);
        }
        inflight.push({ texts: b.texts, inputs: b.inputs, lines: b.lines, first: doc, skip, ids: todo.length ? tok.encode(todo) : Promise.resolve([]) });
        doc += b.texts.length;
        if (inflight.length >= depth) await write(inflight.shift()!);
      }
      while (inflight.length) await write(inflight.shift()!);
      writer.finish();
    } catch (e) {
      writer.abort();
      for (const p of inflight) p.ids.catch(() => undefined);
      throw e;
    }

    const index = canonicalIndex(config, part, unreadable, stats, writer.shards);
    const indexPath = `${out}/${INDEX_FILE}`;
    writeAtomic(m.fs, indexPath, serializeIndex(index));
    cleanUp(m.fs, out, writer.shards.length);
    progress(true);
    return {
      index,
      indexPath,
      shardsWritten: writer.shards.length - reuse.filter((x) => writer.shards[x.number] === x.entry).length,
      shardsReused: reuse.filter((x) => writer.shards[x.number] === x.entry).length,
      unreadable: unreadable.map((u) => ({ path: paths[u.input]!, error: u.error })),
    };
  } finally {
    await tok.close();
  }
}

/** The inputs a shard run reads, in order, with their sizes (the Dask driver splits these into tasks). */
export function listShardInputs(input: string | readonly string[]): { path: string; bytes: number }[] {
  const m = nodeModules("listShardInputs");
  return expandInputs(m, input).map((path) => {
    let bytes = 0;
    try {
      bytes = m.fs.statSync(path).size;
    } catch {
      // unreadable: the run reports it
    }
    return { path, bytes };
  });
}
