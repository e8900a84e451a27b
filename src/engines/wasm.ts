// The WebAssembly engine: owns one instance of build/tokenmill.wasm (one per encoding) and the
// views of its memory. ABI: DESIGN.md "WASM ABI".
//
// Text crosses once, as UTF-8 written by TextEncoder.encodeInto straight into the input arena;
// lone surrogates become U+FFFD there, as in tiktoken's JS binding. Ranks come back through a
// Uint32Array view and are copied out once.

import type { Engine, PatternId } from "./engine.js";
import { TokenmillError, VocabFormatError } from "../errors.js";
import { WASM_BYTES } from "../generated/wasm.js";
import { latin1Bytes } from "../shared/latin1.js";
import { wasmAvailable } from "../platform/wasm.js";
import { nodeBuffer } from "../platform/node.js";
import { unfinishedTail } from "../text/utf8.js";
import type { Utf16Position } from "../text/utf16-position.js";

interface Exports {
  memory: WebAssembly.Memory;
  vocabAlloc(size: number): number;
  init(pattern: number, inputCap: number, budget: number): number;
  inputPtr(): number;
  inputCap(): number;
  outputPtr(): number;
  tailLen(): number;
  grow(cap: number): void;
  encodeChunk(len: number, final: number, limit: number): number;
  decodeChunk(n: number, keep: number): number;
  decodedLength(): number;
  toUtf16(start: number, len: number): number;
  findRuns(len: number): number;
  runsPtr(): number;
  tokenLength(id: number): number;
  clearCache(): void;
  vocabBadRank(): number;
  prefixIndexBuild(budget: number): number;
  prefixQuery(len: number, consistent: number, asMask: number): number;
  prefixResultPtr(): number;
  prefixMaskPtr(): number;
  minTokensBuild(budget: number): number;
  setSegmentation(mode: number): number;
  tokenOffsets(n: number): number;
  offsetsState(): number;
  initImageAt(pattern: number): number;
  tablesImageBytes(): number;
  tablesImagePtr(): number;
  initFromImage(inputCap: number, step: number, sumLo: number, sumHi: number, keyLo: number, keyHi: number): number;
}

/**
 * Strings from the bytes [start, end) of WASM memory, each piece decoded on its own: `ascii`
 * for bytes < 0x80 only, `text` for any UTF-8 (exactly as TextDecoder).
 */
interface TextMaker {
  ascii(start: number, end: number): string;
  text(start: number, end: number): string;
}
// ignoreBOM: keep a leading U+FEFF
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Node: latin1, exact for ASCII, is several times faster than a UTF-8 decoder; other text the
 * core transcodes to UTF-16 (assembly/shared/utf16.ts), which Buffer copies into a string, twice as
 * fast as TextDecoder on text that is mostly not ASCII. Browsers have no such copy: there a
 * UTF-16LE TextDecoder after the transcoder measured no faster than TextDecoder on the UTF-8
 * (Chromium; PERFORMANCE.md "Decode"), so they use TextDecoder for all of it.
 */
function textMaker(ex: Exports, buf: ArrayBuffer, arena: number): TextMaker {
  if (nodeBuffer) {
    const view = nodeBuffer.from(buf);
    const out = ex.outputPtr();
    return {
      ascii: (start, end) => view.toString("latin1", start, end),
      text: (start, end) => view.toString("utf16le", out, out + 2 * ex.toUtf16(start - arena, end - start)),
    };
  }
  const u8 = new Uint8Array(buf);
  const decode = (start: number, end: number) => utf8Decoder.decode(u8.subarray(start, end));
  return { ascii: decode, text: decode };
}

/**
 * What decoding does with an id the core cannot: returns the bytes of a special token, or
 * throws the caller's error for an invalid id at `position`.
 */
export type NonOrdinaryId = (id: number, position: number) => Uint8Array;

