#!/usr/bin/env node
// Keystroke latency of the incremental counter (Encoding.counter) against counting the whole
// text again, on 1 MB of prose, code and CJK text (scripts/corpus.mjs texts; the CJK text is the
// Han and kana lines of the multilingual corpus, repeated to 1 MB).
//
//   node bench/counter.mjs [--keys N] [--engine wasm|js] [--no-write]
//
// Each keystroke types one character of "hello world, " (at the end, and in the middle of the
// text) and is timed alone; the row gives the median and the 95th percentile. "append" is
// counter.append(ch); "set" is counter.set(newText) with a fresh (flat) string, as an editor's
// textarea.value gives one, so it includes finding where the texts differ. The strings are
// made before the clock starts. Writes the `counter` section of bench/RESULTS.md.
import { loadCorpus } from "../scripts/corpus.mjs";
import { groupByScript } from "./lib/script-groups.mjs";
import { machineMd, mdTable, textTable, updateSection, TOKENMILL_DIST, tokenmillAvailable, tokenmillMissingMessage } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const KEYS = Number(arg("--keys", 200));
const ENGINES = arg("--engine") ? [arg("--engine")] : ["wasm", "js"];
const WRITE = !argv.includes("--no-write");
if (!tokenmillAvailable()) {
  console.error(tokenmillMissingMessage());
  process.exit(1);
}
const { getEncodingSync } = await import(TOKENMILL_DIST);

const SIZE = 1_000_000;
const corpus = loadCorpus({});
const cjkLines = groupByScript(corpus.multilingual, { minBytes: 1 })
  .filter(([s]) => s === "Han" || s === "Hiragana+Katakana")
  .map(([, t]) => t)
  .join("\n");
const toBytes = (text) => {
  // the first SIZE bytes of UTF-8 of text repeated, cut at a line end
  let out = text;
  while (Buffer.byteLength(out) < SIZE) out += "\n" + text;
  const buf = Buffer.from(out);
  let cut = buf.lastIndexOf(0x0a, SIZE);
  if (cut < 0) cut = SIZE;
  return buf.subarray(0, cut).toString("utf8");
};
const TEXTS = [
  ["prose", toBytes(corpus.prose)],
  ["code", toBytes(corpus.code)],
  ["CJK", toBytes(cjkLines)],
];
const TYPED = "hello world, ";
/** A copy that is a flat string (an editor's textarea.value is one). */
const flat = (s) => Buffer.from(s, "utf16le").toString("utf16le");

function stats(us) {
  const s = [...us].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
}
const fmtUs = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);

const rows = [];
for (const engine of ENGINES) {
  const enc = getEncodingSync("o200k_base", { engine });
  for (const [label, text] of TEXTS) {
    const opts = { disallowedSpecial: [] };
    const c = enc.counter(text, opts);
    if (c.count !== enc.count(text, opts)) throw new Error("counter disagrees with count");
    // at the end: append
    const tEnd = [];
    let typed = "";
    for (let k = 0; k < KEYS; k++) {
      const ch = TYPED[k % TYPED.length];
      const t0 = performance.now();
      c.append(ch);
      tEnd.push((performance.now() - t0) * 1e3);
      typed += ch;
    }
    if (c.count !== enc.count(text + typed, opts)) throw new Error("append: count differs");
    // at the end and in the middle: set(newText) with fresh strings
    const bench = (at) => {
      const c2 = enc.counter(text, opts);
      const times = [];
      let ins = "";
      for (let k = 0; k < KEYS; k++) {
        ins += TYPED[k % TYPED.length];
        const next = flat(text.slice(0, at) + ins + text.slice(at));
        const t0 = performance.now();
        c2.set(next);
        times.push((performance.now() - t0) * 1e3);
      }
      if (c2.count !== enc.count(c2.text, opts)) throw new Error("set: count differs");
      return times;
    };
    const tSetEnd = bench(text.length);
    const mid = text.indexOf(" ", text.length >> 1) + 1 || text.length >> 1;
    const tMid = bench(mid);
    // re-counting the whole text per keystroke (a few runs: it is slow)
    const tRe = [];
    for (let k = 0; k < 7; k++) {
      const t = flat(text + TYPED.slice(0, k + 1));
      enc.clearCache();
      const t0 = performance.now();
      enc.count(t, opts);
      tRe.push((performance.now() - t0) * 1e3);
    }
    const e = stats(tEnd);
    const se = stats(tSetEnd);
    const m = stats(tMid);
    const r = stats(tRe);
    const segments = c.starts?.length ?? "?";
    rows.push([
      `${label} (${engine})`,
      `${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, ${segments} segments`,
      `${fmtUs(e.med)} (p95 ${fmtUs(e.p95)})`,
      `${fmtUs(se.med)} (p95 ${fmtUs(se.p95)})`,
      `${fmtUs(m.med)} (p95 ${fmtUs(m.p95)})`,
      fmtUs(r.med),
      `${Math.round(r.med / e.med)}× / ${Math.round(r.med / m.med)}×`,
    ]);
    console.log(rows.at(-1).join("  |  "));
  }
}

const header = ["text (engine)", "size", "end: append(ch)", "end: set(text)", "middle: set(text)", "count(text) again", "re-count ÷ append / ÷ middle"];
console.log(textTable(header, rows));
if (WRITE) {
  updateSection(
    "counter",
    [
      "## Incremental counting: µs per keystroke (`Encoding.counter`)",
      "",
      machineMd(),
      `- texts: 1 MB (UTF-8) of bench/corpus prose and code, and of the Han and kana lines of the multilingual corpus ("CJK", repeated to 1 MB); o200k_base`,
      `- method: ${KEYS} keystrokes each (the characters of ${JSON.stringify(TYPED)}), every one timed alone: median (p95). \`set\` gets a fresh flat string per keystroke, as a textarea's value is, so it includes finding the first and last changed characters; "count(text) again" is a cold-cache \`count\` of the whole text (median of 7)`,
      "",
      mdTable(header, rows),
    ].join("\n"),
  );
  console.log("wrote the counter section of bench/RESULTS.md");
}
