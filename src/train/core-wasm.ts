// The merge loop in WebAssembly (assembly/train/index.ts): a fresh instance per training run,
// so its memory goes away with it.
import { TokenmillError } from "../errors.js";
import { TRAIN_WASM_BYTES } from "../generated/wasm-train.js";
import { latin1Bytes } from "../shared/latin1.js";
import type { CoreWords, MergeCore } from "./core.js";

interface Exports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  init(symPtr: number, startsPtr: number, countsPtr: number, n: number): void;
  next(minFrequency: number): number;
  nextA(): number;
  nextB(): number;
  nextCount(): number;
  apply(id: number): void;
  applied(): number;
  memoryBytes(): number;
}

let compiled: WebAssembly.Module | undefined;

export function wasmAvailable(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.Module === "function";
}

function module(): WebAssembly.Module {
  if (compiled === undefined) {
    compiled = new WebAssembly.Module(latin1Bytes(TRAIN_WASM_BYTES) as BufferSource);
  }
  return compiled;
}

class WasmMergeCore implements MergeCore {
  a = 0;
  b = 0;
  count = 0;
  private ex: Exports | undefined;

  constructor(words: CoreWords) {
    const ex = new WebAssembly.Instance(module(), { env: { abort: abortFromWasm } }).exports as unknown as Exports;
    const n = words.counts.length;
    // Counts first (8-byte aligned), then starts, then symbols.
    const countsPtr = ex.alloc(n * 8);
    const startsPtr = ex.alloc((n + 1) * 4);
    const symPtr = ex.alloc(Math.max(4, words.symbols.length * 4));
    new Float64Array(ex.memory.buffer, countsPtr, n).set(words.counts);
    new Uint32Array(ex.memory.buffer, startsPtr, n + 1).set(words.starts);
    new Uint32Array(ex.memory.buffer, symPtr, words.symbols.length).set(words.symbols);
    ex.init(symPtr, startsPtr, countsPtr, n);
    this.ex = ex;
  }

  next(minFrequency: number): boolean {
    const ex = this.ex!;
    if (ex.next(minFrequency) === 0) return false;
    this.a = ex.nextA();
    this.b = ex.nextB();
    this.count = ex.nextCount();
    return true;
  }

  apply(id: number): void {
    this.ex!.apply(id);
  }

  get applied(): number {
    return this.ex ? this.ex.applied() : 0;
  }

  /** Linear memory of the instance, in bytes. */
  get memoryBytes(): number {
    return this.ex ? this.ex.memoryBytes() : 0;
  }

  dispose(): void {
    this.ex = undefined;
  }
}

function abortFromWasm(): never {
  throw new TokenmillError("WASM_ABORT", "train: the WASM merge loop aborted (out of memory?)");
}

export function createWasmMergeCore(words: CoreWords): MergeCore {
  return new WasmMergeCore(words);
}