const INITIAL_INPUT_CAP = 1 << 17;
// init() builds the hash table in steps of this many tokens, so that V8 can swap in optimized
// code for the later steps (assembly/openai/index.ts, init); returns INIT_MORE until done.
const INIT_STEP_TOKENS = 16384;
const INIT_MORE = 3;
// prefixIndexBuild() sorts about this many ranks per call, for the same reason (returns INIT_MORE)
const PREFIX_STEP_RANKS = 65536;
// minTokensBuild() adds about this many tokens to the min-tokens trie per call (returns INIT_MORE)
const MIN_TOKENS_STEP = 32768;
const SEGMENT_BPE = 0;
const SEGMENT_MIN_TOKENS = 1;
// initFromImage(): check every this-many-th token's lookup against its rank (and all offsets)
const IMAGE_CHECK_STEP = 61;
const IMAGE_MISMATCH = 4;
const RUNS_OVERFLOW = 0xffffffff; // findRuns(): too many runs, take the chunk whole
const BAD_RANK_NONE = 0xffffffff; // vocabBadRank(): no rank to blame
const NO_LIMIT = 0xffffffff;
const encoder = new TextEncoder();

let compiled: WebAssembly.Module | undefined;


export type WasmSource = BufferSource | WebAssembly.Module;

/** A vocab file of known size that can write itself into a buffer (a local file in Node). */
export interface VocabReader {
  readonly size: number;
  readInto(dest: Uint8Array): void;
}

/** The body of a table image (DESIGN.md "Table images") with what its header says of it. */
export interface TableImage extends VocabReader {
  /** The body's checksum (the core's tablesChecksum), as (low, high) u32 halves. */
  readonly checksum: readonly [number, number];
  /** The first 8 bytes of the sha256 in the header of the vocab file it was made from, as u32s. */
  readonly vocabKey: readonly [number, number];
}

const imports = {
  env: {
    abort() {
      throw new TokenmillError("WASM_ABORT", "tokenmill: the WebAssembly engine aborted");
    },
  },
};

/** Compiles the engine synchronously (Node, workers; browsers allow it only off the main thread). */
export function compileWasmSync(source?: WasmSource): WebAssembly.Module {
  if (source instanceof WebAssembly.Module) return source;
  if (source) return new WebAssembly.Module(source);
  return (compiled ??= new WebAssembly.Module(latin1Bytes(WASM_BYTES) as BufferSource));
}

export async function compileWasm(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source) return WebAssembly.compile(source);
  return (compiled ??= await WebAssembly.compile(latin1Bytes(WASM_BYTES) as BufferSource));
}

export { wasmAvailable };

/**
 * Copies src[from, from+count) to dst at `at` while the values are exact u32s; returns how many
 * were copied. (Uint32Array.set would turn -1 into 4294967295 and 1.5 into 1.) A function of
 * its own so that V8 specializes its loop for the caller's array kind.
 */
function copyExactU32(src: ArrayLike<number>, from: number, count: number, dst: Uint32Array, at: number): number {
  for (let k = 0; k < count; k++) {
    const id = src[from + k]!;
    if (id !== id >>> 0) return k;
    dst[at + k] = id;
  }
  return count;
}

/** A new instance with `vocabFile` copied in (and checked in place by `check`). */
function instantiate(module: WebAssembly.Module, vocabFile: Uint8Array | VocabReader, check?: (file: Uint8Array) => void): { ex: Exports; nRanks: number } {
  const instance = new WebAssembly.Instance(module, imports);
  const ex = instance.exports as unknown as Exports;
  const size = vocabFile instanceof Uint8Array ? vocabFile.length : vocabFile.size;
  const at = ex.vocabAlloc(size);
  const inPlace = new Uint8Array(ex.memory.buffer, at, size);
  if (vocabFile instanceof Uint8Array) inPlace.set(vocabFile);
  else vocabFile.readInto(inPlace);
  check?.(inPlace);
  const nRanks = inPlace.length >= 8 ? (inPlace[4]! | (inPlace[5]! << 8) | (inPlace[6]! << 16) | (inPlace[7]! << 24)) >>> 0 : 0;
  return { ex, nRanks };
}

