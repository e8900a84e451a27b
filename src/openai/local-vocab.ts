// Node: a built-in encoding's vocab file read from local disk straight into the WASM engine's
// memory. Reading it into a JS buffer first and copying would leave a second 2 MB (o200k_base)
// resident until the next GC, which a fresh process's "RSS after load" counts.

import { Encoding } from "./encoding.js";
import { VocabFormatError } from "../errors.js";
import type { EncodingName } from "./models.js";
import { EXPLICIT_N_VOCAB, type EncodingSpec } from "./registry.js";
import type { Vocab } from "../vocab/tkv.js";
import { checkedVocab, nodeFs, tkvSibling, type NodeFs } from "./vocab-load.js";
import { WasmEngine, type TableImage, type VocabReader } from "../engines/wasm.js";

/**
 * The plain `.tkv` file at `url` (or the `.tkv` sibling of a `.tkp` URL) on local disk, opened
 * for reading; undefined where there is no Node fs, the URL is not a file: URL, or there is no
 * such file. The caller closes it.
 */
export function openLocalTkv(url: URL): (VocabReader & { close(): void }) | undefined {
  const fs = nodeFs();
  if (!fs || url.protocol !== "file:") return undefined;
  const path = tkvSibling(url);
  const fd = openOrUndefined(fs, path);
  if (fd === undefined) return undefined;
  return fileRange(fs, fd, 0, fs.fstatSync(fd).size, `vocab file ${path.pathname}`);
}

function openOrUndefined(fs: NodeFs, path: URL): number | undefined {
  try {
    return fs.openSync(path, "r");
  } catch {
    return undefined;
  }
}

/** A reader of the `size` bytes at `from` of the open file `fd` (closed by `close`). */
function fileRange(fs: NodeFs, fd: number, from: number, size: number, what: string): VocabReader & { close(): void } {
  return {
    size,
    readInto(dest) {
      let done = 0;
      while (done < size) {
        const n = fs.readSync(fd, dest, done, size - done, from + done);
        if (n <= 0) throw new VocabFormatError(`${what}: ended after ${done} of ${size} bytes`);
        done += n;
      }
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

// The table image next to a .tkv (scripts/build-table-images.mjs writes it; DESIGN.md "Table
// images"): "TKI1", version, size of its .tkv, body size, checksum, vocab key, then the body.
const TABLE_IMAGE_MAGIC = 0x31494b54;
const TABLE_IMAGE_VERSION = 1;
const HEADER = 32;

/**
 * The body of the table image `<name>.tki` next to the `.tkv` of `url`, made from a vocab file of
 * `tkvSize` bytes; undefined if there is none or its header does not fit (the engine then builds
 * its tables, as in browsers). The engine checks the body against the vocab before using it.
 */
export function openLocalTableImage(url: URL, tkvSize: number): (TableImage & { close(): void }) | undefined {
  const fs = nodeFs();
  if (!fs || url.protocol !== "file:") return undefined;
  const path = new URL(tkvSibling(url).href.replace(/\.tkv$/, ".tki"));
  const fd = openOrUndefined(fs, path);
  if (fd === undefined) return undefined;
  const header = new Uint8Array(HEADER);
  const v = new DataView(header.buffer);
  const fileSize = fs.fstatSync(fd).size;
  if (
    fs.readSync(fd, header, 0, HEADER, 0) !== HEADER ||
    v.getUint32(0, true) !== TABLE_IMAGE_MAGIC ||
    v.getUint32(4, true) !== TABLE_IMAGE_VERSION ||
    v.getUint32(8, true) !== tkvSize ||
    v.getUint32(12, true) !== fileSize - HEADER
  ) {
    fs.closeSync(fd);
    return undefined;
  }
  return {
    ...fileRange(fs, fd, HEADER, fileSize - HEADER, `table image ${path.pathname}`),
    checksum: [v.getUint32(16, true), v.getUint32(20, true)],
    vocabKey: [v.getUint32(24, true), v.getUint32(28, true)],
  };
}

/**
 * `name` with the WASM engine, its vocab read from the local file at `url`; undefined if there
 * is no such file (the caller then reads or fetches it the usual way). The bytes are checked in
 * place (format, sha256 pin) before the engine builds its tables.
 */
export function loadFromLocalTkv(name: string, spec: EncodingSpec, url: URL, module: WebAssembly.Module): Encoding | undefined {
  const reader = openLocalTkv(url);
  if (!reader) return undefined;
  const image = openLocalTableImage(url, reader.size);
  try {
    let vocab: Vocab | undefined;
    const engine = new WasmEngine(module, reader, spec.pattern, (file) => {
      const checked = checkedVocab(name, spec, file, true);
      if (checked.file !== file) throw new VocabFormatError(`vocab file for ${name}: ${url.pathname} is packed; expected a plain .tkv`);
      vocab = checked.vocab; // views into the engine's memory: only nTokens is used after this
    }, image);
    return new Encoding(name, vocab!, spec.specialTokens, engine, EXPLICIT_N_VOCAB[name as EncodingName]);
  } finally {
    reader.close();
    image?.close();
  }
}
