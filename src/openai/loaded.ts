// The built-in encodings loaded so far: one Encoding per name and engine, whichever way it was
// asked for (getEncoding, getEncodingSync, encodingForModel, or load() of a per-encoding entry
// such as tokenmill/o200k_base), so that a program that uses two of them holds one engine, not
// two. Loads with caller-supplied parts (wasm, vocab, vocabUrl) are never shared.

import type { Encoding } from "./encoding.js";
import { useWasm, type LoadOptions } from "./vocab-load.js";

const loaded = new Map<string, Encoding | Promise<Encoding>>();

/** The key a load shares under, or undefined if it has caller-supplied parts. */
export function sharedKey(name: string, options: LoadOptions | undefined): string | undefined {
  return options?.wasm || options?.vocab || options?.vocabUrl ? undefined : `${name}/${useWasm(options) ? "wasm" : "js"}`;
}

/** The encoding loaded (an Encoding) or loading (a Promise) under `key`, if any. */
export function sharedEncoding(key: string | undefined): Encoding | Promise<Encoding> | undefined {
  return key === undefined ? undefined : loaded.get(key);
}

/** Records a load under `key`; a promise is replaced by its encoding, or forgotten if it fails (so that it may be retried). */
export function shareEncoding<T extends Encoding | Promise<Encoding>>(key: string | undefined, value: T): T {
  if (key === undefined) return value;
  loaded.set(key, value);
  if (value instanceof Promise) value.then((enc) => loaded.set(key, enc), () => loaded.delete(key));
  return value;
}
