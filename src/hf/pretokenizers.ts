/**
 * Pre-tokenizers of tokenizer.json (tokenizers/src/pre_tokenizers/*). Each one maps one piece
 * (an NStr with no token assigned yet) to its sub-pieces, exactly as HF's
 * `PreTokenizedString::split` does (empty pieces are dropped).
 *
 * ByteLevel is special: besides its optional prefix space and regex split, it switches the
 * model to byte symbols. As the last pre-tokenizer the GPT-2 byte→char transform is not
 * materialized (the model reads the UTF-8 bytes of each piece); before another one it is, as
 * HF does it (each byte's char aligned to its source char), so the later ones see it.
 */
import { InvalidArgumentError, UnsupportedComponentError } from "../errors.js";
import { componentList, oneChar } from "./json-checks.js";
import { GPT2_PATTERN, toByteAlphabet } from "./byte-level.js";
import { isUnicodePunctuation } from "./char-classes.js";
import { applyBehavior, NStr, segmentsOf, type SplitBehavior } from "./normalized.js";
import { isWhitespace } from "./normalizers.js";
import { matchSpans, parsePattern, translateHfRegex, type HfPattern } from "./pattern.js";
import { scriptCuts } from "./unicode-scripts.js";

export type PreTokenizer = (n: NStr, out: NStr[]) => void;

export interface PreTokenizerSpec {
  run: PreTokenizer | null;
  /** The pipeline ends with ByteLevel: the model works on bytes. */
  byteLevel: boolean;
  /** A ByteLevel comes earlier in the pipeline: pieces are already in GPT-2's byte alphabet. */
  byteAlphabet?: boolean;
}

type Json = Record<string, unknown>;

