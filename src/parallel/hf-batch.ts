// Batches of tokenizer.json encodings on all cores: hfEncodeBatch / hfCountBatch. One shared
// worker pool per tokenizer (and thread count), made on first use; each worker loads the same
// file once. Texts are never cut (no cut is proven safe for every tokenizer.json pipeline), and
// the batch's padding is applied on the calling thread across the whole batch, as HF's
// `encode_batch` does (BatchLongest pads every encoding to the batch's longest).

import { InvalidArgumentError } from "../errors.js";
import type { HfEncodeOptions, HfTokenizer } from "../hf/tokenizer.js";
import { fromWire, type HfEncoding, type HfWireEncoding } from "../hf/encoding.js";
import { withIndex } from "./batch.js";
import { checkThreads, createTokenizerJsonPool } from "./pool.js";

/** A text, or a pair of texts (HF `encode_batch` of pairs). */
export type HfBatchItem = string | readonly [string, string];

export interface HfBatchOptions extends Omit<HfEncodeOptions, "pair"> {
  /** Worker threads of the shared pool for this tokenizer (default: the number of CPUs). */
  threads?: number;
}

type JsonPool = NonNullable<ReturnType<typeof createTokenizerJsonPool>>;
const pools = new WeakMap<HfTokenizer, Map<number, JsonPool>>();

function split(items: readonly HfBatchItem[], fn: string): { texts: string[]; pairs: (string | null)[] | undefined } {
  if (!Array.isArray(items)) throw new InvalidArgumentError(`${fn}: expected an array of texts or [text, pair] pairs, got ${items === null ? "null" : typeof items}`);
  const texts: string[] = [];
  let pairs: (string | null)[] | undefined;
  items.forEach((it, i) => {
    if (typeof it === "string") {
      texts.push(it);
      pairs?.push(null);
      return;
    }
    if (!Array.isArray(it) || it.length !== 2 || typeof it[0] !== "string" || typeof it[1] !== "string") {
      throw new InvalidArgumentError(`${fn}: items[${i}] is neither a string nor a [string, string] pair`);
    }
    pairs ??= new Array<string | null>(texts.length).fill(null);
    texts.push(it[0]);
    pairs.push(it[1]);
  });
  return { texts, pairs };
}

/**
 * HF's `Encoding` of every text or pair, in input order, on all cores (Node worker threads;
 * on the calling thread where there are none). Equal to `tokenizer.encodeWithOffsets` /
 * `encodePair` of each item, except that padding applies across the batch (BatchLongest pads
 * to the longest encoding of the batch).
 * @example
 *   const encs = await hfEncodeBatch(bert, [["Who?", "Me."], ["Where?", "Here."]], { padding: {} });
 *   encs.map((e) => e.attentionMask); // same length, 0 on padding
 */
export async function hfEncodeBatch(tokenizer: HfTokenizer, items: readonly HfBatchItem[], options?: HfBatchOptions): Promise<HfEncoding[]> {
  const { texts, pairs } = split(items, "hfEncodeBatch");
  const threads = checkThreads(options?.threads);
  if (texts.length === 0) return [];
  const job = tokenizer.poolJob(options);
  let byThreads = pools.get(tokenizer);
  if (!byThreads) pools.set(tokenizer, (byThreads = new Map()));
  let pool = byThreads.get(threads);
  if (!pool) {
    pool = createTokenizerJsonPool(job.json, threads, job.engine);
    if (pool) byThreads.set(threads, pool);
  }
  const encs = pool
    ? ((await pool.hfBatch(texts, pairs, job.opts)) as HfWireEncoding[]).map(fromWire)
    : texts.map((t, i) => withIndex(i, () => tokenizer.encodeWithOffsets(t, pairs?.[i] != null ? { ...job.opts, pair: pairs[i]! } : job.opts)));
  return tokenizer.padBatch(encs, options);
}

/** Token counts of every text or pair (padding included), in input order; see hfEncodeBatch. */
export async function hfCountBatch(tokenizer: HfTokenizer, items: readonly HfBatchItem[], options?: HfBatchOptions): Promise<number[]> {
  return (await hfEncodeBatch(tokenizer, items, options)).map((e) => e.ids.length);
}
