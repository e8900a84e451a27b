// Getting a built-in encoding's vocab bytes and choosing its engine, without pulling in the rest
// of the API: shared by load.ts (the main entry) and the per-encoding entries (src/openai/entries/),
// which must stay small. Browser-safe: Node's fs is reached through process.getBuiltinModule
// only when it exists.

import { InvalidArgumentError, TokenmillError, VocabFormatError } from "../errors.js";
import type { EncodingSpec } from "./registry.js";
import { parseVocabFile, type Vocab } from "../vocab/tkv.js";
import { unpackVocab } from "../vocab/tkp.js";
import type { WasmSource } from "../engines/wasm.js";
import { wantsWasm } from "../engines/choice.js";
import { nodeBuiltin } from "../platform/node.js";
import { checkOptions, LOAD_OPTIONS } from "./options.js";

export interface LoadOptions {
  /**
   * "wasm" (default where WebAssembly exists) or "js" (the pure-TypeScript engine, same ids).
   * "auto" picks wasm when available.
   */
  engine?: "auto" | "wasm" | "js";
  /** The engine's .wasm bytes or a compiled module, instead of the copy inlined in the bundle. */
  wasm?: WasmSource;
  /** The vocab file's bytes (`.tkv` or packed `.tkp`, e.g. fetched by the app); skips reading/fetching it. */
  vocab?: Uint8Array | ArrayBuffer;
  /**
   * Where to fetch the vocab file from (`.tkv` or `.tkp`; relative URLs resolve against the
   * page). Default: the packed `vocab/<name>.tkp` next to this package (Node reads the `.tkv`).
   */
  vocabUrl?: string | URL;
}

/**
 * Checks the options (an object of LoadOptions' keys, `engine` one of its values) and says
 * whether the WASM engine is to be used. Every loader calls it first.
 */
export function useWasm(options: LoadOptions | undefined): boolean {
  checkOptions(options, LOAD_OPTIONS, "load options");
  return wantsWasm(options?.engine);
}

export interface NodeFs {
  readFileSync(path: URL): Uint8Array;
  promises: { readFile(path: URL): Promise<Uint8Array> };
  openSync(path: URL, flags: string): number;
  fstatSync(fd: number): { size: number };
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

export function nodeFs(): NodeFs | undefined {
  return nodeBuiltin<NodeFs>("node:fs");
}

export function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new InvalidArgumentError("vocab must be a Uint8Array or an ArrayBuffer");
}

/** options.vocabUrl resolved against the page (browsers) or taken as is. */
export function resolveVocabUrl(url: string | URL): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(url, base);
  } catch {
    throw new InvalidArgumentError(`vocabUrl ${JSON.stringify(String(url))} is not a valid URL${base ? "" : " (relative URLs need a page to resolve against; pass an absolute URL)"}`);
  }
}

/** The plain `.tkv` next to a packed `.tkp` URL (the URL itself if it is not a `.tkp`). */
export function tkvSibling(url: URL): URL {
  return url.pathname.endsWith(".tkp") ? new URL(url.href.replace(/\.tkp$/, ".tkv")) : url;
}

/**
 * Reads (file: URLs, where Node's fs exists) or fetches a vocab file. A `.tkp` URL read from
 * disk is swapped for its `.tkv` sibling when that exists: same ranks, no unpacking.
 */
export async function fetchVocab(name: string, url: URL): Promise<Uint8Array> {
  const fs = nodeFs();
  if (fs && url.protocol === "file:") {
    if (url.pathname.endsWith(".tkp")) {
      try {
        return await fs.promises.readFile(tkvSibling(url));
      } catch {}
    }
    return await fs.promises.readFile(url);
  }
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new TokenmillError("VOCAB_FETCH", `could not fetch vocab for ${name} from ${url}: ${(err as Error)?.message ?? err}`);
  }
  if (!res.ok) throw new TokenmillError("VOCAB_FETCH", `could not fetch vocab for ${name} from ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * Unpacks (if packed) and parses a built-in encoding's vocab file and checks that it was built
 * from the ranks the encoding names. Returns the `.tkv` bytes (what the WASM engine takes) too.
 * `forWasm`: the WASM engine will check the token offsets itself (see parseVocabFile).
 */
export function checkedVocab(name: string, spec: EncodingSpec, data: Uint8Array, forWasm = false): { file: Uint8Array; vocab: Vocab } {
  const file = unpackVocab(data);
  const vocab = parseVocabFile(file, forWasm);
  if (hex(vocab.sha256) !== spec.sourceSha256) {
    throw new VocabFormatError(
      `vocab file for ${name} was built from different ranks (sha256 ${hex(vocab.sha256)}, expected ${spec.sourceSha256}); rebuild it with scripts/build-vocab.mjs`,
    );
  }
  return { file, vocab };
}