const BEHAVIORS = new Set(["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]);

function behaviorOf(v: unknown, where: string, dflt: SplitBehavior): SplitBehavior {
  if (v == null) return dflt;
  const b = String(v);
  if (!BEHAVIORS.has(b)) throw new UnsupportedComponentError(`${where} behavior ${JSON.stringify(v)}`);
  return b as SplitBehavior;
}

/** Splits n by match ranges with a behavior; appends non-empty pieces to out. */
function splitBy(n: NStr, matches: Array<[number, number]>, behavior: SplitBehavior, invert: boolean, out: NStr[]): void {
  if (behavior === "Isolated") {
    // Every segment, match or not, is its own piece (the common case: Llama 3, Qwen, DeepSeek).
    let prev = 0;
    for (const [a, b] of matches) {
      if (a > prev) out.push(n.slice(prev, a));
      if (b > a) out.push(a === 0 && b === n.length ? n : n.slice(a, b));
      prev = b;
    }
    if (prev < n.length) out.push(prev === 0 ? n : n.slice(prev, n.length));
    return;
  }
  const segs = segmentsOf(matches, n.length);
  if (invert) for (const s of segs) s[2] = !s[2];
  const keep = applyBehavior(segs, behavior);
  if (keep.length === 1 && keep[0]![0] === 0 && keep[0]![1] === n.length) {
    out.push(n);
    return;
  }
  for (const [a, b] of keep) out.push(n.slice(a, b));
}

/**
 * HF's BertPreTokenizer (whitespace Removed, then punctuation Isolated) in one pass: its pieces
 * are the maximal runs of chars that are neither whitespace nor punctuation, and each
 * punctuation char alone, in order (a slice of a slice is the slice of the whole).
 */
function bertPreTokenize(n: NStr, out: NStr[]): void {
  const s = n.s;
  let word = 0; // start of the current run of word chars
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    // ASCII letters and digits: neither (the common case, no call)
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
      i++;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const ws = isWhitespace(cp);
    if (ws || isPunctuation(cp)) {
      if (i > word) out.push(word === 0 && i === s.length ? n : n.slice(word, i));
      if (!ws) out.push(w === s.length ? n : n.slice(i, i + w));
      word = i + w;
    }
    i += w;
  }
  if (s.length > word) out.push(word === 0 ? n : n.slice(word, s.length));
}

/** Per-char matches of a predicate (HF's `impl Pattern for Fn(char) -> bool`). */
function charMatches(s: string, pred: (cp: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (pred(cp)) out.push([i, i + w]);
    i += w;
  }
  return out;
}

/** HF `is_bert_punc`: ASCII punctuation or `is_punctuation` (P* of Unicode 8.0, see char-classes). */
export function isPunctuation(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
  return isUnicodePunctuation(cp);
}
const NUMERIC = /^\p{N}$/u;
function isNumeric(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return NUMERIC.test(String.fromCodePoint(cp));
}

function regexSplitter(re: RegExp): (s: string) => Array<[number, number]> {
  return (s) => matchSpans(re, s);
}

export function buildPreTokenizer(j: Json | null | undefined): PreTokenizerSpec {
  if (j == null) return { run: null, byteLevel: false };
  if (j.type === "Sequence") {
    const list = componentList(j.pretokenizers, "Sequence pre-tokenizer pretokenizers");
    // a ByteLevel before the end materializes its byte alphabet (see the header)
    const specs = list.map((p, k) => (k < list.length - 1 && p?.type === "ByteLevel" ? { run: materializedByteLevel(p), byteLevel: false, byteAlphabet: true } : buildPreTokenizer(p)));
    const runs = specs.map((s) => s.run).filter((r): r is PreTokenizer => r !== null);
    const byteLevel = specs.length > 0 && specs[specs.length - 1]!.byteLevel;
    const byteAlphabet = specs.some((s) => s.byteAlphabet === true);
    if (runs.length === 0) return { run: null, byteLevel, byteAlphabet };
    if (runs.length === 1) return { run: runs[0]!, byteLevel, byteAlphabet };
    return {
      byteLevel,
      byteAlphabet,
      run: (n, out) => {
        let cur = [n];
        for (const r of runs) {
          const next: NStr[] = [];
          for (const p of cur) r(p, next);
          cur = next;
        }
        for (const p of cur) out.push(p);
      },
    };
  }
  return { run: single(j), byteLevel: j.type === "ByteLevel" };
}

/** HF's ByteLevel pre-tokenizer with its byte→char transform applied to each piece. */
function materializedByteLevel(j: Json): PreTokenizer {
  const split = single(j);
  const toBytes = (n: NStr, out: NStr[]): void => {
    toByteAlphabet(n);
    if (n.length > 0) out.push(n);
  };
  return (n, out) => {
    if (split === null) return toBytes(n, out);
    const tmp: NStr[] = [];
    split(n, tmp);
    for (const p of tmp) toBytes(p, out);
  };
}

function single(j: Json): PreTokenizer | null {
  switch (j.type) {
    case "ByteLevel": {
      const prefix = j.add_prefix_space === true;
      const useRegex = j.use_regex !== false;
      const split = useRegex ? regexSplitter(translateHfRegex(GPT2_PATTERN, "ByteLevel")) : null;
      if (!prefix && !split) return null;
      return (n, out) => {
        if (prefix && !n.s.startsWith(" ")) n.prepend(" ");
        if (split) splitBy(n, split(n.s), "Isolated", false, out);
        else if (n.length > 0) out.push(n);
      };
    }
    case "Split": {
      const pat: HfPattern = parsePattern(j.pattern, "Split pre-tokenizer");
      const behavior = behaviorOf(j.behavior, "Split pre-tokenizer", "Isolated");
      const invert = j.invert === true;
      // empty matches count, as in HF: they cut (Isolated) or flip the match state (the others)
      return (n, out) => splitBy(n, pat.findWithEmpty(n.s), behavior, invert, out);
    }
    case "Metaspace": {
      // a char in HF; an empty one would never advance the split below
      const rep = oneChar(j.replacement, "Metaspace pre-tokenizer replacement", "\u2581");
      let scheme = j.prepend_scheme as string | undefined;
      if (scheme == null) scheme = j.add_prefix_space === false ? "never" : "always";
      if (scheme !== "always" && scheme !== "first" && scheme !== "never") {
        throw new UnsupportedComponentError(`Metaspace prepend_scheme ${JSON.stringify(scheme)}`);
      }
      const doSplit = j.split !== false;
      return (n, out) => {
        n.replaceMatches(charMatches(n.s, (c) => c === 0x20), rep);
        if (n.length > 0 && !n.s.startsWith(rep)) {
          if (scheme === "always" || (scheme === "first" && n.origStart(0) === 0)) n.prepend(rep);
        }
        if (doSplit) {
          const m: Array<[number, number]> = [];
          for (let i = n.s.indexOf(rep); i >= 0; i = n.s.indexOf(rep, i + rep.length)) m.push([i, i + rep.length]);
          splitBy(n, m, "MergedWithNext", false, out);
        } else if (n.length > 0) out.push(n);
      };
    }
    case "Whitespace": {
      const re = regexSplitter(translateHfRegex("\\w+|[^\\w\\s]+", "Whitespace", false));
      return (n, out) => splitBy(n, re(n.s), "Removed", true, out);
    }
    case "WhitespaceSplit":
      return (n, out) => splitBy(n, charMatches(n.s, isWhitespace), "Removed", false, out);
    case "BertPreTokenizer":
      return bertPreTokenize;
    case "Punctuation": {
      const behavior = behaviorOf(j.behavior, "Punctuation pre-tokenizer", "Isolated");
      return (n, out) => splitBy(n, charMatches(n.s, isPunctuation), behavior, false, out);
    }
    case "Digits": {
      const individual = j.individual_digits === true;
      return (n, out) => splitBy(n, charMatches(n.s, isNumeric), individual ? "Isolated" : "Contiguous", false, out);
    }
    case "CharDelimiterSplit": {
      const d = String(j.delimiter ?? "");
      const cp = d.codePointAt(0);
      return (n, out) => splitBy(n, charMatches(n.s, (c) => c === cp), "Removed", false, out);
    }
    case "FixedLength": {
      // tokenizers/src/pre_tokenizers/fixed_length.rs: pieces of `length` chars (default 5)
      const len = j.length ?? 5;
      if (typeof len !== "number" || !Number.isInteger(len) || len < 1) {
        throw new InvalidArgumentError(`tokenizer.json: FixedLength pre-tokenizer length must be a positive integer, got ${JSON.stringify(j.length)} (HF panics on 0)`);
      }
      return (n, out) => {
        const s = n.s;
        let start = 0;
        let count = 0;
        for (let i = 0; i < s.length; ) {
          const cp = s.codePointAt(i)!;
          i += cp > 0xffff ? 2 : 1;
          if (++count === len) {
            out.push(start === 0 && i === s.length ? n : n.slice(start, i));
            start = i;
            count = 0;
          }
        }
        if (start < s.length) out.push(start === 0 ? n : n.slice(start, s.length));
      };
    }
    case "UnicodeScripts":
      return (n, out) => {
        const cuts = scriptCuts(n.s);
        for (let k = 0; k + 1 < cuts.length; k++) {
          out.push(cuts[k] === 0 && cuts[k + 1] === n.length ? n : n.slice(cuts[k]!, cuts[k + 1]!));
        }
      };
    default:
      throw new UnsupportedComponentError(`pre-tokenizer ${JSON.stringify(j.type)}`);
  }
}
