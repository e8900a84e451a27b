// The shard index (index.json): what a training job or a later run needs to know about a
// directory of shards. Written compact (one line), keys in a fixed order, so the same corpus
// and options give the same bytes on one machine or merged from Dask tasks.
//
// While a run is going there is no index.json: each finished shard has a sidecar
// shard-NNNNNN.json ({ fingerprint, entry }) written after the shard's files were renamed into
// place, so a crash never leaves a shard that is recorded as complete but is not. A rerun with
// the same fingerprint (options, inputs with their sizes and mtimes) reuses the recorded shards
// whose sha256 still matches and redoes the others.

import type { DocumentMode, InvalidDocument } from "./documents.js";

export const INDEX_FORMAT = "tokenmill-shards";
export const INDEX_VERSION = 1;
export const INDEX_FILE = "index.json";

export type ShardDtype = "uint16" | "uint32";

export interface TokenizerIdentity {
  /** "tiktoken" (a built-in encoding) or "tokenizer.json". */
  type: "tiktoken" | "tokenizer.json";
  /** The encoding name, or the tokenizer.json file's base name. */
  name: string;
  /** Built-in: sha256 of tiktoken's rank file the vocab was built from; tokenizer.json: sha256 of the file. */
  vocabSha256: string;
  /** One more than the largest id the tokenizer can produce. */
  nVocab: number;
}

export interface InputRecord {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** The options that decide the shards' bytes. */
export interface ShardConfig {
  tokenizer: TokenizerIdentity;
  dtype: ShardDtype;
  /** The id appended after each document, or null. */
  eot: number | null;
  shardTokens: number;
  mode: DocumentMode;
  field: string | null;
  special: "none" | "all";
  invalidUtf8: "error" | "replace";
  skipInvalid: boolean;
  megatron: boolean;
  inputs: InputRecord[];
}

/** A run of consecutive documents of one input inside a shard. Lines are 1-based and inclusive; absent for whole-file documents. */
export interface ShardRange {
  input: number;
  documents: number;
  firstLine?: number;
  lastLine?: number;
}

export interface ShardEntry {
  /** The token file (little-endian `dtype` ids), relative to the index. */
  file: string;
  /** Megatron's .idx next to it (with `megatron`). */
  idx?: string;
  documents: number;
  tokens: number;
  sha256: string;
  idxSha256?: string;
  /** Per document: its first token's position in the shard (in tokens, not bytes). */
  offsets: number[];
  /** Per document: its number of tokens, the end-of-text token included. */
  counts: number[];
  /** Per document: its line in its input (line modes only). */
  lines?: number[];
  ranges: ShardRange[];
}

export interface ShardIndex extends ShardConfig {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_VERSION;
  /** Dask tasks only: the inputs [start, end) this directory holds. */
  part?: [number, number];
  /** Inputs that could not be read (their documents are in no shard). */
  unreadable: { input: number; error: string }[];
  documents: number;
  tokens: number;
  /** Documents with no text (blank lines, empty files or fields): counted, not written. */
  empty: number;
  /** Documents skipped with skipInvalid: how many, and the first ones. */
  invalid: { count: number; listed: InvalidDocument[] };
  shards: ShardEntry[];
}

/** The index with its keys in the canonical order. */
export function canonicalIndex(
  config: ShardConfig,
  part: [number, number] | undefined,
  unreadable: ShardIndex["unreadable"],
  totals: { empty: number; invalid: number; invalidListed: InvalidDocument[] },
  shards: ShardEntry[],
): ShardIndex {
  let documents = 0;
  let tokens = 0;
  for (const s of shards) {
    documents += s.documents;
    tokens += s.tokens;
  }
  return {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    ...canonicalConfig(config),
    ...(part ? { part } : {}),
    unreadable,
    documents,
    tokens,
    empty: totals.empty,
    invalid: { count: totals.invalid, listed: totals.invalidListed },
    shards: shards.map(canonicalEntry),
  };
}

export function canonicalConfig(c: ShardConfig): ShardConfig {
  return {
    tokenizer: { type: c.tokenizer.type, name: c.tokenizer.name, vocabSha256: c.tokenizer.vocabSha256, nVocab: c.tokenizer.nVocab },
    dtype: c.dtype,
    eot: c.eot,
    shardTokens: c.shardTokens,
    mode: c.mode,
    field: c.field,
    special: c.special,
    invalidUtf8: c.invalidUtf8,
    skipInvalid: c.skipInvalid,
    megatron: c.megatron,
    inputs: c.inputs.map((i) => ({ path: i.path, bytes: i.bytes, mtimeMs: i.mtimeMs })),
  };
}

function canonicalEntry(e: ShardEntry): ShardEntry {
  return {
    file: e.file,
    ...(e.idx !== undefined ? { idx: e.idx } : {}),
    documents: e.documents,
    tokens: e.tokens,
    sha256: e.sha256,
    ...(e.idxSha256 !== undefined ? { idxSha256: e.idxSha256 } : {}),
    offsets: e.offsets,
    counts: e.counts,
    ...(e.lines !== undefined ? { lines: e.lines } : {}),
    ranges: e.ranges.map((r) => ({ input: r.input, documents: r.documents, ...(r.firstLine !== undefined ? { firstLine: r.firstLine, lastLine: r.lastLine } : {}) })),
  };
}

export function serializeIndex(index: ShardIndex): string {
  return JSON.stringify(index) + "\n";
}

export function shardName(k: number): string {
  return `shard-${String(k).padStart(6, "0")}`;
}

export const SHARD_FILE = /^shard-(\d{6,})\.(bin|idx|json)(\.tmp)?$/;