export class WasmEngine implements Engine {
  readonly kind = "wasm" as const;
  /** Whether the hash table came from a table image or was built from the vocab (tests, benchmarks). */
  readonly tablesSource: "image" | "built";
  private readonly ex: Exports;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private inPtr = 0;
  private inCap = 0;
  private outIndex = 0;
  private arena!: Uint8Array;
  private strings!: TextMaker;

  /**
   * `vocabFile`: the .tkv bytes, or a reader that writes them straight into the engine's memory
   * (Node reads the file there: no 2 MB buffer in between, which would stay resident until a
   * GC). `check` sees the bytes in place before the tables are built and may throw.
   */
  /**
   * `image` (Node, built-in encodings): the table image of this vocab file (DESIGN.md "Table
   * images"), copied into place instead of building the hash table; an image that does not
   * belong to the file is ignored (the tables are then built as without one).
   */
  constructor(module: WebAssembly.Module, vocabFile: Uint8Array | VocabReader, readonly pattern: PatternId, check?: (file: Uint8Array) => void, image?: TableImage) {
    let ex = instantiate(module, vocabFile, check);
    this.nRanks = ex.nRanks;
    let rc = -1;
    if (image) {
      const at = ex.ex.initImageAt(pattern);
      if (at !== 0 && ex.ex.tablesImageBytes() >>> 0 === image.size) {
        image.readInto(new Uint8Array(ex.ex.memory.buffer, at, image.size));
        rc = ex.ex.initFromImage(INITIAL_INPUT_CAP, IMAGE_CHECK_STEP, image.checksum[0], image.checksum[1], image.vocabKey[0], image.vocabKey[1]);
      }
      // not this file's image (it is in memory now): a fresh instance builds its tables
      if (rc === IMAGE_MISMATCH) ex = instantiate(module, vocabFile, check);
    }
    this.ex = ex.ex;
    this.tablesSource = rc === 0 ? "image" : "built";
    if (rc !== 0 && rc !== 1 && rc !== 2) {
      do rc = this.ex.init(pattern, INITIAL_INPUT_CAP, INIT_STEP_TOKENS);
      while (rc === INIT_MORE);
    }
    if (rc === 2) {
      throw new TokenmillError("VOCAB_INCOMPLETE", "vocabulary lacks a token for some single byte; byte-level BPE needs all 256");
    }
    if (rc !== 0) {
      // JS checked the header; the core checks every token's offsets while building its table
      const rank = this.ex.vocabBadRank() >>> 0; // a u32 comes back as an i32
      throw new VocabFormatError(
        rank === BAD_RANK_NONE
          ? "vocab file: the WebAssembly engine rejected its layout"
          : `vocab file: the offsets of token ${rank} are out of order or past the token bytes (truncated or corrupt)`,
      );
    }
    this.refresh();
  }

  /** The engine's hash table, byte and pair ranks and filter, as a table image's body. */
  tablesImage(): Uint8Array {
    const at = this.ex.tablesImagePtr();
    return new Uint8Array(this.ex.memory.buffer, at, this.ex.tablesImageBytes() >>> 0).slice();
  }

  tokenLength(id: number): number {
    return id === id >>> 0 ? this.ex.tokenLength(id) : 0;
  }

  clearCache(): void {
    this.ex.clearCache();
  }

  get memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  private prefixBuilt = false;
  /** Ranks in the vocab file (the .tkv header's nTokens). */
  private readonly nRanks: number;

