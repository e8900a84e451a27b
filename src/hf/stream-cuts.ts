/**
 * Where the text of a tokenizer.json pipeline may be cut for `encodeStream`/`countStream`: a
 * load-time analysis of the normalizer, pre-tokenizer, model and added tokens that gives a rule
 * under which encode(a + b) = encode(a) ++ encode(b) without the post-processor, or says why
 * there is none (the text is then read whole). The proofs are in DESIGN.md ("Where a
 * tokenizer.json's text may be cut"); the comments here name the step of the proof each check is.
 *
 * Two rules:
 * - "openai": the OpenAI cut points of src/text/cuts.ts (space after printable ASCII, after a
 *   "\n" between solid chars, a class change), for ByteLevel pipelines whose split regex is one
 *   of the OpenAI patterns (or Qwen's single-digit cl100k) under no normalizer or NFC.
 * - "space": before a U+0020 whose predecessor x is printable ASCII and in the pipeline's
 *   allowed set (and, under a Precompiled charsmap, with printable ASCII around), for
 *   pipelines that split at whitespace, Metaspace, BERT, and the SentencePiece-style BPE words
 *   of Llama 2 / Gemma 3 (cut before "▁" where the merges allow, `WordSegments`).
 */
import { buildNormalizer, type Normalizer } from "./normalizers.js";
import { NStr } from "./normalized.js";
import { PrecompiledCharsmap } from "./precompiled.js";
import type { WordSegments } from "./models/bpe.js";
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from "../text/patterns.js";
import type { CutScanner, FoundCuts } from "../text/cuts.js";

type Json = Record<string, unknown>;

/** What the analysis needs to know of a loaded tokenizer (HfTokenizer.streamInfo). */
export interface StreamInfo {
  json: Json;
  /** The BPE model's word segments (null: not BPE, or a vocab that does not allow them). */
  segments: WordSegments | null;
  /** Whether the model has a token for this string. */
  hasToken(s: string): boolean;
}

/** How a pipeline's stream is cut. */
export type StreamPlan =
  | { kind: "whole"; reason: string }
  | { kind: "openai"; specials: string[] }
  | {
      kind: "space";
      /** allowed[x] = 1: a U+0020 after code unit x (< 128) is a cut. */
      allowed: Uint8Array;
      /** Also require printable ASCII (or a space) two before the cut and printable ASCII after the space (Precompiled). */
      context: boolean;
      /** The normalizer a chunk's continuing first segment goes through, if not the file's (Prepend / Strip). */
      cont: { normalizer: Normalizer | null } | undefined;
    };

const QWEN_PATTERN = CL100K_PATTERN.replace(String.raw`\p{N}{1,3}`, String.raw`\p{N}`);
/** Split regexes whose cut points are the OpenAI ones (DESIGN.md "Where text may be cut"). */
const OPENAI_SPLITS = new Set([R50K_PATTERN, CL100K_PATTERN, O200K_PATTERN, QWEN_PATTERN]);
/** DeepSeek V3's three Splits: the first two refine (their matches hold no space), the third cuts before a space. */
const DEEPSEEK_REFINE = new Set([String.raw`\p{N}{1,3}`, "[一-龥぀-ゟ゠-ヿ]+"]);
const DEEPSEEK_CUT = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
/** A regex Replace that removes the spaces at a segment's start and end, like Strip but spaces only. */
const SEGMENT_EDGE_SPACES = String.raw`\A +| +\z`;
/** Regex Replace patterns that act as a literal run of spaces (all their matches are spaces, at least two). */
const SPACE_RUN_REGEXES = new Set([" {2,}", "  +"]);

const isPrintable = (c: number) => c >= 0x21 && c <= 0x7e;
const isAsciiWord = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

function flatten(j: Json | null | undefined, key: "normalizers" | "pretokenizers"): Json[] {
  if (j == null) return [];
  if (j.type === "Sequence") return ((j[key] as Json[] | undefined) ?? []).flatMap((x) => flatten(x, key));
  return [j];
}

