// What every per-encoding entry (tokenmill/o200k_base, ...) shares: load one built-in encoding
// with its vocab fetched on first use. Only the WASM engine is bundled statically; the
// pure-TypeScript engine (and its Unicode tables) is a dynamic import, fetched only where
// WebAssembly is missing or { engine: "js" } is asked for, so an entry stays a few KB.

import type { Engine } from "../../engines/engine.js";
import { Encoding } from "../encoding.js";
import type { EncodingName } from "../models.js";
import { ENCODING_SPECS, EXPLICIT_N_VOCAB } from "../registry.js";
import { checkedVocab, fetchVocab, resolveVocabUrl, toBytes, useWasm, type LoadOptions } from "../vocab-load.js";
import { WasmEngine, compileWasm } from "../../engines/wasm.js";
import { loadFromLocalTkv } from "../local-vocab.js";
import { shareEncoding, sharedEncoding, sharedKey } from "../loaded.js";

/**
 * Loads `name`. `defaultUrl` is the entry's own `new URL("../vocab/<file>.tkp", import.meta.url)`,
 * written out literally in each entry so bundlers see it and ship the file as an asset.
 * Calls without caller-supplied parts share one Encoding per engine with every other load
 * path (loaded.ts).
 */
export function loadBuiltin(name: EncodingName, defaultUrl: () => URL, options?: LoadOptions): Promise<Encoding> {
  const wasm = useWasm(options);
  const key = sharedKey(name, options);
  const hit = sharedEncoding(key);
  if (hit) return Promise.resolve(hit);
  const loading = (async () => {
    const spec = ENCODING_SPECS[name]();
    const module = wasm ? await compileWasm(options?.wasm) : undefined;
    let data: Uint8Array;
    if (options?.vocab) {
      data = toBytes(options.vocab);
    } else {
      const url = options?.vocabUrl ? resolveVocabUrl(options.vocabUrl) : defaultUrl();
      // Node, unbundled: the .tkv next to the .tkp, read straight into the engine's memory
      const enc = module && loadFromLocalTkv(name, spec, url, module);
      if (enc) return enc;
      data = await fetchVocab(name, url);
    }
    const { file, vocab } = checkedVocab(name, spec, data, module !== undefined);
    let engine: Engine;
    if (module) {
      engine = new WasmEngine(module, file, spec.pattern);
    } else {
      const { JsEngine } = await import("../../engines/js/engine.js");
      engine = new JsEngine(vocab, spec.pattern);
    }
    return new Encoding(name, vocab, spec.specialTokens, engine, EXPLICIT_N_VOCAB[name]);
  })();
  return shareEncoding(key, loading);
}
