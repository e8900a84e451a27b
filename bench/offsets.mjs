#!/usr/bin/env node
// What offsets cost: encodeWithOffsets against encode, decodeWithOffsets against decode, on
// 1 MB of prose, code and multilingual text (bench/corpus), o200k_base, both engines. With
// --baseline PATH (another build's dist/index.js, e.g. the main branch's) plain encode is also
// timed against that build, interleaved in one process, to show that it did not get slower.
//
//   node bench/offsets.mjs [--rounds N] [--baseline ../main/dist/index.js] [--no-write]
//
// Best of N runs each, the calls interleaved, the piece cache cleared before every encode.
// Writes the `offsets` section of bench/RESULTS.md.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadCorpus } from "../scripts/corpus.mjs";
import { machineMd, mdTable, textTable, updateSection, TOKENMILL_DIST, tokenmillAvailable, tokenmillMissingMessage } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ROUNDS = Number(arg("--rounds", 5));
const BASELINE = arg("--baseline");
const WRITE = !argv.includes("--no-write");
if (!tokenmillAvailable()) {
  console.error(tokenmillMissingMessage());
  process.exit(1);
}
const ours = await import(TOKENMILL_DIST);
const base = BASELINE ? await import(pathToFileURL(path.resolve(BASELINE)).href) : undefined;
const corpus = loadCorpus({});
const TEXTS = [
  ["prose", corpus.prose],
  ["code", corpus.code],
  ["multilingual", corpus.multilingual],
];

function best(fns) {
  const t = fns.map(() => Infinity);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (k + r) % fns.length;
      const t0 = performance.now();
      fns[i]();
      t[i] = Math.min(t[i], performance.now() - t0);
    }
  }
  return t;
}
const ms = (x) => `${x.toFixed(1)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

const rows = [];
const abRows = [];
for (const engine of ["wasm", "js"]) {
  const enc = ours.getEncodingSync("o200k_base", { engine });
  const old = base?.getEncodingSync("o200k_base", { engine });
  for (const [label, text] of TEXTS) {
    const ids = enc.encode(text);
    // check before timing: the offsets and the ids agree with encode/decode
    const w = enc.encodeWithOffsets(text);
    if (w.ids.length !== ids.length || w.offsets[2 * ids.length - 1] !== text.length) throw new Error(`${label}: offsets do not reach the end`);
    if (enc.decodeWithOffsets(ids).text !== enc.decode(ids)) throw new Error(`${label}: decodeWithOffsets text differs`);
    const [tEnc, tEncOff, tDec, tDecOff] = best([
      () => (enc.clearCache(), enc.encode(text)),
      () => (enc.clearCache(), enc.encodeWithOffsets(text)),
      () => enc.decode(ids),
      () => enc.decodeWithOffsets(ids),
    ]);
    rows.push([`${label} (${engine})`, `${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`, ms(tEnc), ms(tEncOff), ratio(tEncOff, tEnc), ms(tDec), ms(tDecOff), ratio(tDecOff, tDec)]);
    console.log(rows.at(-1).join("  |  "));
    if (old) {
      if (old.encode(text).length !== ids.length) throw new Error("baseline encodes differently");
      const [tOld, tNew] = best([() => (old.clearCache(), old.encode(text)), () => (enc.clearCache(), enc.encode(text))]);
      abRows.push([`${label} (${engine})`, ms(tOld), ms(tNew), ratio(tNew, tOld)]);
      console.log(abRows.at(-1).join("  |  "));
    }
  }
}

const header = ["text (engine)", "size", "encode", "encodeWithOffsets", "÷ encode", "decode", "decodeWithOffsets", "÷ decode"];
console.log(textTable(header, rows));
const abHeader = ["text (engine)", "encode, baseline build", "encode, this build", "this ÷ baseline"];
if (abRows.length) console.log(textTable(abHeader, abRows));
if (WRITE) {
  updateSection(
    "offsets",
    [
      "## Offsets: `encodeWithOffsets` / `decodeWithOffsets` against `encode` / `decode`",
      "",
      machineMd(),
      `- texts: bench/corpus (1 MB each), o200k_base; best of ${ROUNDS} runs, calls interleaved, the piece cache cleared before every encode`,
      "- the offsets are one walk over the ids' bytes after encode (WASM engine: in the core, `tokenOffsets`), so plain `encode` runs the same code as before",
      "",
      mdTable(header, rows),
      ...(abRows.length
        ? ["", `Plain encode against the baseline build \`${BASELINE}\` (same process, interleaved):`, "", mdTable(abHeader, abRows)]
        : []),
    ].join("\n"),
  );
  console.log("wrote the offsets section of bench/RESULTS.md");
}
