// encodeBatch / countBatch: one shared pool per encoding and thread count, made on first use;
// on the calling thread where worker_threads do not exist (same results, no parallelism).

import type { EncodeOptions } from "../openai/encoding.js";
import { getEncoding } from "../openai/load.js";
import { checkEncoding, checkTexts, checkThreads, createTokenizerPool, workerThreads, type BatchOptions, type TokenizerPool } from "./pool.js";

const shared = new Map<string, TokenizerPool>();

function sharedPool(options: BatchOptions | undefined): TokenizerPool | undefined {
  const encoding = checkEncoding(options?.encoding);
  const threads = checkThreads(options?.threads);
  if (!workerThreads()) return undefined;
  const key = `${encoding}/${threads}`;
  let pool = shared.get(key);
  if (!pool) shared.set(key, (pool = createTokenizerPool({ encoding, threads })));
  return pool;
}

function specialOptions(options: BatchOptions | undefined): EncodeOptions | undefined {
  if (!options) return undefined;
  const { allowedSpecial, disallowedSpecial } = options;
  return { allowedSpecial, disallowedSpecial };
}

/**
 * Token ids of many texts, in order, on all cores (Node: a shared worker pool per encoding and
 * thread count, created on first use, that never keeps the process alive). Where worker_threads
 * do not exist (browsers), runs on the calling thread with the same results.
 * @example const ids = await encodeBatch(docs, { encoding: "cl100k_base" });
 */
export async function encodeBatch(texts: readonly string[], options?: BatchOptions): Promise<Uint32Array[]> {
  const pool = sharedPool(options);
  if (pool) return pool.encodeBatch(texts, specialOptions(options));
  checkTexts(texts, "encodeBatch");
  const enc = await getEncoding(checkEncoding(options?.encoding));
  const opts = specialOptions(options);
  return texts.map((t, i) => withIndex(i, () => enc.encode(t, opts)));
}

/** Token counts of many texts, in order; see encodeBatch. */
export async function countBatch(texts: readonly string[], options?: BatchOptions): Promise<number[]> {
  const pool = sharedPool(options);
  if (pool) return pool.countBatch(texts, specialOptions(options));
  checkTexts(texts, "countBatch");
  const enc = await getEncoding(checkEncoding(options?.encoding));
  const opts = specialOptions(options);
  return texts.map((t, i) => withIndex(i, () => enc.count(t, opts)));
}

/** Runs f for text i; an error it throws gets `textIndex` i. */
export function withIndex<T>(i: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error) (e as Error & { textIndex?: number }).textIndex = i;
    throw e;
  }
}
