// Word (pre-token) counting: the corpus → distinct pre-tokens with their counts.
//
// What a "sequence" is follows HF, since the pattern only sees one sequence at a time and the
// merges depend on where sequences end:
// - files and byte/text streams are read line by line, each line with its "\n" (HF
//   `Tokenizer.train(files)` reads `lines_with_ending`), so the chunking of a stream never
//   changes the result;
// - a string, or each string of a (sync) iterable, is one sequence, as in HF
//   `train_from_iterator`.
//
// Memory: the table of distinct words (their text and a count) plus one line (or one string)
// at a time plus one read chunk (1 MiB): the corpus itself is never held.
import { CorpusReadError, CorpusUtf8Error, EmptyCorpusError } from "./errors.js";
import { InvalidArgumentError } from "../errors.js";
import type { TrainPattern } from "./patterns.js";
import { countInto } from "./count-kernel.js";
import { WorkerCounter, workerThreads } from "./count-workers.js";

/** The corpus: see train(). */
export type TrainSource =
  | string
  | { files: readonly string[] }
  /** Parity-aware BPE only: one corpus per language. */
  | { languages: Readonly<Record<string, TrainSource>> }
  | Iterable<string>
  | AsyncIterable<string | Uint8Array>;

export type InvalidUtf8Option = "error" | "replace";

export interface CountProgress {
  /** Pre-tokens counted so far (with repetition). */
  words: number;
  /** Distinct pre-tokens so far. */
  distinct: number;
  /** Bytes of text read so far (UTF-8). */
  bytes: number;
}

/** Counts on the calling thread, or hands blocks of lines to counting workers. */
class Counter {
  readonly counts = new Map<string, number>();
  bytes = 0;
  private localWords = 0;
  private readonly re: RegExp;
  private workers: WorkerCounter | undefined;
  /** Tables of further patterns over the same sequences (SuperBPE's second stage). */
  readonly extra: Array<{ re: RegExp; counts: Map<string, number> }>;

  constructor(
    private readonly pattern: TrainPattern,
    private readonly threads: number,
    extraPatterns: readonly TrainPattern[],
  ) {
    this.re = pattern.compile();
    this.extra = extraPatterns.map((p) => ({ re: p.compile(), counts: new Map() }));
  }

  get words(): number {
    return this.localWords + (this.workers?.words ?? 0);
  }

  /** Counts the pre-tokens of one sequence. */
  addSequence(text: string): void {
    this.localWords += countInto(this.re, text, false, this.counts);
    for (const x of this.extra) countInto(x.re, text, false, x.counts);
  }

  /** Counts each line (with its "\n") of a block of whole lines as one sequence. */
  async addLines(block: string): Promise<void> {
    for (const x of this.extra) countInto(x.re, block, true, x.counts);
    if (this.threads > 1 && this.workers === undefined && block.length >= WORKER_MIN_BLOCK) {
      const wt = workerThreads();
      if (wt) this.workers = new WorkerCounter(wt, this.threads, this.pattern.jsSource);
    }
    if (this.workers) await this.workers.addLines(block);
    else this.localWords += countInto(this.re, block, true, this.counts);
  }

  async finish(): Promise<void> {
    if (this.workers) await this.workers.finish(this.counts);
  }

  dispose(): void {
    this.workers?.dispose();
  }
}

// Blocks smaller than this (a whole small file, say) are counted in place: starting workers
// costs more than it saves.
const WORKER_MIN_BLOCK = 256 * 1024;

/** Offset and bytes of the first ill-formed UTF-8 sequence in `b` (or of a truncated last one). */
export function firstInvalidUtf8(b: Uint8Array): { offset: number; bytes: Uint8Array } | undefined {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    }
    if (len === 0) return { offset: i, bytes: b.slice(i, i + 1) };
    let k = 1;
    for (; k < len && i + k < b.length; k++) {
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return { offset: i, bytes: b.slice(i, i + k + 1) };
    }
    if (k < len) return { offset: i, bytes: b.slice(i, i + k) };
    i += len;
  }
  return undefined;
}

const CHUNK = 1 << 20;

/**
 * Feeds a byte (or text) stream to `counter` line by line. Bytes are cut after the last "\n" of
 * each chunk (a "\n" byte is never inside a UTF-8 sequence), so each decode is of whole lines.
 */
