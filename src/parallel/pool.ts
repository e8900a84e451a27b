// Multi-core batch tokenization for Node: a pool of worker_threads, each with its own copy of
// one built-in encoding (loaded once per worker with getEncodingSync).
//
// How a batch runs:
// - The texts are cut into "items": a text is one item, except a text much longer than the
//   batch's chunk size, which is cut at safe piece boundaries (text/cuts.ts) so that one large
//   text is spread over the threads too. ids(text) == ids(left) ++ ids(right) at such a cut.
// - Contiguous items are grouped into chunks of about the same number of characters (not the
//   same number of texts), ~8 chunks per thread, and handed out in order; each worker holds at
//   most two chunks (one running, one queued) so that none waits for the main thread.
// - A worker returns each item's ids as its own Uint32Array, transferred (no copy); counts come
//   back as one transferred Uint32Array. Results are assembled in input order.
// - An error (e.g. a disallowed special token) rejects the batch with the same typed error the
//   single-threaded call throws, for the lowest-indexed failing text (what a sequential loop
//   would have thrown first), with `textIndex` set to that text's index.
//
// worker_threads are reached through process.getBuiltinModule (Node >= 20.16), so bundling this
// module for a browser pulls in nothing from Node. Without worker_threads, createTokenizerPool
// throws TokenmillError("NO_WORKER_THREADS"); the top-level encodeBatch/countBatch instead run on
// the calling thread (same results, no parallelism).
//
// The worker's own code is in pool-worker.ts, the messages in pool-protocol.ts, and the
// module-level encodeBatch/countBatch with their shared pools in batch.ts.

import type { EncodeOptions } from "../openai/encoding.js";
import { InvalidArgumentError, TokenmillError, UnknownEncodingError } from "../errors.js";
import { ENCODING_NAMES, isEncodingName } from "../openai/models.js";
import { checkEngineChoice, type EngineChoice } from "../engines/choice.js";
import { nodeBuiltin } from "../platform/node.js";
import { isSafeCut } from "../text/cuts.js";
import { entryUrl, WORKER_SOURCE } from "./pool-worker.js";
import { revive, wireOptions, type Op, type PoolRequest, type WireError, type WireOptions, type WorkerMessage } from "./pool-protocol.js";

export interface TokenizerPoolOptions {
  /** A built-in encoding name (default "o200k_base"). */
  encoding?: string;
  /** Number of worker threads (default: the number of CPUs, `os.availableParallelism()`). */
  threads?: number;
  /** Engine the workers use, as in getEncodingSync (default "auto"). */
  engine?: EngineChoice;
}

export interface BatchOptions extends EncodeOptions {
  /** A built-in encoding name (default "o200k_base"). */
  encoding?: string;
  /** Worker threads of the shared pool for this encoding (default: the number of CPUs). */
  threads?: number;
}

export interface TokenizerPool {
  readonly encoding: string;
  readonly threads: number;
  /**
   * Token ids of every text, in input order; the same as `texts.map((t) => enc.encode(t, options))`.
   * @throws (rejects) the typed error `encode` would throw for the first failing text, with
   *   `textIndex` set; TokenmillError "POOL_CLOSED" if the pool is closed.
   */
  encodeBatch(texts: readonly string[], options?: EncodeOptions): Promise<Uint32Array[]>;
  /** Token counts of every text, in input order; the same as `texts.map((t) => enc.count(t, options))`. */
  countBatch(texts: readonly string[], options?: EncodeOptions): Promise<number[]>;
  /** Terminates the workers; pending batches reject with "POOL_CLOSED". Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_ENCODING = "o200k_base";
/** Chunks per thread and batch: enough to even out uneven texts, few enough to keep per-message cost small. */
const CHUNKS_PER_THREAD = 8;
const MIN_CHUNK_CHARS = 16 * 1024;
const MAX_CHUNK_CHARS = 256 * 1024;
const MAX_INFLIGHT = 2;

// ---- Node built-ins, reached without a static import ---------------------------------------

interface NodeWorker {
  postMessage(value: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}
interface WorkerThreads {
  Worker: new (code: string, options: { eval: true; workerData: unknown; stdout?: boolean; stderr?: boolean }) => NodeWorker;
}

export function workerThreads(): WorkerThreads | undefined {
  const wt = nodeBuiltin<WorkerThreads>("node:worker_threads");
  return typeof wt?.Worker === "function" ? wt : undefined;
}

function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>("node:os");
  const n = os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
  return Math.max(1, n | 0);
}

// ---- Long texts ---------------------------------------------------------------------------

/**
 * Cut points (ascending, exclusive of 0 and length) that split `text` into parts of about
 * `target` characters, each at the first safe cut (`isSafeCut`) after the part's target size.
 * Used to spread one long text over worker threads; parts shorter than target/4 are not made.
 */
export function splitPoints(text: string, target: number): number[] {
  const cuts: number[] = [];
  let start = 0;
  while (text.length - start > target + (target >>> 1)) {
    let p = start + target;
    while (p < text.length && !isSafeCut(text, p)) p++;
    if (p >= text.length || text.length - p < target >>> 2) break;
    cuts.push(p);
    start = p;
  }
  return cuts;
}

// ---- Batches --------------------------------------------------------------------------------

interface Batch {
  op: Op;
  opts: WireOptions | undefined;
  nTexts: number;
  /** Per item: the text it belongs to and its start offset in that text. */
  itemText: Uint32Array;
  itemOffset: number[];
  itemIds: (Uint32Array | undefined)[];
  itemCount: Float64Array;
  /** op "hf": the second sequences, the options, the encodings back. */
  pairs?: (string | null)[];
  hfOpts?: unknown;
  itemEncs?: unknown[];
  open: number; // chunks not yet returned
  failure?: { textIndex: number; error: Error };
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Chunk {
  batch: Batch;
  first: number; // item index
  texts: string[];
  pairs?: (string | null)[];
}

interface PoolWorker {
  w: NodeWorker;
  inflight: Map<number, Chunk>;
  dead: boolean;
  referenced: boolean;
}

export function checkTexts(texts: readonly string[], fn: string): void {
  if (!Array.isArray(texts)) throw new InvalidArgumentError(`${fn}: expected an array of strings, got ${texts === null ? "null" : typeof texts}`);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") {
      const t = texts[i] as unknown;
      throw new InvalidArgumentError(`${fn}: texts[${i}] is not a string (got ${t === null ? "null" : typeof t})`);
    }
  }
}

