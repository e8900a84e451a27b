// The WebAssembly engine: owns one instance of build/tokenmill.wasm (one per encoding) and the
// views of its memory. ABI: DESIGN.md "WASM ABI".
//
// Text crosses once, as UTF-8 written by TextEncoder.encodeInto straight into the input arena;
// lone surrogates become U+FFFD there, as in tiktoken's JS binding. Ranks come back through a
// Uint32Array view and are copied out once.

import type { Engine, PatternId } from "./engine.js";
import { TokenmillError, VocabFormatError } from "./errors.js";
import { WASM_BASE64 } from "./generated/wasm.js";

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
  decodeChunk(n: number): number;
  decodedLength(): number;
  decodedAscii(): number;
  decodedRuns(): number;
  runsPtr(): number;
  tokenLength(id: number): number;
  clearCache(): void;
  vocabBadRank(): number;
}

interface NodeBuffer {
  from(buf: ArrayBuffer, offset: number, length: number): { toString(encoding: "latin1"): string };
}
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
/** decodeText's streaming decoder, shared: every call leaves it empty. */
const streamDecoder = new TextDecoder("utf-8", { ignoreBOM: true }); // keep a leading U+FEFF
const STREAM = { stream: true };
/** A chunk goes run by run only if its runs average at least this many bytes of output apart. */
const SPARSE_RUN_BYTES = 256;

/**
 * What decoding does with an id the core cannot: returns the bytes of a special token, or
 * throws the caller's error for an invalid id at `position`.
 */
export type NonOrdinaryId = (id: number, position: number) => Uint8Array;

const INITIAL_INPUT_CAP = 1 << 17;
// init() builds the hash table in steps of this many tokens, so that V8 can swap in optimized
// code for the later steps (assembly/index.ts, init); returns INIT_MORE until done.
const INIT_STEP_TOKENS = 16384;
const INIT_MORE = 3;
const RUNS_OVERFLOW = 0xffffffff;
const BAD_RANK_NONE = 0xffffffff; // vocabBadRank(): no rank to blame // decodedRuns(): too many non-ASCII runs in the chunk
const NO_LIMIT = 0xffffffff;
const encoder = new TextEncoder();

let compiled: WebAssembly.Module | undefined;

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type WasmSource = BufferSource | WebAssembly.Module;

/** A vocab file of known size that can write itself into a buffer (a local file in Node). */
export interface VocabReader {
  readonly size: number;
  readInto(dest: Uint8Array): void;
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
  return (compiled ??= new WebAssembly.Module(decodeBase64(WASM_BASE64) as BufferSource));
}

export async function compileWasm(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source) return WebAssembly.compile(source);
  return (compiled ??= await WebAssembly.compile(decodeBase64(WASM_BASE64) as BufferSource));
}

export function wasmAvailable(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.Instance === "function";
}

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

export class WasmEngine implements Engine {
  readonly kind = "wasm" as const;
  private readonly ex: Exports;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private inPtr = 0;
  private inCap = 0;
  private outIndex = 0;
  private arena!: Uint8Array;

