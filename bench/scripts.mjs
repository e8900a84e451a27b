#!/usr/bin/env node
// Encode throughput per writing system. The multilingual corpus mixes ~100 languages; its lines
// are grouped here by their main script (the one with most letters in the line, at least 5), so
// that a script whose merges cost more (CJK runs without spaces, Indic clusters) shows on its
// own row instead of vanishing in an average. Each group is encoded as one text by tokenmill and
// the fastest peers on multilingual text, interleaved, every cache cleared before each run;
// a library whose ids differ from tiktoken's is not ranked.
//
//   node bench/scripts.mjs [--quick] [--rounds N] [--no-write]
//
// Writes the `scripts` section of bench/RESULTS.md (not with --quick unless --write).
import { loadCorpus } from "../scripts/corpus.mjs";
import { groupByScript } from "./lib/script-groups.mjs";
import { loadLib, machineMd, updateSection, mdTable, textTable, fmt, REFERENCE } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const WRITE = argv.includes("--write") || (!QUICK && !argv.includes("--no-write"));
const ri = argv.indexOf("--rounds");
const ROUNDS = ri >= 0 ? Number(argv[ri + 1]) : QUICK ? 3 : 7;
const MIN_BYTES = 20_000;
const ENCODINGS = ["o200k_base", "cl100k_base"];
const LIBS = ["tokenmill", "tiktoken", "@microsoft/tiktokenizer", "gpt-tokenizer", "ai-tokenizer"];
const text = loadCorpus({}).multilingual;
const texts = groupByScript(text, { minBytes: MIN_BYTES });

const rows = [];
for (const enc of ENCODINGS) {
  const libs = [];
  for (const name of LIBS) libs.push(await loadLib(name, enc));
  const ref = libs.find((l) => l.lib === REFERENCE);
  for (const [script, t] of texts) {
    const want = Array.from(await ref.encode(t)).join();
    const ok = [];
    for (const L of libs) ok.push(Array.from(await L.encode(t)).join() === want);
    const best = libs.map(() => Infinity);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < libs.length; k++) {
        const i = (k + r) % libs.length;
        libs[i].clearCache();
        const t0 = performance.now();
        await libs[i].encode(t);
        best[i] = Math.min(best[i], performance.now() - t0);
      }
    }
    const kb = Buffer.byteLength(t) / 1e3;
    const mbs = best.map((ms) => kb / ms);
    let fastest = -1;
    for (let i = 1; i < libs.length; i++) if (ok[i] && (fastest < 0 || mbs[i] > mbs[fastest])) fastest = i;
    rows.push([
      `${enc.replace("_base", "")} ${script}`,
      `${kb.toFixed(0)} KB`,
      ...mbs.map((m, i) => (ok[i] ? fmt(m) : `✗ ${fmt(m)}`)),
      ok[0] && fastest > 0 ? `${(mbs[0] / mbs[fastest]).toFixed(1)}× ${libs[fastest].lib}` : "—",
    ]);
    process.stdout.write(`${rows.at(-1).join("  ")}\n`);
  }
}

const header = ["encoding · script", "text", ...LIBS.map((l) => `${l} MB/s`), "tokenmill ÷ fastest peer"];
console.log(textTable(header, rows));
if (WRITE) {
  updateSection(
    "scripts",
    [
      "## Encode by writing system",
      "",
      machineMd(),
      "- command: `node bench/scripts.mjs` (from the repo root)",
      `- texts: the lines of bench/corpus/multilingual.txt grouped by their main script (most letters, at least 5), groups of ≥ ${MIN_BYTES / 1000} KB, each encoded as one text (special-token text as ordinary text)`,
      `- method: best of ${ROUNDS} runs, libraries interleaved in rotated order, every piece cache cleared before each run; ✗ = ids differ from tiktoken's (not ranked)`,
      "",
      mdTable(header, rows),
    ].join("\n"),
  );
  console.log("wrote the scripts section of bench/RESULTS.md");
}