  /**
   * Engine.prefixQuery: the first call sorts the vocabulary in WASM (assembly/openai/prefix.ts),
   * which moves the arena after the index, hence the refresh.
   */
  prefixQuery(bytes: Uint8Array, consistent: boolean, mask: boolean): Uint32Array {
    this.buildPrefixIndex();
    // A prefix longer than any token has no tokens after it, and only its first maxLen bytes
    // can hold tokens before it: the arena (>= 128 KB) holds more than any token is long.
    const len = Math.min(bytes.length, this.inCap);
    this.arena.set(bytes.subarray(0, len));
    const n = this.ex.prefixQuery(len, consistent ? 1 : 0, mask ? 1 : 0) >>> 0;
    this.sync();
    if (mask) {
      const at = this.ex.prefixMaskPtr() >>> 2;
      return this.u32.slice(at, at + ((this.nRanks + 31) >>> 5));
    }
    const at = this.ex.prefixResultPtr() >>> 2;
    return this.u32.slice(at, at + n);
  }

  private minTokensBuilt = false;

  /**
   * Engine.encodeMinTokens: the fewest tokens per piece (assembly/openai/min-tokens.ts). The
   * first call builds the prefix index and the vocabulary trie over it (both move the arena).
   */
  encodeMinTokens(text: string): Uint32Array {
    if (!this.minTokensBuilt) {
      this.buildPrefixIndex();
      this.buildInSteps(() => this.ex.minTokensBuild(MIN_TOKENS_STEP), "could not build the vocabulary trie for min-tokens");
      this.minTokensBuilt = true;
    }
    this.ex.setSegmentation(SEGMENT_MIN_TOKENS);
    try {
      return this.encode(text);
    } finally {
      this.ex.setSegmentation(SEGMENT_BPE);
    }
  }

  /** Sorts the vocabulary into the prefix index once (prefixQuery and the min-tokens trie need it). */
  private buildPrefixIndex(): void {
    if (this.prefixBuilt) return;
    this.buildInSteps(() => this.ex.prefixIndexBuild(PREFIX_STEP_RANKS), "could not sort this vocabulary");
    this.prefixBuilt = true;
  }

  /**
   * Runs a core build that works in bounded calls (`step` returns INIT_MORE until done, then 0
   * or a failure), then re-reads the arena, which the build moves.
   */
  private buildInSteps(step: () => number, failure: string): void {
    let rc: number;
    do rc = step();
    while (rc === INIT_MORE);
    this.refresh();
    if (rc !== 0) throw new TokenmillError("VOCAB_INDEX", `the WebAssembly engine ${failure}`);
  }

  /** Re-reads the arena layout and re-creates views; needed after anything that grows memory. */
  private refresh(): void {
    const buf = this.ex.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.inPtr = this.ex.inputPtr();
    this.inCap = this.ex.inputCap();
    this.outIndex = this.ex.outputPtr() >>> 2;
    this.arena = this.u8.subarray(this.inPtr, this.inPtr + this.inCap);
    this.strings = textMaker(this.ex, buf as ArrayBuffer, this.inPtr);
  }

  private sync(): void {
    if (this.u8.buffer !== this.ex.memory.buffer) this.refresh();
  }

  encode(text: string): Uint32Array {
    if (text.length * 3 <= this.inCap) {
      const { written } = encoder.encodeInto(text, this.arena);
      const n = this.ex.encodeChunk(written, 1, NO_LIMIT);
      this.sync();
      return this.u32.slice(this.outIndex, this.outIndex + n);
    }
    return this.run(text, true, NO_LIMIT).ids!;
  }

  count(text: string, limit = NO_LIMIT): number {
    if (limit > NO_LIMIT) limit = NO_LIMIT;
    if (text.length * 3 <= this.inCap) {
      const { written } = encoder.encodeInto(text, this.arena);
      const n = this.ex.encodeChunk(written, 1, limit);
      this.sync();
      return n;
    }
    return this.run(text, false, limit).count;
  }

