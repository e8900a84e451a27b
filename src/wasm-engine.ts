// The WebAssembly engine: owns one instance of build/tokenmill.wasm (one per encoding) and the
// views of its memory. ABI: DESIGN.md "WASM ABI".
//
// Text crosses once, as UTF-8 written by TextEncoder.encodeInto straight into the input arena;
// lone surrogates become U+FFFD there, as in tiktoken's JS binding. Ranks come back through a
// Uint32Array view and are copied out once.

import type { Engine, PatternId } from "./engine.js";
import { TokenmillError } from "./errors.js";
import { WASM_BASE64 } from "./generated/wasm.js";

interface Exports {
  memory: WebAssembly.Memory;
  vocabAlloc(size: number): number;
  init(pattern: number, inputCap: number): number;
  inputPtr(): number;
  inputCap(): number;
  outputPtr(): number;
  tailLen(): number;
  grow(cap: number): void;
  encodeChunk(len: number, final: number, limit: number): number;
}

const INITIAL_INPUT_CAP = 1 << 17;
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

export class WasmEngine implements Engine {
  readonly kind = "wasm" as const;
  private readonly ex: Exports;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private inPtr = 0;
  private inCap = 0;
  private outIndex = 0;
  private arena!: Uint8Array;

  constructor(module: WebAssembly.Module, vocabFile: Uint8Array, pattern: PatternId) {
    const instance = new WebAssembly.Instance(module, imports);
    this.ex = instance.exports as unknown as Exports;
    const at = this.ex.vocabAlloc(vocabFile.length);
    new Uint8Array(this.ex.memory.buffer).set(vocabFile, at);
    const rc = this.ex.init(pattern, INITIAL_INPUT_CAP);
    if (rc === 2) {
      throw new TokenmillError("VOCAB_INCOMPLETE", "vocabulary lacks a token for some single byte; byte-level BPE needs all 256");
    }
    if (rc !== 0) throw new TokenmillError("VOCAB_FORMAT", "the WebAssembly engine rejected the vocabulary file");
    this.refresh();
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
