#!/usr/bin/env node
// SentencePiece models: tokenmill's `fromSentencePieceModel` against SentencePiece itself
// (Debian's spm_encode 0.1.97, C++) and against HF `tokenizers` (native binding) on the
// tokenizer.json the model converts to (`toTokenizerJson`).
//
//   node bench/sentencepiece.mjs [--quick] [--vocab 8000] [--no-write]
//
// A unigram model (and a BPE model) is trained with spm_train on the machine's prose and
// multilingual text (scripts/corpus.mjs; cached in the OS temp dir by corpus size and settings),
// then every library encodes the same documents (the corpus's ~2 KB documents, newlines as
// spaces, so that one document is one spm_encode line): tokenmill and HF one call per document
// in this process; spm_encode one process over a file of all documents, whose start-up (the
// model load, measured on an empty input in the same run) is subtracted. Each library's ids are
// checked against spm_encode's. Writes the `sentencepiece` section of bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, depVersion, fmt, machineInfo, mdTable, require, textTable, updateSection } from "./lib/common.mjs";
import { buildCorpus } from "../scripts/corpus.mjs";
import { SPM_CACHE_DIR, trainedSpm } from "./lib/spm-train.mjs";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const SIZE = quick ? 200_000 : 600_000;
const VOCAB = Number(opt("--vocab") ?? 8000);
const ROUNDS = quick ? 2 : 3;

const tmPath = path.join(ROOT, "dist", "index.js");
if (!fs.existsSync(tmPath)) throw new Error("tokenmill is not built: run `npm run build:js` first");
const tm = await import(pathToFileURL(tmPath).href);
const hf = require("tokenizers");

const corpus = buildCorpus({ sizeBytes: SIZE, write: false });
const cacheDir = SPM_CACHE_DIR;
fs.mkdirSync(cacheDir, { recursive: true });
const trainText = corpus.prose + "\n" + corpus.multilingual + "\n";
const trained = (type) => trainedSpm(type, VOCAB, trainText);

const docsOf = (k) => corpus.docs[k].map((d) => d.replace(/[\r\n]+/g, " ").trim()).filter((d) => d.length > 0);
const SETS = { prose: docsOf("prose"), multilingual: docsOf("multilingual"), code: docsOf("code") };

function spmRun(model, file) {
  const t0 = performance.now();
  const out = execFileSync("spm_encode", [`--model=${model}`, "--output_format=id", `--input=${file}`], { maxBuffer: 1 << 30 });
  return { ms: performance.now() - t0, out: out.toString("utf8") };
}

const HEADER = ["model", "text", "docs", "MB", "tokenmill MB/s", "spm_encode MB/s", "tokenizers (HF native) MB/s", "vs spm_encode", "vs HF"];
const rows = [];
for (const type of ["unigram", "bpe"]) {
  const model = trained(type);
  const bytes = fs.readFileSync(model);
  const sp = tm.fromSentencePieceModel(bytes);
  const nat = hf.Tokenizer.fromString(sp.toTokenizerJson());
  const empty = path.join(cacheDir, "empty.txt");
  fs.writeFileSync(empty, "");
  for (const [name, all] of Object.entries(SETS)) {
    // ROUNDS + 1 groups of different documents: group 0 warms every library up (JIT, tables),
    // each later group is timed once, so no library times a text it has seen (HF's Unigram
    // caches whole sentences)
    const groups = Array.from({ length: ROUNDS + 1 }, (_, g) => all.filter((_, i) => i % (ROUNDS + 1) === g));
    const docs = groups.slice(1).flat();
    const mb = Buffer.byteLength(docs.join("")) / 1e6;
    const ms = { tm: 0, spm: 0, hf: 0 };
    let tmExact = true;
    let hfExact = true;
    for (let w = 0; w < 4; w++) for (const d of groups[0]) sp.encode(d); // V8 needs a few passes to settle
    for (const d of groups[0]) await nat.encode(d, null, { addSpecialTokens: false });
    for (let r = 1; r <= ROUNDS; r++) {
      const group = groups[r];
      const file = path.join(cacheDir, `docs-${name}-${SIZE}-${r}.txt`);
      fs.writeFileSync(file, group.join("\n") + "\n");
      const startup = Math.min(...[0, 1, 2].map(() => spmRun(model, empty).ms));
      const s = spmRun(model, file);
      ms.spm += Math.max(1e-3, s.ms - startup);
      const spmIds = s.out.split("\n").slice(0, group.length);
      let t0 = performance.now();
      const ours = group.map((d) => sp.encode(d));
      ms.tm += performance.now() - t0;
      t0 = performance.now();
      const theirs = [];
      for (const d of group) theirs.push((await nat.encode(d, null, { addSpecialTokens: false })).getIds());
      ms.hf += performance.now() - t0;
      for (let i = 0; i < group.length; i++) {
        if (ours[i].join(" ") !== spmIds[i]) tmExact = false;
        if (theirs[i].join(" ") !== spmIds[i]) hfExact = false;
      }
    }
    const rate = (ms) => mb / (ms / 1000);
    const row = [
      type,
      name,
      docs.length,
      fmt(mb),
      `${fmt(rate(ms.tm))}${tmExact ? "" : " ✗"}`,
      fmt(rate(ms.spm)),
      `${fmt(rate(ms.hf))}${hfExact ? "" : " ≠"}`,
      `${fmt(ms.spm / ms.tm)}x`,
      `${fmt(ms.hf / ms.tm)}x`,
    ];
    rows.push(row);
    console.log(textTable(HEADER, [row]).split("\n").slice(2).join("\n"));
  }
}
console.log();
console.log(textTable(HEADER, rows));

if (!args.includes("--no-write")) {
  const m = machineInfo();
  const body = [
    "## SentencePiece `.model`: encode throughput",
    "",
    `- machine: ${m.cpu}, ${m.cores} cores, node ${m.node}; ${m.date}`,
    `- command: \`${m.command}\``,
    `- models: spm_train ${VOCAB} pieces (unigram, BPE), character_coverage 0.9995, nmt_nfkc, on ${SIZE.toLocaleString("en-US")} B of prose + ${SIZE.toLocaleString("en-US")} B of multilingual text of the machine`,
    `- documents: the corpus's ~2 KB documents, newlines as spaces (one spm_encode line each), dealt into ${ROUNDS + 1} groups: one warms every library up (tokenmill: four passes, as V8 settles), each other is timed once (no library sees a document twice); MB/s = bytes of the timed documents / total time`,
    "- tokenmill: `fromSentencePieceModel(bytes).encode(doc)` per document (TypeScript); spm_encode: one process over a file of all documents, minus its start-up on an empty file (model load); tokenizers: `encode` per document on `toTokenizerJson()`'s file",
    `- ✗: tokenmill's ids differ from spm_encode's on some document; ≠: HF's do (unigram near-ties decided by float vs double sums, graphemes under HF's Precompiled: README "SentencePiece")`,
    `- versions: spm_encode 0.1.97 (Debian), tokenizers ${depVersion("tokenizers")}`,
    "",
    mdTable(HEADER, rows),
  ].join("\n");
  updateSection("sentencepiece", body);
  console.log("\nwrote the sentencepiece section of bench/RESULTS.md");
}