  /**
   * Token bytes of `ids`, built in WASM memory a chunk at a time and handed to `sink` as views
   * (valid only during the call): `inArena` bytes are at inputPtr, after the `kept` bytes the
   * sink asked to keep there by returning their number (the next chunk comes after them); ids
   * that are not ordinary tokens go through `other`. Returns the number kept at the end.
   */
  private decodeInto(ids: ArrayLike<number>, other: NonOrdinaryId, sink: (bytes: Uint8Array, inArena: boolean, kept: number) => number): number {
    const n = ids.length;
    const trusted = ids instanceof Uint32Array;
    let kept = 0;
    let i = 0;
    while (i < n) {
      // Ids average ~4 bytes of output and the output shares the arena's size: copying more ids
      // than a call can decode would only be copied again on the next round.
      const batch = Math.min(n - i, this.inCap >>> 2);
      const at = this.outIndex;
      let k = 0;
      if (trusted) {
        this.u32.set((ids as Uint32Array).subarray(i, i + batch), at);
        k = batch;
      } else {
        k = copyExactU32(ids, i, batch, this.u32, at);
      }
      const done = this.ex.decodeChunk(k, kept);
      if (done > 0) kept = sink(this.u8.subarray(this.inPtr, this.inPtr + this.ex.decodedLength()), true, kept);
      i += done;
      // The core stops early at an id that is not an ordinary token, or when the arena is full.
      // An arena holding at most a few kept bytes fits any token, so stopping after 0 ids, or at
      // an id that could not even be copied (not a u32), means ids[i] is the caller's to handle.
      if (done === 0 || (done === k && k < batch)) {
        kept = sink(other(ids[i]!, i), false, kept);
        i++;
      }
    }
    return kept;
  }

  /** All the bytes of `ids` in one buffer (a view: it may be longer). Ids that are not ordinary tokens go through `other`. */
  decodeBytes(ids: ArrayLike<number>, other: NonOrdinaryId): Uint8Array {
    let out = new Uint8Array(Math.max(64, ids.length * 6));
    let size = 0;
    this.decodeInto(ids, other, (bytes) => {
      if (size + bytes.length > out.length) {
        const bigger = new Uint8Array(Math.max(out.length * 2, size + bytes.length));
        bigger.set(out.subarray(0, size));
        out = bigger;
      }
      out.set(bytes, size);
      size += bytes.length;
      return 0;
    });
    return out.subarray(0, size);
  }

  /**
   * The text of `ids`, made a chunk at a time straight from WASM memory (no buffer of all the
   * bytes), exactly as TextDecoder would make it from all the bytes. The bytes of a character
   * cut by the end of a chunk stay in the arena for the next one, so every piece is decoded on
   * its own: an all-ASCII chunk (most English and code) at once as ASCII; others as the runs of
   * non-ASCII bytes findRuns lists and the ASCII between (each run ends before an ASCII byte,
   * where a decoder's output cannot depend on what follows). Text that is mostly not ASCII is
   * one run, or a few.
   */
  decodeText(ids: ArrayLike<number>, other: NonOrdinaryId): string {
    const ex = this.ex;
    const strings = this.strings;
    let out = "";
    // Converts arena[0, len) but an unfinished character at its end, whose bytes it moves to the
    // start of the arena and counts.
    const chunk = (len: number): number => {
      const u8 = this.u8;
      const start = this.inPtr;
      const kept = unfinishedTail(u8, start, start + len);
      const end = start + len - kept;
      const nRuns = ex.findRuns(end - start) >>> 0; // a u32 comes back as an i32
      if (nRuns === 0) {
        out += strings.ascii(start, end);
      } else if (nRuns === RUNS_OVERFLOW) {
        out += strings.text(start, end);
      } else {
        const runs = this.u32.subarray(ex.runsPtr() >>> 2, (ex.runsPtr() >>> 2) + 2 * nRuns);
        let at = start;
        for (let k = 0; k < runs.length; k += 2) {
          if (start + runs[k]! > at) out += strings.ascii(at, start + runs[k]!);
          out += strings.text(start + runs[k]!, start + runs[k + 1]!);
          at = start + runs[k + 1]!;
        }
        if (at < end) out += strings.ascii(at, end);
      }
      if (kept > 0) u8.copyWithin(start, end, end + kept);
      return kept;
    };
    const kept = this.decodeInto(ids, other, (bytes, inArena, kept) => {
      if (inArena) return chunk(bytes.length);
      // a special token's bytes: after the kept ones, which they may finish or end
      for (let at = 0; at < bytes.length; ) {
        const part = bytes.subarray(at, at + this.inCap - kept);
        this.arena.set(part, kept);
        kept = chunk(kept + part.length);
        at += part.length;
      }
      return kept;
    });
    return kept > 0 ? out + "\ufffd" : out; // unfinished at the end: one U+FFFD, as TextDecoder
  }

