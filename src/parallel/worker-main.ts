// The worker side of tokenmill/worker: runs in a Web Worker (module worker) or a Node
// worker_threads Worker, loads encodings on demand and answers WorkerRequests one at a time.

import type { Encoding, EncodeOptions } from "../openai/encoding.js";
import type { TokenCounter } from "../text/counter.js";
import { loadBuiltin } from "../openai/entries/core.js";
import { installStreamingTools } from "../openai/streaming-tools.js";
import { UnknownEncodingError } from "../errors.js";
import { ENCODING_NAMES, isEncodingName } from "../openai/models.js";
import { ENCODING_SPECS } from "../openai/registry.js";
import type { PiecesResult, WorkerRequest, WorkerResponse } from "./worker-protocol.js";
import { packageVocabUrl } from "../package-files.js";
import { nodeBuiltin } from "../platform/node.js";

interface Port {
  post(message: WorkerResponse, transfer: ArrayBuffer[]): void;
  listen(handler: (message: WorkerRequest) => void): void;
}

function port(): Port {
  const wt = nodeBuiltin<{
    parentPort: { postMessage(m: unknown, t: ArrayBuffer[]): void; on(e: "message", f: (m: WorkerRequest) => void): void } | null;
  }>("node:worker_threads");
  const parent = wt?.parentPort;
  if (parent) {
    return { post: (m, t) => parent.postMessage(m, t), listen: (f) => parent.on("message", f) };
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown, t: ArrayBuffer[]): void;
    addEventListener(e: "message", f: (ev: { data: WorkerRequest }) => void): void;
  };
  return { post: (m, t) => scope.postMessage(m, t), listen: (f) => scope.addEventListener("message", (ev) => f(ev.data)) };
}

/** What the worker needs of a tokenizer; both Encoding and HfTokenizer have it. */
interface Tokenizer {
  readonly name?: string;
  encode(text: string, options?: EncodeOptions): Uint32Array;
  count(text: string, options?: EncodeOptions): number;
  decode(ids: ArrayLike<number>): string;
  tokenBytes(id: number): Uint8Array;
}

installStreamingTools(); // enc.counter(): the live count of the "count" op

// Tokenizers loaded from a tokenizer.json, by the name the client gave them.
const custom = new Map<string, Tokenizer>();

function load(req: WorkerRequest): Promise<Tokenizer> {
  const name = req.encoding;
  const own = custom.get(name);
  if (own) return Promise.resolve(own);
  if (!isEncodingName(name)) throw new UnknownEncodingError(String(name), ENCODING_NAMES);
  const file = ENCODING_SPECS[name]().vocabFile.replace(/\.tkv$/, ".tkp");
  const vocabUrl = req.vocabBaseUrl ? new URL(file, req.vocabBaseUrl) : undefined;
  return loadBuiltin(name, () => packageVocabUrl(file), { engine: req.engine, vocabUrl });
}

/** Token texts for display, joining tokens that split a UTF-8 character. */
function pieces(enc: Tokenizer, text: string, limit: number, hf: boolean): PiecesResult {
  const ids = hf ? enc.encode(text) : enc.encode(text, { allowedSpecial: "all" });
  const n = Math.min(ids.length, limit);
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const out: string[] = [];
  const counts: number[] = [];
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  for (let i = 0; i < n; i++) {
    const b = enc.tokenBytes(ids[i]!);
    pending.push(b);
    pendingLen += b.length;
    if (i + 1 < n && !endsOnBoundary(pending, pendingLen)) continue;
    const joined = new Uint8Array(pendingLen);
    let at = 0;
    for (const p of pending) {
      joined.set(p, at);
      at += p.length;
    }
    out.push(decoder.decode(joined));
    counts.push(pending.length);
    pending = [];
    pendingLen = 0;
  }
  return { ids, pieces: out, tokenCounts: counts, truncated: n < ids.length };
}

// True when the bytes so far end with a complete UTF-8 sequence (or an invalid one that more
// bytes cannot complete).
function endsOnBoundary(parts: Uint8Array[], total: number): boolean {
  const byteAt = (k: number): number => {
    for (let j = parts.length - 1, end = total; j >= 0; j--) {
      const start = end - parts[j]!.length;
      if (k >= start) return parts[j]![k - start]!;
      end = start;
    }
    return 0;
  };
  for (let back = 1; back <= Math.min(4, total); back++) {
    const c = byteAt(total - back);
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return back >= need || c < 0xc0 || c > 0xf4;
  }
  return true;
}

// Live counts (Encoding.counter): a page that posts the text of an editor after every keystroke
// gets each count from the stretch around the change, not a re-encode of the whole text. One
// counter per encoding, engine and options, the most recently used few kept.
const counters = new Map<string, TokenCounter>();
const MAX_COUNTERS = 8;

function liveCount(enc: Encoding, req: WorkerRequest): number {
  const key = `${req.encoding}\u0000${req.engine ?? ""}\u0000${JSON.stringify(req.options ?? null, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v))}`;
  let c = counters.get(key);
  if (c) counters.delete(key); // to the back: most recently used
  else c = enc.counter("", req.options);
  counters.set(key, c);
  if (counters.size > MAX_COUNTERS) counters.delete(counters.keys().next().value!);
  return c.set(req.text!);
}

async function handle(req: WorkerRequest): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  if (req.op === "tokenizerJson") {
    // The tokenizer.json support is its own chunk, fetched only when someone loads one.
    const { fromTokenizerJson } = await import("../hf/index.js");
    const tok = await fromTokenizerJson(req.json!);
    custom.set(req.encoding, tok as unknown as Tokenizer);
    return { result: { name: req.encoding }, transfer: [] };
  }
  const enc = await load(req);
  const hf = custom.has(req.encoding);
  switch (req.op) {
    case "load":
      return { result: hf ? { name: req.encoding } : { name: enc.name, engine: (enc as { engine?: string }).engine, nVocab: (enc as { nVocab?: number }).nVocab }, transfer: [] };
    case "count":
      return { result: hf ? enc.count(req.text!) : liveCount(enc as unknown as Encoding, req), transfer: [] };
    case "encode": {
      const ids = hf ? enc.encode(req.text!) : enc.encode(req.text!, req.options);
      return { result: ids, transfer: [ids.buffer as ArrayBuffer] };
    }
    case "decode":
      return { result: enc.decode(req.ids!), transfer: [] };
    case "pieces": {
      const r = pieces(enc, req.text!, req.limit ?? 10_000, hf);
      return { result: r, transfer: [r.ids.buffer as ArrayBuffer] };
    }
    default:
      throw new Error(`tokenmill worker: unknown op ${JSON.stringify(req.op)}`);
  }
}

const p = port();
p.listen((req) => {
  handle(req).then(
    ({ result, transfer }) => p.post({ id: req.id, result }, transfer),
    (err: unknown) => {
      const e = err as { name?: string; message?: string; code?: string };
      p.post({ id: req.id, error: { name: e?.name ?? "Error", message: e?.message ?? String(err), code: e?.code } }, []);
    },
  );
});