export function checkThreads(threads: unknown): number {
  if (threads === undefined) return defaultThreads();
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new InvalidArgumentError(`threads must be an integer from 1 to 1024, got ${String(threads)}`);
  }
  return threads;
}

export function checkEncoding(name: unknown): string {
  if (name === undefined) return DEFAULT_ENCODING;
  if (!isEncodingName(name)) throw new UnknownEncodingError(String(name), ENCODING_NAMES);
  return name;
}

class Pool implements TokenizerPool {
  readonly encoding: string;
  readonly threads: number;
  private readonly engine: EngineChoice;
  private readonly wt: WorkerThreads;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Chunk[] = [];
  private nextId = 1;
  private closing?: Promise<void>;

  /** A tokenizer.json's text: the workers load it instead of a built-in encoding. */
  private readonly json: string | undefined;

  constructor(wt: WorkerThreads, encoding: string, threads: number, engine: EngineChoice, json?: string) {
    this.wt = wt;
    this.encoding = encoding;
    this.threads = threads;
    this.engine = engine;
    this.json = json;
  }

  /**
   * @internal Full tokenizer.json encodings of texts (pairs[i]: the second sequence, or null),
   * in input order, each text whole (no cut is safe for every tokenizer.json pipeline).
   */
  hfBatch(texts: readonly string[], pairs: (string | null)[] | undefined, hfOpts: unknown): Promise<unknown[]> {
    return this.submit("hf", texts, undefined, "encodeBatch", pairs, hfOpts) as Promise<unknown[]>;
  }

  encodeBatch(texts: readonly string[], options?: EncodeOptions): Promise<Uint32Array[]> {
    return this.submit("encode", texts, options, "encodeBatch") as Promise<Uint32Array[]>;
  }

  countBatch(texts: readonly string[], options?: EncodeOptions): Promise<number[]> {
    return this.submit("count", texts, options, "countBatch") as Promise<number[]>;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    const closed = new TokenmillError("POOL_CLOSED", "the tokenizer pool was closed");
    for (const c of this.queue.splice(0)) this.fail(c.batch, -1, closed, 1);
    const ends: Promise<unknown>[] = [];
    for (const pw of this.workers.splice(0)) {
      pw.dead = true;
      for (const c of pw.inflight.values()) this.fail(c.batch, -1, closed, 1);
      pw.inflight.clear();
      ends.push(pw.w.terminate().catch(() => undefined));
    }
    this.closing = Promise.all(ends).then(() => undefined);
    return this.closing;
  }