async function countStream(
  counter: Counter,
  stream: AsyncIterable<string | Uint8Array>,
  name: string,
  invalidUtf8: InvalidUtf8Option,
  onChunk: () => void,
): Promise<void> {
  const decoder = new TextDecoder("utf-8", { fatal: invalidUtf8 === "error", ignoreBOM: true });
  const encoder = new TextEncoder();
  let carry: Uint8Array = new Uint8Array(0);
  let carryStart = 0; // stream offset of carry[0]
  const decode = (bytes: Uint8Array, at: number): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes) ?? { offset: bytes.length, bytes: new Uint8Array(0) };
      throw new CorpusUtf8Error(name, at + bad.offset, bad.bytes);
    }
  };
  for await (const part of stream) {
    let chunk: Uint8Array;
    if (typeof part === "string") chunk = encoder.encode(part);
    else if (part instanceof Uint8Array) chunk = part;
    else throw new InvalidArgumentError(`train: ${name} yielded a ${typeof part}, expected strings or Uint8Arrays`);
    counter.bytes += chunk.length;
    const nl = chunk.lastIndexOf(0x0a);
    if (nl < 0) {
      carry = concat(carry, chunk);
      continue;
    }
    const block = concat(carry, chunk.subarray(0, nl + 1));
    await counter.addLines(decode(block, carryStart));
    carryStart += block.length;
    carry = chunk.slice(nl + 1);
    onChunk();
  }
  if (carry.length) await counter.addLines(decode(carry, carryStart));
  onChunk();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Counts the words of a whole source; `progress` after each chunk, sequence or file. With
 * `extraPatterns`, the same sequences are also counted with each of them (on this thread),
 * and their tables follow the first in the result.
 */
export async function countWords(
  source: TrainSource,
  pattern: TrainPattern,
  invalidUtf8: InvalidUtf8Option,
  threads: number,
  progress?: (p: CountProgress) => void,
  extraPatterns: readonly TrainPattern[] = [],
): Promise<Map<string, number>[]> {
  const counter = new Counter(pattern, threads, extraPatterns);
  try {
    await countSource(counter, source, invalidUtf8, progress);
    await counter.finish();
  } finally {
    counter.dispose();
  }
  progress?.({ words: counter.words, distinct: counter.counts.size, bytes: counter.bytes });
  if (counter.counts.size === 0) throw new EmptyCorpusError(counter.bytes ? "no pre-token in it" : "no text");
  return [counter.counts, ...counter.extra.map((x) => x.counts)];
}

async function countSource(
  counter: Counter,
  source: TrainSource,
  invalidUtf8: InvalidUtf8Option,
  progress: ((p: CountProgress) => void) | undefined,
): Promise<void> {
  const report = progress
    ? () => progress({ words: counter.words, distinct: counter.counts.size, bytes: counter.bytes })
    : () => {};
  if (typeof source === "string") {
    counter.bytes += source.length;
    counter.addSequence(source);
  } else if (source && typeof source === "object" && "files" in source && !(Symbol.iterator in source)) {
    const files = source.files;
    if (!Array.isArray(files)) throw new InvalidArgumentError("train: { files } must be an array of paths");
    // Looked up at run time, not imported: this module is in the main entry, which browsers and
    // bundlers load too.
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const fs = proc?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
    if (!fs) throw new InvalidArgumentError("train: { files } needs Node's fs; pass a stream or strings elsewhere");
    const createReadStream = fs.createReadStream;
    for (const file of files) {
      if (typeof file !== "string") throw new InvalidArgumentError(`train: file path ${String(file)} is not a string`);
      const stream = createReadStream(file, { highWaterMark: CHUNK });
      try {
        await countStream(counter, stream, file, invalidUtf8, report);
      } catch (e) {
        stream.destroy();
        if (e instanceof Error && "code" in e && typeof (e as NodeJS.ErrnoException).syscall === "string") {
          throw new CorpusReadError(file, e.message);
        }
        throw e;
      }
    }
  } else if (source != null && typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    await countStream(counter, source as AsyncIterable<string | Uint8Array>, "<stream>", invalidUtf8, report);
  } else if (source != null && typeof (source as Iterable<unknown>)[Symbol.iterator] === "function") {
    let i = 0;
    for (const text of source as Iterable<unknown>) {
      if (typeof text !== "string") {
        throw new InvalidArgumentError(`train: item ${i} of the corpus is a ${typeof text}, expected a string`);
      }
      counter.bytes += text.length;
      counter.addSequence(text);
      if ((++i & 1023) === 0) report();
    }
  } else {
    throw new InvalidArgumentError(
      "train: source must be a string, an iterable of strings, an async iterable or stream of text/bytes, or { files: [...] }",
    );
  }
}