  /**
   * `vocabFile`: the .tkv bytes, or a reader that writes them straight into the engine's memory
   * (Node reads the file there: no 2 MB buffer in between, which would stay resident until a
   * GC). `check` sees the bytes in place before the tables are built and may throw.
   */
  constructor(module: WebAssembly.Module, vocabFile: Uint8Array | VocabReader, readonly pattern: PatternId, check?: (file: Uint8Array) => void) {
    const instance = new WebAssembly.Instance(module, imports);
    this.ex = instance.exports as unknown as Exports;
    const size = vocabFile instanceof Uint8Array ? vocabFile.length : vocabFile.size;
    const at = this.ex.vocabAlloc(size);
    const inPlace = new Uint8Array(this.ex.memory.buffer, at, size);
    if (vocabFile instanceof Uint8Array) inPlace.set(vocabFile);
    else vocabFile.readInto(inPlace);
    check?.(inPlace);
    let rc: number;
    do rc = this.ex.init(pattern, INITIAL_INPUT_CAP, INIT_STEP_TOKENS);
    while (rc === INIT_MORE);
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

  tokenLength(id: number): number {
    return id === id >>> 0 ? this.ex.tokenLength(id) : 0;
  }

  clearCache(): void {
    this.ex.clearCache();
  }

  get memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
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
   * (valid only during the call). Ids that are not ordinary tokens go through `other`.
   */
  private decodeInto(
    ids: ArrayLike<number>,
    other: NonOrdinaryId,
    sink: (bytes: Uint8Array, ascii: boolean, runs?: Uint32Array) => void,
  ): void {
    const n = ids.length;
    const trusted = ids instanceof Uint32Array;
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
      const done = this.ex.decodeChunk(k);
      if (done > 0) {
        const nRuns = this.ex.decodedRuns() >>> 0; // a u32 comes back as an i32
        const runs = nRuns === RUNS_OVERFLOW ? undefined : this.u32.subarray(this.ex.runsPtr() >>> 2, (this.ex.runsPtr() >>> 2) + 2 * nRuns);
        sink(this.u8.subarray(this.inPtr, this.inPtr + this.ex.decodedLength()), this.ex.decodedAscii() !== 0, runs);
      }
      i += done;
      // The core stops early at an id that is not an ordinary token, or when the arena is full.
      // An empty arena fits any token, so stopping after 0 ids, or at an id that could not
      // even be copied (not a u32), means ids[i] is the caller's to handle.
      if (done === 0 || (done === k && k < batch)) {
        const bytes = other(ids[i]!, i);
        sink(bytes, bytes.every((b) => b < 0x80));
        i++;
      }
    }
  }

  /**
   * All the bytes of `ids` in one buffer (a view: it may be longer), and whether they are all
   * ASCII. Ids that are not ordinary tokens go through `other`.
   */
  decodeBytes(ids: ArrayLike<number>, other: NonOrdinaryId): { bytes: Uint8Array; ascii: boolean } {
    let out = new Uint8Array(Math.max(64, ids.length * 6));
    let size = 0;
    let ascii = true;
    this.decodeInto(
      ids,
      other,
      (bytes, bytesAscii) => {
        if (!bytesAscii) ascii = false;
        if (size + bytes.length > out.length) {
          const bigger = new Uint8Array(Math.max(out.length * 2, size + bytes.length));
          bigger.set(out.subarray(0, size));
          out = bigger;
        }
        out.set(bytes, size);
        size += bytes.length;
      },
    );
    return { bytes: out.subarray(0, size), ascii };
  }

  /**
   * The text of `ids`, converted a chunk at a time straight from WASM memory (no buffer of all
   * the bytes). While the output is all ASCII (most English and code) each chunk becomes a
   * string through Node's latin1 path, several times faster than TextDecoder there; from the
   * first non-ASCII chunk on, a streaming TextDecoder takes every chunk, so characters split
   * between chunks decode whole.
   */
  decodeText(ids: ArrayLike<number>, other: NonOrdinaryId): string {
    let text = "";
    let pending = false; // the stream may hold the start of a character
    const latin1 = (bytes: Uint8Array) => {
      if (pending) {
        text += streamDecoder.decode(); // an ASCII byte ends any unfinished character: flush it
        pending = false;
      }
      text += NodeBuffer!.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    };
    const utf8 = (bytes: Uint8Array) => {
      text += streamDecoder.decode(bytes, STREAM);
      pending = true;
    };
    try {
      this.decodeInto(ids, other, (bytes, ascii, runs) => {
        if (!NodeBuffer) return utf8(bytes);
        if (ascii) return latin1(bytes);
        // Few non-ASCII runs (prose with an accent here and there): the ASCII stretches through
        // latin1, the runs (cut next to ASCII bytes) as UTF-8. Many: one UTF-8 call is cheaper.
        if (!runs || runs.length * SPARSE_RUN_BYTES > bytes.length * 2) return utf8(bytes);
        let at = 0;
        for (let k = 0; k < runs.length; k += 2) {
          if (runs[k]! > at) latin1(bytes.subarray(at, runs[k]));
          utf8(bytes.subarray(runs[k], runs[k + 1]));
          at = runs[k + 1]!;
        }
        if (at < bytes.length) latin1(bytes.subarray(at));
      });
      if (pending) text += streamDecoder.decode();
      pending = false;
      return text;
    } finally {
      if (pending) streamDecoder.decode(); // an error mid-way: leave the shared decoder empty
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