function literalOf(p: unknown): string | null {
  if (typeof p === "string") return p;
  const o = p as Json | undefined;
  return typeof o?.String === "string" ? o.String : null;
}

function regexOf(p: unknown): string | null {
  const o = p as Json | undefined;
  return typeof o?.Regex === "string" ? o.Regex : null;
}

interface AddedJson {
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

function addedTokens(json: Json): AddedJson[] {
  return ((json.added_tokens as AddedJson[] | undefined) ?? []).filter((t) => typeof t.content === "string" && t.content.length > 0);
}

/** Whether a token is matched after normalization (HF's default: the non-special ones). */
const isNormalized = (t: AddedJson) => (t.normalized === undefined ? t.special !== true : t.normalized === true);

/** The plan for a tokenizer (computed once per tokenizer by src/hf/stream.ts). */
export function streamPlan(info: StreamInfo): StreamPlan {
  const dropout = (info.json.model as Json | undefined)?.dropout;
  // dropout draws from one PRNG in the order of the merges: chunks would draw in another order
  if (typeof dropout === "number" && dropout > 0) return { kind: "whole", reason: "BPE dropout (its random draws depend on the whole text's merge order)" };
  return openaiPlan(info.json) ?? spacePlan(info);
}

/**
 * The OpenAI rules: a ByteLevel pre-tokenizer whose regex is an OpenAI pattern, no normalizer
 * or NFC (identity on every char a rule looks at, and no composition across a cut: DESIGN.md),
 * no prefix space (a chunk may start with a non-space), and added tokens without whitespace
 * (the space and newline cuts never fall in one) or lstrip/rstrip/single_word (they look past
 * their match); the class cuts are checked against the tokens by the reader.
 */
function openaiPlan(json: Json): StreamPlan | null {
  const norms = flatten(json.normalizer as Json | null, "normalizers");
  if (norms.length > 1 || (norms.length === 1 && norms[0]!.type !== "NFC")) return null;
  const pres = flatten(json.pre_tokenizer as Json | null, "pretokenizers");
  let regex: string | null = null;
  if (pres.length === 1 && pres[0]!.type === "ByteLevel" && pres[0]!.use_regex !== false && pres[0]!.add_prefix_space !== true) regex = R50K_PATTERN;
  else if (pres.length === 2) {
    const [split, bl] = pres as [Json, Json];
    if (split.type !== "Split" || split.invert === true || (split.behavior ?? "Isolated") !== "Isolated") return null;
    if (bl.type !== "ByteLevel" || bl.use_regex !== false || bl.add_prefix_space === true) return null;
    regex = regexOf(split.pattern);
  }
  if (regex === null || !OPENAI_SPLITS.has(regex)) return null;
  const added = addedTokens(json);
  if (added.some((t) => /\s/u.test(t.content) || t.lstrip === true || t.rstrip === true || t.single_word === true)) return null;
  // normalized tokens are matched in the normalized text: only where that is the text itself
  if (norms.length > 0 && added.some(isNormalized)) return null;
  return { kind: "openai", specials: added.map((t) => t.content) };
}

/** What a U+0020 at the cut has become so far, and the chars x before it as the next step sees them. */
interface CutShape {
  /** cur[x]: what printable ASCII x before the cut is now (a code point), -1 once excluded. */
  cur: Int32Array;
  /** What the space at the cut is now. */
  right: string;
}

function spacePlan(info: StreamInfo): StreamPlan {
  const json = info.json;
  const whole = (reason: string): StreamPlan => ({ kind: "whole", reason });
  const shape: CutShape = { cur: new Int32Array(128).fill(-1), right: " " };
  for (let x = 0x21; x <= 0x7e; x++) shape.cur[x] = x;
  // by what x has become (the normalized text), or by x itself (the text: raw added tokens)
  const exclude = (pred: (c: number) => boolean) => {
    for (let x = 0; x < 128; x++) if (shape.cur[x]! >= 0 && pred(shape.cur[x]!)) shape.cur[x] = -1;
  };
  const excludeX = (pred: (x: number) => boolean) => {
    for (let x = 0; x < 128; x++) if (pred(x)) shape.cur[x] = -1;
  };

  // 1. normalizers, in order (each one: local at the cut, and what it makes of x and the space)
  const norms = flatten(json.normalizer as Json | null, "normalizers");
  // a Precompiled charsmap works on graphemes: the chars around the cut must be ASCII at its input
  let precompiledAhead = norms.some((n) => n.type === "Precompiled" && n.precompiled_charsmap != null && n.precompiled_charsmap !== "");
  let context = false;
  let contNeeded = false;
  const contJson: Json[] = [];
  for (const n of norms) {
    if (shape.right !== " ") return whole(`normalizer ${String(n.type)} after the space became ${JSON.stringify(shape.right)}`);
    switch (n.type) {
      case "NFC":
      case "NFD":
      case "NFKC":
      case "NFKD":
      case "StripAccents":
      case "Nmt":
        break; // identity on printable ASCII and U+0020, and no composition or reordering across an ASCII starter
      case "Lowercase":
        for (let x = 0; x < 128; x++) if (shape.cur[x]! >= 0) shape.cur[x] = String.fromCharCode(shape.cur[x]!).toLowerCase().charCodeAt(0);
        break;
      case "BertNormalizer":
        if (n.lowercase !== false) for (let x = 0; x < 128; x++) if (shape.cur[x]! >= 0) shape.cur[x] = String.fromCharCode(shape.cur[x]!).toLowerCase().charCodeAt(0);
        break;
      case "Prepend":
        // at a segment's start only: a continuing chunk's first segment goes without it
        contNeeded = true;
        continue;
      case "Strip":
        // right: the text before a cut ends with x (never whitespace); left: not at a continuation
        if (n.strip_left !== false) {
          contNeeded = true;
          contJson.push({ ...n, strip_left: false });
          continue;
        }
        break;
      case "Replace": {
        const lit = literalOf(n.pattern);
        const re = regexOf(n.pattern);
        const content = String(n.content ?? "");
        let p: string;
        if (re === SEGMENT_EDGE_SPACES && content === "") {
          // spaces at a segment's two ends (SentencePiece's remove_extra_whitespaces, as
          // toTokenizerJson writes it): the text before a cut ends with x; a continuation keeps its start
          contNeeded = true;
          contJson.push({ ...n, pattern: { Regex: " +\\z" } });
          continue;
        }
        if (lit !== null) p = lit;
        else if (re !== null && SPACE_RUN_REGEXES.has(re) && content === " ") p = "  ";
        else return whole(`Replace normalizer with the regex ${JSON.stringify(re)} (its matches near a cut are not analysed)`);
        if (p.length === 0) break;
        const cps = [...p].map((c) => c.codePointAt(0)!);
        if (cps.every((c) => c === 0x20)) {
          if (cps.length === 1) shape.right = content; // " " → content (Llama 2, Gemma 3: "▁")
          else if (content !== " ") return whole(`Replace of ${JSON.stringify(p)} by ${JSON.stringify(content)} (a space at a cut may become something else)`);
          // a run of spaces → " ": the space at the cut stays a space; no match holds x
          break;
        }
        if (cps[0] === 0x20) return whole(`Replace of ${JSON.stringify(p)} (a match may start at a cut's space)`);
        // no match may span the cut (it would hold x then a space) or end at it (x would change)
        for (let i = 0; i + 1 < cps.length; i++) if (cps[i + 1] === 0x20) exclude((c) => c === cps[i]);
        exclude((c) => c === cps[cps.length - 1]);
        if (precompiledAhead && (content.length === 0 || /[^\x20-\x7e]/.test(content))) return whole("Replace with empty or non-ASCII content before a Precompiled normalizer (the chars around a cut must stay ASCII)");
        break;
      }
      case "Precompiled": {
        const cm = n.precompiled_charsmap;
        if (cm == null || cm === "") break;
        const map = PrecompiledCharsmap.fromBase64(String(cm));
        const norm = (s: string) => {
          const t = NStr.of(s, 0, false);
          map.normalize(t);
          return t.s;
        };
        if (norm(" ") !== " ") return whole("Precompiled charsmap that maps the space");
        // graphemes: with printable ASCII two before and after the space, x and the space are
        // graphemes of their own, each normalized alone
        exclude((c) => norm(String.fromCharCode(c)) !== String.fromCharCode(c));
        for (let c = 0x20; c <= 0x7e; c++) if (norm(String.fromCharCode(c)) !== String.fromCharCode(c)) return whole(`Precompiled charsmap that maps ${JSON.stringify(String.fromCharCode(c))}`);
        context = true;
        precompiledAhead = norms.slice(norms.indexOf(n) + 1).some((m) => m.type === "Precompiled");
        break;
      }
      default:
        return whole(`normalizer ${String(n.type)}`);
    }
    contJson.push(n);
  }
  const normRight = shape.right; // what the space is where normalized added tokens are matched
  let cont: { normalizer: Normalizer | null } | undefined;
  if (contNeeded) cont = { normalizer: buildNormalizer(contJson.length === 0 ? null : { type: "Sequence", normalizers: contJson }) };

  // 2. pre-tokenizers: until one cuts at the space, each must refine (its result on the whole,
  // cut at the space, is its results on the two sides)
  const pres = flatten(json.pre_tokenizer as Json | null, "pretokenizers");
  let cut = false;
  for (let k = 0; k < pres.length; k++) {
    const p = pres[k]!;
    const last = k === pres.length - 1;
    if (cut) {
      // after the cut every piece is the same on both sides; only a stage that looks at a
      // piece's place in the whole text differs
      if (p.type === "Metaspace" && metaspaceScheme(p) === "first") return whole("Metaspace prepend_scheme first after another pre-tokenizer's split");
      continue;
    }
    const space = shape.right === " ";
    switch (p.type) {
      case "WhitespaceSplit":
      case "Whitespace":
      case "BertPreTokenizer":
        if (!space) return whole(`${p.type} after the space became ${JSON.stringify(shape.right)}`);
        cut = true;
        break;
      case "Metaspace": {
        const rep = typeof p.replacement === "string" ? p.replacement : "\u2581";
        if (space) shape.right = rep; // its spaces become the replacement; no prepend before one
        else if (shape.right !== rep) return whole(`Metaspace after the space became ${JSON.stringify(shape.right)}`);
        if (p.split !== false) cut = true;
        break;
      }
      case "ByteLevel":
        if (!space) return whole(`ByteLevel after the space became ${JSON.stringify(shape.right)}`);
        if (p.use_regex !== false) cut = true; // GPT-2's regex = r50k's: a piece ends before a space after printable ASCII
        else if (!last) return whole("ByteLevel without its regex before another pre-tokenizer");
        break;
      case "Split": {
        const lit = literalOf(p.pattern);
        const re = regexOf(p.pattern);
        if (lit !== null) {
          const behavior = String(p.behavior ?? "Isolated");
          if (lit === " " && space && p.invert !== true && (behavior === "Removed" || behavior === "Isolated" || behavior === "MergedWithNext")) cut = true;
          else if ([...lit].length !== 1 && (lit.includes(" ") || lit.includes(shape.right))) return whole(`Split on ${JSON.stringify(lit)} (a match may hold the cut)`);
          // else a literal whose matches never hold the cut: it refines
        } else if (re !== null && space && p.invert !== true && (p.behavior ?? "Isolated") === "Isolated" && (OPENAI_SPLITS.has(re) || re === DEEPSEEK_CUT)) cut = true;
        else if (re !== null && space && p.invert !== true && (p.behavior ?? "Isolated") === "Isolated" && DEEPSEEK_REFINE.has(re)) break;
        else return whole(`Split with the regex ${JSON.stringify(re)} (not one whose cuts are proven)`);
        break;
      }
      case "Punctuation":
      case "Digits":
        break; // a per-char predicate (the space matches neither): it refines
      case "CharDelimiterSplit":
        if (p.delimiter === " " && space) cut = true;
        break;
      default:
        return whole(`pre-tokenizer ${String(p.type)} before any split at whitespace`);
    }
  }

  // 3. the model: per piece after a cut; else only BPE's word segments cut a word before "▁"
  if (!cut) {
    const seg = info.segments;
    if (seg === null || String.fromCodePoint(seg.marker) !== shape.right) {
      const type = (json.model as Json | undefined)?.type;
      // Unigram: the Viterbi path through a cut's node is the two sides' paths, but its
      // floating-point sums are not (a constant added to two scores can make them tie)
      return whole(`no pre-tokenizer split at whitespace, and a ${String(type ?? "")} model over the whole text${type === "Unigram" ? " (its Viterbi scores are float sums: a cut can change a tie)" : ""}`);
    }
    const m = seg.marker;
    exclude((c) => c === m || seg.noSplitAfter.has(c) || !(seg.cutAfterUnknown || info.hasToken(String.fromCharCode(c))));
  }

  // 4. added tokens: none may hold x then the space (raw tokens, in the text; normalized ones,
  // in the normalized text), end at x with rstrip, or start at the space with single_word
  // after a word char. (lstrip stops at x, which is not whitespace.)
  const added = addedTokens(json);
  const normalizer = added.some(isNormalized) ? buildNormalizer(json.normalizer as Json | null) : null;
  for (const t of added) {
    const normed = isNormalized(t);
    let c = t.content;
    if (normed && normalizer) {
      const n = NStr.of(c, 0, false);
      normalizer(n);
      c = n.s;
    }
    const cps = [...c].map((ch) => ch.codePointAt(0)!);
    const r = (normed ? normRight : " ").codePointAt(0);
    const ex = normed ? exclude : excludeX;
    for (let i = 0; i + 1 < cps.length; i++) if (cps[i + 1] === r) ex((x) => x === cps[i]);
    if (t.rstrip === true && cps.length > 0) ex((x) => x === cps[cps.length - 1]);
    if (t.single_word === true && cps[0] === r) ex(isAsciiWord);
    // a raw token ending at the cut starts a new segment after it, where Prepend and Strip do act
    if (contNeeded && !normed && cps.length > 0) excludeX((x) => x === cps[cps.length - 1]);
  }

  const allowed = new Uint8Array(128);
  let any = false;
  for (let x = 0x21; x <= 0x7e; x++) {
    if (shape.cur[x]! >= 0 && isPrintable(x)) {
      allowed[x] = 1;
      any = true;
    }
  }
  if (!any) return whole("no char before a space where a cut is proven");
  return { kind: "space", allowed, context, cont };
}

function metaspaceScheme(p: Json): string {
  const s = p.prepend_scheme as string | undefined;
  return s ?? (p.add_prefix_space === false ? "never" : "always");
}

/** The scanner of a "space" plan: the last U+0020 in s after an allowed x (with the Precompiled context when asked). */
export function spaceCutScanner(allowed: Uint8Array, context: boolean): CutScanner {
  return (s: string, before: number, before2: number, out: FoundCuts): number => {
    out.safe = -1;
    out.cls = -1;
    for (let j = s.length - 1; j >= 0; j--) {
      if (s.charCodeAt(j) !== 0x20) continue;
      const b1 = j >= 1 ? s.charCodeAt(j - 1) : before;
      if (b1 < 0 || b1 >= 128 || allowed[b1] !== 1) continue;
      if (context) {
        const b2 = j >= 2 ? s.charCodeAt(j - 2) : j === 1 ? before : before2;
        if (!(b2 >= 0x20 && b2 <= 0x7e) || j + 1 >= s.length || !isPrintable(s.charCodeAt(j + 1))) continue;
      }
      out.safe = j;
      return s.length - j;
    }
    return s.length;
  };
}
