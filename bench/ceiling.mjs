#!/usr/bin/env node
// The ceiling full encoding approaches (issue 3): the WASM core's real scanner alone, and the
// scanner plus one hash-table probe per piece ("every pre-token a vocabulary hit"), against full
// encode with the piece cache cleared before each run. Uses the core's countPieces/probePieces
// exports on build/tokenmill.wasm directly (DESIGN.md, WASM ABI).
//
//   node bench/ceiling.mjs [--quick] [--no-write]
//
// Writes the `ceiling` section of bench/RESULTS.md (not with --quick unless --write).
import fs from "node:fs";
import path from "node:path";
import { loadCorpus, DEFAULT_OUT_DIR } from "../scripts/corpus.mjs";
import { ROOT, machineMd, updateSection, mdTable, textTable, fmt } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const WRITE = argv.includes("--write") || (!QUICK && !argv.includes("--no-write"));
const ROUNDS = QUICK ? 5 : 15;
const PATTERN = { o200k_base: 2, cl100k_base: 1 };
const wasmFile = path.join(ROOT, "build", "tokenmill.wasm");
if (!fs.existsSync(wasmFile)) {
  console.error(`error: ${path.relative(process.cwd(), wasmFile)} does not exist; build first (npm run build)`);
  process.exit(2);
}
const corpus = loadCorpus({ outDir: QUICK ? path.join(DEFAULT_OUT_DIR, "quick") : DEFAULT_OUT_DIR, sizeBytes: QUICK ? 200_000 : 1_000_000 });
const utf8 = new TextEncoder();
const rows = [];
for (const [encName, pattern] of Object.entries(PATTERN)) {
  const vocab = fs.readFileSync(path.join(ROOT, "vocab", `${encName}.tkv`));
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), { env: { abort() { throw new Error("abort"); } } });
  const ex = instance.exports;
  const at = ex.vocabAlloc(vocab.length); // grows memory: take the buffer after it
  new Uint8Array(ex.memory.buffer).set(vocab, at);
  let rc;
  do rc = ex.init(pattern, 4 << 20, 16384);
  while (rc === 3);
  if (rc !== 0) throw new Error(`init failed: ${rc}`);
  for (const kind of ["prose", "code", "multilingual"]) {
    const text = corpus[kind];
    const best = { scan: Infinity, probe: Infinity, encode: Infinity };
    const tasks = {
      scan: (n) => ex.countPieces(n),
      probe: (n) => ex.probePieces(n),
      encode: (n) => ex.encodeChunk(n, 1, 0xffffffff),
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, f] of Object.entries(tasks)) {
        ex.clearCache();
        // text → UTF-8 in the arena is part of every measurement, as in a real encode call
        const t0 = performance.now();
        const { written } = utf8.encodeInto(text, new Uint8Array(ex.memory.buffer, ex.inputPtr(), ex.inputCap()));
        f(written);
        best[name] = Math.min(best[name], performance.now() - t0);
      }
    }
    const mb = Buffer.byteLength(text) / 1e6;
    const mbs = (ms) => mb / (ms / 1e3);
    rows.push([`${encName.replace("_base", "")} ${kind}`, fmt(mbs(best.scan)), fmt(mbs(best.probe)), fmt(mbs(best.encode)), `${((best.probe / best.encode) * 100).toFixed(0)}%`]);
  }
}
const header = ["encoding · corpus", "scanner alone MB/s", "scanner + 1 probe per piece MB/s", "full encode MB/s", "encode ÷ (scanner + probe)"];
console.log(textTable(header, rows));
if (WRITE) {
  updateSection(
    "ceiling",
    [
      `## Ceiling: encode as a fraction of pre-tokenization${QUICK ? " (quick run)" : ""}`,
      "",
      machineMd(),
      `- method: the WASM core alone (build/tokenmill.wasm), one instance per encoding; each figure is the best of ${ROUNDS} runs over the 1 MB corpus as one text, TextEncoder.encodeInto included; the piece cache is cleared before every run. Target (issue 3): full encode ≥ 40% of scanner + probe.`,
      "",
      mdTable(header, rows),
    ].join("\n"),
  );
  console.log("wrote the ceiling section of bench/RESULTS.md");
}
