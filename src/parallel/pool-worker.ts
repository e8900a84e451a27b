// The code each pool worker runs, and where it loads tokenmill from.
//
// The worker code is the string below, started with `new Worker(code, { eval: true })`. It
// loads tokenmill from the package's own entry file next to this code (entryUrl: dist/index.js
// when the ESM build is in use, dist/index.cjs for the CJS build), so there is no extra entry
// point, no rollup change and no second copy of the engine in the package. Messages: see
// pool-protocol.ts.

// Plain JS for the worker; workerData: { url, encoding, engine, json } (json: a tokenizer.json's
// text, loaded with fromTokenizerJsonSync instead of a built-in encoding). It uses neither `require` nor
// static imports: eval'd worker code runs as CommonJS, or as an ES module when the process was
// started with --input-type=module (workers inherit execArgv), and this must work in both.
export const WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
let enc;
const queue = [];
function errorOf(e) {
  if (e && typeof e === "object") {
    return { name: String(e.name), code: e.code, message: String(e.message), token: e.token, index: e.index };
  }
  return { name: "Error", message: String(e) };
}
function run(msg) {
  const { id, op, texts, opts } = msg;
  let i = 0;
  try {
    if (op === "hf") {
      // full encodings; hfOpts.padding (HfTokenizer.poolJob) is fixed-length padding or null:
      // BatchLongest padding is applied on the main thread, across the batch
      const encs = new Array(texts.length);
      for (; i < texts.length; i++) {
        const o = Object.assign({}, msg.hfOpts);
        if (msg.pairs && msg.pairs[i] !== null) o.pair = msg.pairs[i];
        // typed arrays only (offsets flat): the clone copies blocks, not 512 small arrays each
        encs[i] = enc.encodeWire(texts[i], o);
      }
      parentPort.postMessage({ id, ok: true, encs });
      return;
    }
    if (op === "count") {
      const counts = new Uint32Array(texts.length);
      for (; i < texts.length; i++) counts[i] = enc.count(texts[i], opts);
      parentPort.postMessage({ id, ok: true, counts }, [counts.buffer]);
      return;
    }
    const out = new Array(texts.length);
    const transfer = [];
    const seen = new Set();
    for (; i < texts.length; i++) {
      let ids = enc.encode(texts[i], opts);
      // Transfer only arrays that own a plain ArrayBuffer outright (never engine memory).
      if (ids.byteOffset !== 0 || ids.byteLength !== ids.buffer.byteLength ||
          !(ids.buffer instanceof ArrayBuffer) || seen.has(ids.buffer)) ids = ids.slice();
      seen.add(ids.buffer);
      out[i] = ids;
      transfer.push(ids.buffer);
    }
    parentPort.postMessage({ id, ok: true, ids: out }, transfer);
  } catch (e) {
    parentPort.postMessage({ id, ok: false, at: i, error: errorOf(e) });
  }
}
parentPort.on("message", (msg) => (enc ? run(msg) : queue.push(msg)));
import(workerData.url).then((m) => {
  const lib = m.getEncodingSync ? m : m.default || m;
  if (typeof workerData.json === "string") enc = lib.fromTokenizerJsonSync(workerData.json, { engine: workerData.engine });
  else {
    const get = lib.getEncodingSync;
    if (typeof get !== "function") throw new Error("module " + workerData.url + " does not export getEncodingSync");
    enc = get(workerData.encoding, { engine: workerData.engine });
  }
  parentPort.postMessage({ ready: true });
  for (const msg of queue.splice(0)) run(msg);
}).catch((e) => {
  const err = errorOf(e);
  err.message = "tokenmill pool: the worker could not load " + workerData.encoding + " from " + workerData.url + ": " + err.message;
  parentPort.postMessage({ initError: err });
});
`;

/**
 * The package entry the workers load: index.js (ESM) or index.cjs (CJS) next to the file this
 * code was bundled into (every dist/ file sits in dist/, whichever chunk holds this code; for
 * the unbundled tsc output, build/tsc/index.js).
 */
export function entryUrl(): string {
  const here = import.meta.url;
  return new URL(here.endsWith(".cjs") ? "./index.cjs" : "./index.js", here).href;
}