  private async submit(op: Op, texts: readonly string[], options: EncodeOptions | undefined, fn: string, pairs?: (string | null)[], hfOpts?: unknown): Promise<unknown> {
    if (this.closing) throw new TokenmillError("POOL_CLOSED", `${fn}: the tokenizer pool was closed`);
    checkTexts(texts, fn);
    const opts = wireOptions(options);
    if (texts.length === 0) return [];
    let total = 0;
    for (const t of texts) total += t.length;
    const target = Math.min(MAX_CHUNK_CHARS, Math.max(MIN_CHUNK_CHARS, Math.ceil(total / (this.threads * CHUNKS_PER_THREAD))));

    // Items: texts, long ones cut at safe points.
    const itemText: number[] = [];
    const itemOffset: number[] = [];
    const itemStr: string[] = [];
    for (let t = 0; t < texts.length; t++) {
      const text = texts[t]!;
      const cuts = op !== "hf" && this.json === undefined && text.length > target + (target >>> 1) ? splitPoints(text, target) : [];
      let start = 0;
      for (const end of [...cuts, text.length]) {
        itemText.push(t);
        itemOffset.push(start);
        itemStr.push(cuts.length ? text.slice(start, end) : text);
        start = end;
      }
    }
    return new Promise((resolve, reject) => {
      const n = itemStr.length;
      const batch: Batch = {
        op,
        opts,
        nTexts: texts.length,
        itemText: Uint32Array.from(itemText),
        itemOffset,
        itemIds: op === "encode" ? new Array(n) : [],
        itemCount: new Float64Array(op === "count" ? n : 0),
        ...(op === "hf" ? { pairs, hfOpts, itemEncs: new Array(n) } : {}),
        open: 0,
        resolve,
        reject,
      };
      // Chunks: contiguous items of about `target` chars.
      let first = 0;
      let chars = 0;
      for (let k = 0; k < n; k++) {
        chars += itemStr[k]!.length;
        if (chars >= target || k === n - 1) {
          this.queue.push({ batch, first, texts: itemStr.slice(first, k + 1), ...(pairs ? { pairs: pairs.slice(first, k + 1) } : {}) });
          batch.open++;
          first = k + 1;
          chars = 0;
        }
      }
      this.pump();
    });
  }

  /** Hands queued chunks to workers: idle ones first, then new ones, then a second chunk each. */
  private pump(): void {
    while (this.queue.length > 0) {
      let pw: PoolWorker | undefined;
      let best = MAX_INFLIGHT;
      for (const w of this.workers) {
        if (w.inflight.size < best) {
          best = w.inflight.size;
          pw = w;
          if (best === 0) break;
        }
      }
      if ((!pw || best > 0) && this.workers.length < this.threads) pw = this.spawn();
      if (!pw) return;
      const chunk = this.queue.shift()!;
      const id = this.nextId++;
      pw.inflight.set(id, chunk);
      if (!pw.referenced) {
        pw.w.ref();
        pw.referenced = true;
      }
      const request: PoolRequest = { id, op: chunk.batch.op, texts: chunk.texts, opts: chunk.batch.opts };
      if (chunk.batch.op === "hf") {
        request.hfOpts = chunk.batch.hfOpts;
        if (chunk.pairs) request.pairs = chunk.pairs;
      }
      pw.w.postMessage(request);
    }
  }

