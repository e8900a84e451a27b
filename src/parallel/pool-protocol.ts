// The messages between the worker pool (pool.ts) and its workers (pool-worker.ts): options as
// plain data, results as transferred typed arrays, errors as plain records revived on the main
// thread into the same typed errors the single-threaded call throws.

import type { EncodeOptions, SpecialTokenSet } from "../openai/encoding.js";
import { DisallowedSpecialTokenError, InvalidArgumentError, TokenmillError } from "../errors.js";

/** "hf": full tokenizer.json encodings (HfEncoding) of texts or pairs, for hfEncodeBatch. */
export type Op = "encode" | "count" | "hf";

/** A chunk of texts for one worker. */
export interface PoolRequest {
  id: number;
  op: Op;
  texts: string[];
  opts: WireOptions | undefined;
  /** op "hf": the second sequence of each text (null: none), and the encode options. */
  pairs?: (string | null)[];
  hfOpts?: unknown;
}

export type WorkerMessage =
  | { ready: true }
  | { initError: WireError }
  | { id: number; ok: true; ids?: Uint32Array[]; counts?: Uint32Array; encs?: unknown[] }
  | { id: number; ok: false; at: number; error: WireError };

export interface WireOptions {
  allowedSpecial?: "all" | string[];
  disallowedSpecial?: "all" | string[];
}

function wireSet(value: SpecialTokenSet | undefined, what: string): "all" | string[] | undefined {
  if (value === undefined) return undefined;
  if (value === "all") return "all";
  if (typeof value === "string" || value == null || typeof (value as Iterable<string>)[Symbol.iterator] !== "function") {
    throw new InvalidArgumentError(`${what} must be "all" or an iterable of strings, got ${JSON.stringify(value)}`);
  }
  const out: unknown[] = [...(value as Iterable<unknown>)];
  for (const t of out) {
    if (typeof t !== "string") throw new InvalidArgumentError(`${what} must contain strings, got ${typeof t}`);
  }
  return out as string[];
}

export function wireOptions(options: EncodeOptions | undefined): WireOptions | undefined {
  if (options == null) return undefined;
  if (typeof options !== "object") throw new InvalidArgumentError(`options must be an object, got ${typeof options}`);
  const allowedSpecial = wireSet(options.allowedSpecial, "allowedSpecial");
  const disallowedSpecial = wireSet(options.disallowedSpecial, "disallowedSpecial");
  if (allowedSpecial === undefined && disallowedSpecial === undefined) return undefined;
  const o: WireOptions = {};
  if (allowedSpecial !== undefined) o.allowedSpecial = allowedSpecial;
  if (disallowedSpecial !== undefined) o.disallowedSpecial = disallowedSpecial;
  return o;
}

export interface WireError {
  name: string;
  code?: string;
  message: string;
  token?: string;
  index?: number;
}

/** The main-thread twin of an error thrown in a worker, with `textIndex` naming the text. */
export function revive(e: WireError, textIndex: number, offset: number): Error {
  let err: Error;
  if (e.name === "DisallowedSpecialTokenError" && typeof e.token === "string" && typeof e.index === "number") {
    err = new DisallowedSpecialTokenError(e.token, e.index + offset);
  } else if (e.name === "InvalidArgumentError") {
    err = new InvalidArgumentError(e.message);
  } else if (typeof e.code === "string") {
    err = new TokenmillError(e.code, e.message);
  } else {
    err = new Error(e.message);
    err.name = e.name;
  }
  if (textIndex >= 0) (err as Error & { textIndex?: number }).textIndex = textIndex;
  return err;
}
