// Pre-tokenizer patterns of the trainer. Each named pattern has three spellings of one regex:
// - `patStr`: the tiktoken string, byte for byte the one the built-in encodings use, so that
//   createEncoding recognises it and gives the trained Encoding the hand-written scanners;
// - `hfRegex`: what tokenizer.json's Split pre-tokenizer gets (Oniguruma reads tiktoken's);
// - `js`: a JS RegExp that splits text the same way, for counting words. JS `\s` is not
//   White_Space (it adds U+FEFF and lacks U+0085), and JS has no `(?i:...)` group before
//   Node 23, so both are spelled out (case folding also takes U+017F ſ for s).
import { PatternSyntaxError } from "./errors.js";

const R50K = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const CL100K =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const O200K =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** No pre-tokenization: a whole sequence is one word (the JS RegExp of the word counter). */
const WHOLE = "[\\s\\S]+";
/**
 * The same as a tiktoken pat_str: every code point, spelled so that the encoders' pattern
 * translation (which has no \S inside a class) and tiktoken's Rust regex both take it.
 */
export const WHOLE_PAT_STR = "[\\x00-\\x{10FFFF}]+";

export type PatternName = "o200k" | "cl100k" | "gpt2" | "llama3" | "none";

export interface TrainPattern {
  /** The name given, or "custom" ("superbpe": SuperBPE's second stage). */
  name: PatternName | "custom" | "superbpe";
  patStr: string;
  /** undefined for "none": tokenizer.json gets no Split. */
  hfRegex: string | undefined;
  /** tokenizer.json pre-tokenizers before ByteLevel, where one Split of hfRegex does not say it. */
  hfPreTokenizers?: object[];
  /** The JS RegExp source (flags "gu") that splits like patStr. */
  jsSource: string;
  /** A fresh global RegExp (callers keep their own, lastIndex is state). */
  compile(): RegExp;
}

function toJs(src: string): string {
  return src
    .replace(/\(\?i:'s\|'t\|'re\|'ve\|'m\|'ll\|'d\)/g, "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])")
    .replace(/\\s/g, "\\p{White_Space}")
    .replace(/\\S/g, "\\P{White_Space}");
}

function named(name: PatternName, patStr: string, hfRegex: string | undefined): TrainPattern {
  const js = toJs(patStr);
  return { name, patStr, hfRegex, jsSource: js, compile: () => new RegExp(js, "gu") };
}

/**
 * The pattern for a `pattern` option: a name, or a regex string (run as a JS RegExp with the
 * "u" flag; written unchanged into the tiktoken file and tokenizer.json).
 * @throws PatternSyntaxError if it is neither.
 */
export function resolvePattern(pattern: string | undefined): TrainPattern {
  switch (pattern ?? "o200k") {
    case "o200k":
      return named("o200k", O200K, O200K);
    case "cl100k":
      return named("cl100k", CL100K, CL100K);
    // Llama 3's Split regex is cl100k's, character for character.
    case "llama3":
      return named("llama3", CL100K, CL100K);
    case "gpt2":
      return named("gpt2", R50K, R50K);
    case "none":
      return { name: "none", patStr: WHOLE_PAT_STR, hfRegex: undefined, jsSource: WHOLE, compile: () => new RegExp(WHOLE, "gu") };
  }
  const src = pattern as string;
  if (typeof src !== "string" || src === "") throw new PatternSyntaxError(String(src), "expected a non-empty string");
  let re: RegExp;
  try {
    re = new RegExp(src, "gu");
  } catch (e) {
    throw new PatternSyntaxError(src, (e as Error).message);
  }
  if (re.test("")) throw new PatternSyntaxError(src, "it matches the empty string, so it would not advance");
  return { name: "custom", patStr: src, hfRegex: src, jsSource: src, compile: () => new RegExp(src, "gu") };
}