  /**
   * UTF-16 offsets of `ids` (src/openai/offsets.ts): the core's `tokenOffsets` over batches of
   * ids at outputPtr, continuing from `pos` (copied into and out of its state block); ids that
   * are not ordinary tokens go through `other` and `pos` here.
   */
  tokenOffsets(ids: ArrayLike<number>, other: NonOrdinaryId, pos: Utf16Position, starts: Uint32Array, ends: Uint32Array | undefined): void {
    const n = ids.length;
    const trusted = ids instanceof Uint32Array;
    const state = this.ex.offsetsState() >>> 2;
    let i = 0;
    while (i < n) {
      // starts come back in place of the ids and ends `batch` slots later: 2 × batch ≤ inCap slots
      const batch = Math.min(n - i, this.inCap >>> 1);
      const at = this.outIndex;
      let k: number;
      if (trusted) {
        this.u32.set((ids as Uint32Array).subarray(i, i + batch), at);
        k = batch;
      } else {
        k = copyExactU32(ids, i, batch, this.u32, at);
      }
      pos.store(this.u32, state);
      const done = this.ex.tokenOffsets(k) >>> 0;
      pos.load(this.u32, state);
      if (done > 0) {
        starts.set(this.u32.subarray(at, at + done), i);
        if (ends) ends.set(this.u32.subarray(at + k, at + k + done), i);
      }
      i += done;
      if (done < k || k < batch) {
        // ids[i] is not an ordinary token (or not a u32): a special token's bytes, or the error
        const b = other(ids[i]!, i);
        starts[i] = b.length > 0 ? pos.token(b, 0, b.length) : pos.end();
        if (ends) ends[i] = pos.end();
        i++;
      }
    }
  }

  // Long texts go through the arena in chunks. The core holds back the pieces that might
  // continue past a chunk (tailLen bytes, left at the arena start) and we append after them.
  // A piece longer than the arena makes the tail fill it; then the arena doubles.
  private run(text: string, wantIds: boolean, limit: number): { ids?: Uint32Array; count: number } {
    let ids = wantIds ? new Uint32Array(Math.max(16, text.length >>> 2)) : undefined;
    let total = 0;
    let pos = 0;
    let tail = 0;
    while (true) {
      let room = this.inCap - tail;
      if (room < this.inCap >>> 2 && pos < text.length) {
        this.ex.grow(this.inCap * 2);
        this.refresh();
        continue;
      }
      let end = Math.min(text.length, pos + room);
      // Never cut a surrogate pair: encodeInto would turn each half into U+FFFD.
      if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      const { read, written } = encoder.encodeInto(
        end === text.length && pos === 0 ? text : text.substring(pos, end),
        this.arena.subarray(tail),
      );
      pos += read!;
      const final = pos >= text.length ? 1 : 0;
      const n = this.ex.encodeChunk(tail + written!, final, limit === NO_LIMIT ? NO_LIMIT : Math.max(0, limit - total));
      this.sync();
      if (ids) {
        if (total + n > ids.length) {
          const bigger = new Uint32Array(Math.max(ids.length * 2, total + n));
          bigger.set(ids.subarray(0, total));
          ids = bigger;
        }
        ids.set(this.u32.subarray(this.outIndex, this.outIndex + n), total);
      }
      total += n;
      if (final || total > limit) break;
      tail = this.ex.tailLen();
    }
    return { ids: ids?.slice(0, total), count: total };
  }
}
