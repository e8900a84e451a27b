// Node: a built-in encoding's vocab file read from local disk straight into the WASM engine's
// memory. Reading it into a JS buffer first and copying would leave a second 2 MB (o200k_base)
// resident until the next GC, which a fresh process's "RSS after load" counts.

import { Encoding } from "./encoding.js";
import { VocabFormatError } from "../errors.js";
import type { EncodingName } from "./models.js";
import { EXPLICIT_N_VOCAB, type EncodingSpec } from "./registry.js";
import type { Vocab } from "../vocab/tkv.js";
import { checkedVocab, nodeFs, tkvSibling } from "./vocab-load.js";
import { WasmEngine, type VocabReader } from "../engines/wasm.js";

/**
 * The plain `.tkv` file at `url` (or the `.tkv` sibling of a `.tkp` URL) on local disk, opened
 * for reading; undefined where there is no Node fs, the URL is not a file: URL, or there is no
 * such file. The caller closes it.
 */
export function openLocalTkv(url: URL): (VocabReader & { close(): void }) | undefined {
  const fs = nodeFs();
  if (!fs || url.protocol !== "file:") return undefined;
  const path = tkvSibling(url);
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch {
    return undefined;
  }
  const size = fs.fstatSync(fd).size;
  return {
    size,
    readInto(dest) {
      let done = 0;
      while (done < size) {
        const n = fs.readSync(fd, dest, done, size - done, done);
        if (n <= 0) throw new VocabFormatError(`vocab file ${path.pathname}: ended after ${done} of ${size} bytes`);
        done += n;
      }
    },
    close() {
      fs.closeSync(fd);
    },
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
  try {
    let vocab: Vocab | undefined;
    const engine = new WasmEngine(module, reader, spec.pattern, (file) => {
      const checked = checkedVocab(name, spec, file, true);
      if (checked.file !== file) throw new VocabFormatError(`vocab file for ${name}: ${url.pathname} is packed; expected a plain .tkv`);
      vocab = checked.vocab; // views into the engine's memory: only nTokens is used after this
    });
    return new Encoding(name, vocab!, spec.specialTokens, engine, EXPLICIT_N_VOCAB[name as EncodingName]);
  } finally {
    reader.close();
  }
}