  private spawn(): PoolWorker {
    const w = new this.wt.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url: entryUrl(), encoding: this.encoding, engine: this.engine, json: this.json },
    });
    const pw: PoolWorker = { w, inflight: new Map(), dead: false, referenced: true };
    this.workers.push(pw);
    w.on("message", (msg: WorkerMessage) => this.onMessage(pw, msg));
    w.on("error", (e: unknown) => this.onDeath(pw, e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) }));
    w.on("exit", (code: number) => this.onDeath(pw, { name: "TokenmillError", code: "WORKER_EXIT", message: `tokenmill pool: a worker exited unexpectedly (exit code ${code})` }));
    return pw;
  }

  private onMessage(pw: PoolWorker, msg: WorkerMessage): void {
    if (pw.dead) return;
    if ("ready" in msg) return;
    if ("initError" in msg) {
      this.onDeath(pw, msg.initError);
      return;
    }
    const chunk = pw.inflight.get(msg.id);
    if (!chunk) return;
    pw.inflight.delete(msg.id);
    const { batch, first } = chunk;
    if (msg.ok) {
      if (msg.encs) for (let k = 0; k < msg.encs.length; k++) batch.itemEncs![first + k] = msg.encs[k];
      else if (msg.ids) for (let k = 0; k < msg.ids.length; k++) batch.itemIds[first + k] = msg.ids[k];
      else if (msg.counts) batch.itemCount.set(msg.counts, first);
      if (--batch.open === 0) this.settle(batch);
    } else {
      const item = first + msg.at;
      const error = revive(msg.error, batch.itemText[item]!, batch.itemOffset[item]!);
      this.fail(batch, batch.itemText[item]!, error, 1);
    }
    this.idle(pw);
    this.pump();
  }

  /** A worker failed as a whole: its chunks' batches reject; later chunks go to a new worker. */
  private onDeath(pw: PoolWorker, e: WireError): void {
    if (pw.dead) return;
    pw.dead = true;
    const i = this.workers.indexOf(pw);
    if (i >= 0) this.workers.splice(i, 1);
    const chunks = [...pw.inflight.values()];
    pw.inflight.clear();
    for (const c of chunks) {
      const err = revive(e, -1, 0);
      if (!(err instanceof TokenmillError)) {
        const wrapped = new TokenmillError("WORKER_FAILED", `tokenmill pool: a worker failed: ${err.message}`);
        this.fail(c.batch, -1, wrapped, 1);
      } else this.fail(c.batch, -1, err, 1);
    }
    pw.w.terminate().catch(() => undefined);
    this.pump();
  }

  private idle(pw: PoolWorker): void {
    if (pw.inflight.size === 0 && pw.referenced) {
      pw.w.unref();
      pw.referenced = false;
    }
  }

  /**
   * Records a failure of `returned` chunks of the batch. The batch rejects once none of its
   * chunks is still running, with the error of the lowest text index (-1 = whole-pool errors,
   * which win); chunks still queued are dropped.
   */
  private fail(batch: Batch, textIndex: number, error: Error, returned: number): void {
    const f = batch.failure;
    if (!f || (f.textIndex >= 0 && (textIndex < 0 || textIndex < f.textIndex))) batch.failure = { textIndex, error };
    batch.open -= returned;
    for (let k = this.queue.length - 1; k >= 0; k--) {
      if (this.queue[k]!.batch === batch) {
        this.queue.splice(k, 1);
        batch.open--;
      }
    }
    if (batch.open === 0) this.settle(batch);
  }

  /** All chunks of the batch are back (or dropped): resolve with the results in input order, or reject. */
  private settle(batch: Batch): void {
    if (batch.failure) {
      batch.reject(batch.failure.error);
      return;
    }
    const { itemText } = batch;
    const n = itemText.length;
    if (batch.op === "hf") {
      batch.resolve(batch.itemEncs);
      return;
    }
    if (batch.op === "count") {
      const counts = new Array<number>(batch.nTexts).fill(0);
      for (let k = 0; k < n; k++) counts[itemText[k]!]! += batch.itemCount[k]!;
      batch.resolve(counts);
      return;
    }
    const ids = batch.itemIds as Uint32Array[];
    if (n === batch.nTexts) {
      batch.resolve(ids);
      return;
    }
    const out = new Array<Uint32Array>(batch.nTexts);
    for (let k = 0; k < n; ) {
      const t = itemText[k]!;
      let e = k + 1;
      while (e < n && itemText[e] === t) e++;
      if (e === k + 1) out[t] = ids[k]!;
      else {
        let len = 0;
        for (let j = k; j < e; j++) len += ids[j]!.length;
        const joined = new Uint32Array(len);
        let o = 0;
        for (let j = k; j < e; j++) {
          joined.set(ids[j]!, o);
          o += ids[j]!.length;
        }
        out[t] = joined;
      }
      k = e;
    }
    batch.resolve(out);
  }
}

// ---- Public API ---------------------------------------------------------------------------

/**
 * A pool of worker threads that encode with one built-in encoding, for large batches in Node.
 * Workers start on first use, load the encoding once each, and are unref'd while idle (the pool
 * does not keep the process alive); close() terminates them.
 * @example
 * const pool = createTokenizerPool({ encoding: "o200k_base", threads: 4 });
 * const ids = await pool.encodeBatch(docs); // ids[i] equals enc.encode(docs[i])
 * await pool.close();
 * @throws TokenmillError "NO_WORKER_THREADS" where worker_threads do not exist (browsers);
 *   UnknownEncodingError; InvalidArgumentError for a bad `threads`.
 */
export function createTokenizerPool(options: TokenizerPoolOptions = {}): TokenizerPool {
  const encoding = checkEncoding(options.encoding);
  const threads = checkThreads(options.threads);
  const engine = checkEngineChoice(options.engine);
  const wt = workerThreads();
  if (!wt) {
    throw new TokenmillError(
      "NO_WORKER_THREADS",
      "createTokenizerPool needs Node's worker_threads (Node >= 20.16), which this runtime lacks; " +
        "use encodeBatch/countBatch (they run on the calling thread here) or your own Web Workers",
    );
  }
  return new Pool(wt, encoding, threads, engine);
}

/** @internal A pool whose workers load a tokenizer.json (hfEncodeBatch's shared pools). */
export function createTokenizerJsonPool(json: string, threads: number, engine: EngineChoice): Pool | undefined {
  const wt = workerThreads();
  return wt ? new Pool(wt, "tokenizer.json", threads, engine, json) : undefined;
}
