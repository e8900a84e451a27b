// tokenmill/worker: tokenization off the main thread. A tiny client that starts the worker
// script (dist/worker-main.js) in a Web Worker, or in a worker_threads Worker under Node, and
// gives each call a promise. Encodings load inside the worker on first use.
//
//   const tok = createWorker();                 // o200k_base by default
//   const n = await tok.count(hugePaste);       // the page keeps responding
//   tok.terminate();

import type { EncodeOptions } from "../openai/encoding.js";
import { TokenmillError } from "../errors.js";
import type { PiecesResult, WorkerOp, WorkerRequest, WorkerResponse } from "./worker-protocol.js";
import { nodeBuiltin } from "../platform/node.js";

export type { PiecesResult } from "./worker-protocol.js";

export interface WorkerOptions {
  /** Encoding used when a call names none (default "o200k_base"). */
  encoding?: string;
  /** "wasm" / "js" / "auto" (default), as in getEncoding. */
  engine?: "auto" | "wasm" | "js";
  /** Folder the packed vocab files (<name>.tkp) are fetched from; default vocab/ next to the package. */
  vocabBaseUrl?: string | URL;
  /** The worker script, if your bundler moved it; default dist/worker-main.js of this package. */
  workerUrl?: string | URL;
}

export interface CallOptions extends EncodeOptions {
  encoding?: string;
}

interface Endpoint {
  post(message: WorkerRequest, transfer: Transferable[]): void;
  /** Keep the process alive (Node) while calls are pending. */
  hold(busy: boolean): void;
  terminate(): void;
}

/** A tokenizer running in a worker; every method returns a promise. */
export class TokenizerWorker {
  private readonly endpoint: Endpoint;
  private readonly options: WorkerOptions;
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private nextId = 1;
  private closed = false;

  constructor(options: WorkerOptions = {}) {
    this.options = options;
    this.endpoint = startWorker(options.workerUrl, (m) => this.receive(m), (err) => this.fail(err));
  }

  /** Loads the encoding in the worker now (otherwise the first call does). Resolves to its engine. */
  async load(encoding?: string): Promise<{ name: string; engine: "wasm" | "js"; nVocab: number }> {
    return this.call("load", { encoding }) as Promise<{ name: string; engine: "wasm" | "js"; nVocab: number }>;
  }

  count(text: string, options?: CallOptions): Promise<number> {
    return this.call("count", { text, options: rest(options), encoding: options?.encoding }) as Promise<number>;
  }

  encode(text: string, options?: CallOptions): Promise<Uint32Array> {
    return this.call("encode", { text, options: rest(options), encoding: options?.encoding }) as Promise<Uint32Array>;
  }

  decode(ids: ArrayLike<number>, options?: { encoding?: string }): Promise<string> {
    return this.call("decode", { ids: Uint32Array.from(ids), encoding: options?.encoding }) as Promise<string>;
  }

  /**
   * Loads a Hugging Face tokenizer.json (its text) into the worker; later calls use it with
   * `{ encoding: name }`.
   */
  loadTokenizerJson(json: string, name = "tokenizer.json"): Promise<{ name: string }> {
    return this.call("tokenizerJson", { json, encoding: name }) as Promise<{ name: string }>;
  }

  /** Ids of all of `text` and the texts of its first `limit` tokens (default 10 000), for display. */
  pieces(text: string, options?: { encoding?: string; limit?: number }): Promise<PiecesResult> {
    return this.call("pieces", { text, limit: options?.limit, encoding: options?.encoding }) as Promise<PiecesResult>;
  }

  /** Stops the worker; pending calls reject. */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.endpoint.terminate();
    this.fail(new TokenmillError("WORKER_TERMINATED", "the tokenizer worker was terminated"));
  }

  private call(op: WorkerOp, fields: Partial<WorkerRequest>): Promise<unknown> {
    if (this.closed) return Promise.reject(new TokenmillError("WORKER_TERMINATED", "the tokenizer worker was terminated"));
    const id = this.nextId++;
    const base = this.options.vocabBaseUrl;
    const req: WorkerRequest = {
      id,
      op,
      encoding: fields.encoding ?? this.options.encoding ?? "o200k_base",
      engine: this.options.engine,
      vocabBaseUrl: base === undefined ? undefined : new URL(base, (globalThis as { location?: { href?: string } }).location?.href).href,
      text: fields.text,
      ids: fields.ids,
      options: fields.options,
      limit: fields.limit,
      json: fields.json,
    };
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      if (this.calls.size === 1) this.endpoint.hold(true);
      this.endpoint.post(req, []);
    });
  }

  private receive(m: WorkerResponse): void {
    const call = this.calls.get(m.id);
    if (!call) return;
    this.calls.delete(m.id);
    if (this.calls.size === 0) this.endpoint.hold(false);
    if (m.error) {
      const err = new TokenmillError(m.error.code ?? "WORKER_ERROR", m.error.message);
      err.name = m.error.name;
      call.reject(err);
    } else {
      call.resolve(m.result);
    }
  }

  private fail(err: unknown): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    this.endpoint.hold(false);
    for (const c of calls) c.reject(err);
  }
}

/** Starts a tokenizer worker. @example const n = await createWorker().count(text) */
export function createWorker(options?: WorkerOptions): TokenizerWorker {
  return new TokenizerWorker(options);
}

function rest(options: CallOptions | undefined): EncodeOptions | undefined {
  if (!options) return undefined;
  const { encoding: _encoding, ...encodeOptions } = options;
  return encodeOptions;
}

interface NodeWorker {
  postMessage(m: unknown, t?: readonly unknown[]): void;
  on(e: "message", f: (m: WorkerResponse) => void): void;
  on(e: "error", f: (err: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): unknown;
}

function startWorker(url: string | URL | undefined, onMessage: (m: WorkerResponse) => void, onError: (e: unknown) => void): Endpoint {
  const wt = nodeBuiltin<{ Worker: new (url: URL) => NodeWorker; isMainThread: boolean }>("node:worker_threads");
  if (wt && typeof (globalThis as { Worker?: unknown }).Worker !== "function") {
    const w = new wt.Worker(url ? new URL(url) : new URL("./worker-main.js", import.meta.url));
    w.on("message", onMessage);
    w.on("error", onError);
    w.unref();
    return {
      post: (m, t) => w.postMessage(m, t as unknown[]),
      hold: (busy) => (busy ? w.ref() : w.unref()),
      terminate: () => void w.terminate(),
    };
  }
  // Written out in one expression so that bundlers (Vite, webpack, Parcel) see the worker.
  const w = url ? new Worker(url, { type: "module" }) : new Worker(new URL("./worker-main.js", import.meta.url), { type: "module" });
  w.addEventListener("message", (ev: MessageEvent<WorkerResponse>) => onMessage(ev.data));
  w.addEventListener("error", (ev: ErrorEvent) => onError(new TokenmillError("WORKER_ERROR", `tokenizer worker failed: ${ev.message}`)));
  return { post: (m, t) => w.postMessage(m, t), hold: () => {}, terminate: () => w.terminate() };
}
