/**
 * A HuggingFace `tokenizer.json` pipeline: added tokens → normalizer → pre-tokenizer → model →
 * post-processor, and decoder for the way back. Mirrors `TokenizerImpl::encode_single_sequence`
 * and `TokenizerImpl::decode` of tokenizers/src/tokenizer/mod.rs for single sequences.
 *
 * Offsets: HF reports offsets into the original text in chars (Unicode code points, with the
 * Node binding's default `OffsetType::Char`); tokenmill reports UTF-16 code unit offsets (what
 * `String.prototype.slice` takes). Both are computed from the same alignments, so converting
 * one to the other is a pure index translation (see test/hf-helpers.ts).
 */
import { InvalidArgumentError, InvalidTokenIdError, UnsupportedComponentError } from "../errors.js";
import { wantsWasm as wantsWasmEngine } from "../engines/choice.js";
import { BYTE_TO_CHAR, byteLevelBytes } from "./byte-level.js";
import { buildDecoder, type Decoder } from "./decoders.js";
import { HfStreamDecoder } from "./decode-stream.js";
import { decodeStreamWith, decoderOptions, type DecoderOptions, type TokenDecoder } from "../text/decode-stream.js";
import { checkOptions as checkKnownOptions } from "../openai/options.js";
import { checkTokenizerJson } from "./json-checks.js";
import { BpeModel, type BpeOptions } from "./models/bpe.js";
import type { ModelOutput, TokenModel } from "./models/model.js";
import { UnigramModel } from "./models/unigram.js";
import { WordLevelModel } from "./models/wordlevel.js";
import { WordPieceModel } from "./models/wordpiece.js";
import { CodePointPositions, NStr } from "./normalized.js";
import { buildNormalizer, isWhitespace, type Normalizer } from "./normalizers.js";
import { fromHfEncoding, mergeAll, seqEnc, toHfEncoding, toWire, type HfEncoding, type HfWireEncoding, type SeqEnc } from "./encoding.js";
import { paddingFromJson, paddingFromOptions, padEncodings, type HfPaddingOptions, type PaddingParams } from "./padding.js";
import { buildProcessor, singleWithB, trimOffsets, type Processor } from "./post-processors.js";
import { truncateEncodings, truncationFromJson, truncationFromOptions, type HfTruncationOptions, type TruncationParams } from "./truncation.js";
import { buildPreTokenizer, type PreTokenizer } from "./pretokenizers.js";
import { hfCountStream, hfEncodeStream, type HfStreamOptions } from "./stream.js";
import type { StreamInfo } from "./stream-cuts.js";
import type { TextSource } from "../text/stream.js";
import { compileHfWasmSync, HfWasmBpe, scannerFor, serializeBpe, type FixedSink, type PieceSink } from "./wasm-bpe.js";

type Json = Record<string, unknown>;

export interface TokenizerJsonOptions extends BpeOptions {
  /**
   * Where BPE's byte-level encoding and merge loop run: "wasm" (the WebAssembly core), "js"
   * (pure TypeScript) or "auto" (default: wasm where WebAssembly exists). Same ids either way.
   * WordPiece, Unigram, and BPE with dropout or continuing_subword_prefix/end_of_word_suffix
   * always run in TypeScript; `tokenizer.engine` says which one a tokenizer got.
   */
  engine?: "auto" | "wasm" | "js";
  /** @internal a compiled build/tokenmill-hf.wasm (the async loader compiles it off the sync path). */
  wasmModule?: WebAssembly.Module;
}


/** Checks options.engine; whether to try the WASM core. */
export function wantsWasm(opts: TokenizerJsonOptions): boolean {
  return wantsWasmEngine(opts.engine);
}

export interface HfEncodeOptions {
  /** Apply the post-processor's special tokens (BOS, [CLS]/[SEP], ...). Default true, as in HF. */
  addSpecialTokens?: boolean;
  /** A second sequence: encode the pair (HF `encode(text, pair)`), e.g. question and context for BERT. */
  pair?: string;
  /** Truncation for this call; default: the file's "truncation" field (or `setTruncation`); null: none. */
  truncation?: HfTruncationOptions | null;
  /** Padding for this call; default: the file's "padding" field (or `setPadding`); null: none. */
  padding?: HfPaddingOptions | null;
}

export interface HfDecodeOptions {
  /** Leave out special added tokens. Default false, as in HF. */
  skipSpecialTokens?: boolean;
}

/** `encodeWithOffsets`'s result (an `HfEncoding`, which also has type ids, masks and overflowing parts). */
export type EncodingWithOffsets = HfEncoding;

/** The options each method takes: any other key is a mistake (a typo would be ignored). */
const ENCODE_OPTIONS: ReadonlySet<string> = new Set(["addSpecialTokens", "pair", "truncation", "padding"]);
const DECODE_OPTIONS: ReadonlySet<string> = new Set(["skipSpecialTokens"]);
const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(["addSpecialTokens", "skipSpecialTokens"]);

/** Throws InvalidArgumentError for a non-object, an unknown key (src/openai/options.ts) or a flag that is not a boolean. */
function checkOptions(method: string, options: unknown, known: ReadonlySet<string>): void {
  checkKnownOptions(options, known, method);
  if (options === undefined) return;
  for (const k of BOOLEAN_OPTIONS) {
    const v = (options as Record<string, unknown>)[k];
    if (Object.hasOwn(options as object, k) && v !== undefined && typeof v !== "boolean") throw new InvalidArgumentError(`${method}: option ${k} must be true or false, got ${typeof v}`);
  }
}

interface AddedToken {
  id: number;
  content: string;
  /**
   * The token's string in decode and idToToken: HF's added vocabulary keeps a `normalized`
   * token as its content through the normalizer (Lowercase "HeLLo" decodes as "hello", a
   * ByteLevel normalizer's " yes" as "Ġyes"); the content otherwise.
   */
  text: string;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** Pieces of the pre-tokenized string: an NStr, and an id when an added token matched it. */
interface Split {
  n: NStr;
  id: number;
}

/** Encoding under construction (ids + original offsets + token strings for trimming). */
export interface Enc {
  ids: number[];
  offs: number[];
  /**
   * When asked for: the token count after each split, in order; bitwise-negated (`~n`, so
   * negative) after a split that is an added token, which the model never tokenizes.
   */
  ends?: number[];
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
// The syntax characters only: under the `u` flag an escaped '-' ("\-") outside a character
// class is a syntax error, which once made every added token containing '-' fail to load.
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

class AddedMatcher {
  private readonly re: RegExp | null;
  private readonly byContent = new Map<string, AddedToken>();
  /**
   * `tokens` with an empty content: a normalized token the normalizer empties (Strip on "\n",
   * Replace \p{P} on "##"). HF's aho-corasick matches the empty pattern wherever no other
   * starts, so the text splits at every char (the empty matches themselves are dropped, unless
   * lstrip/rstrip take in whitespace around them). HF skips tokens whose content is empty.
   */
  constructor(tokens: AddedToken[]) {
    const uniq = [...new Set(tokens.map((t) => t.content))];
    for (const t of tokens) if (!this.byContent.has(t.content)) this.byContent.set(t.content, t);
    // Leftmost-longest (HF's aho-corasick MatchKind::LeftmostLongest): JS alternation is
    // leftmost-first, so list longer contents first (the empty one last).
    uniq.sort((a, b) => b.length - a.length);
    this.re = uniq.length ? new RegExp(uniq.map(escapeRe).join("|") || "(?:)", "gu") : null;
  }

  /** HF `AddedVocabulary::find_matches`: [id | -1, start, end] segments covering s. */
  find(s: string): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    if (this.re === null || s.length === 0) return [[-1, 0, s.length]];
    let startOffset = 0;
    const re = this.re;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      let start = m.index;
      let stop = start + m[0].length;
      // after an empty match the search goes on one char later (at the end: no further match)
      if (stop === start) re.lastIndex = start >= s.length ? s.length + 1 : start + (s.codePointAt(start)! > 0xffff ? 2 : 1);
      const tok = this.byContent.get(m[0])!;
      if (tok.singleWord) {
        const startSpace = start === 0 || !WORD_CHAR.test(lastChar(s, start));
        const stopSpace = stop === s.length || !WORD_CHAR.test(String.fromCodePoint(s.codePointAt(stop)!));
        if (!startSpace || !stopSpace) continue;
      }
      if (tok.lstrip) {
        let p = start;
        while (p > 0) {
          const c = s.codePointAt(p - 1)!;
          const lo = s.charCodeAt(p - 1);
          const cp = lo >= 0xdc00 && lo <= 0xdfff && p >= 2 ? s.codePointAt(p - 2)! : c;
          if (!isWhitespace(cp)) break;
          p -= cp > 0xffff ? 2 : 1;
        }
        start = Math.max(p, startOffset);
      }
      if (tok.rstrip) {
        while (stop < s.length) {
          const cp = s.codePointAt(stop)!;
          if (!isWhitespace(cp)) break;
          stop += cp > 0xffff ? 2 : 1;
        }
      }
      if (startOffset < start) out.push([-1, startOffset, start]);
      out.push([tok.id, start, stop]);
      startOffset = stop;
    }
    if (startOffset !== s.length) out.push([-1, startOffset, s.length]);
    return out;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function toWellFormed(s: string): string {
  const f = (s as { toWellFormed?: () => string }).toWellFormed;
  if (f) return f.call(s);
  return LONE_SURROGATE.test(s) ? s.replace(new RegExp(LONE_SURROGATE.source, "g"), "\ufffd") : s;
}

function lastChar(s: string, end: number): string {
  const lo = s.charCodeAt(end - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && end >= 2) return s.slice(end - 2, end);
  return s.slice(end - 1, end);
}

/** `text`: the (well-formed) input the encoding's offsets point into. */
type PostProcessor = (e: Enc, addSpecial: boolean, tok: HfTokenizer, text: string) => Enc;

/**
 * Whether the pre-tokenizer is a Split on one char that the normalizer has just replaced
 * everywhere (Gemma 3: Replace " " → "▁", then Split " "): the pieces it sees cannot contain
 * that char (a Replace whose content lacks the one-char pattern leaves none, and joining text
 * cannot form a one-char pattern), and a Split without a match keeps its input whole, so it
 * can be skipped. Added tokens are split out before the pre-tokenizer, never after.
 */
function splitNeverMatches(json: Json): boolean {
  const pre = json.pre_tokenizer as Json | null | undefined;
  const p = (pre?.pattern as Json | undefined)?.String;
  if (pre?.type !== "Split" || pre.invert === true || typeof p !== "string" || [...p].length !== 1) return false;
  let norm = json.normalizer as Json | null | undefined;
  if (norm?.type === "Sequence") {
    const list = norm.normalizers as Json[] | undefined;
    norm = Array.isArray(list) ? list[list.length - 1] : null;
  }
  if (norm?.type !== "Replace" || (norm.pattern as Json | undefined)?.String !== p) return false;
  return typeof norm.content === "string" && !norm.content.includes(p);
}

/**
 * The char that stands for a space in the model's words: Metaspace's replacement, or the
 * content of a Replace(" ") normalizer (Llama 2, Gemma 3), else "▁". BpeModel.useWordSegments
 * cuts words before it where the vocab allows (exact for any char: the check is on the merges).
 */
function spaceMarker(json: Json): string {
  const find = (j: unknown): string | null => {
    if (j == null || typeof j !== "object") return null;
    const o = j as Json;
    if (o.type === "Metaspace" && typeof o.replacement === "string") return o.replacement;
    if (o.type === "Replace" && (o.pattern as Json | undefined)?.String === " " && typeof o.content === "string") return o.content;
    for (const k of ["normalizers", "pretokenizers"]) {
      if (Array.isArray(o[k])) for (const x of o[k] as unknown[]) {
        const r = find(x);
        if (r !== null) return r;
      }
    }
    return null;
  };
  return find(json.normalizer) ?? find(json.pre_tokenizer) ?? "\u2581";
}

export class HfTokenizer {
  /** Model type: "BPE", "WordPiece" or "Unigram". */
  readonly modelType: string;
  private readonly model: TokenModel;
  private readonly normalizer: Normalizer | null;
  private readonly preTokenizer: PreTokenizer | null;
  private readonly byteLevel: boolean;
  /** Token strings are in GPT-2's byte alphabet (a ByteLevel pre-tokenizer anywhere). */
  private readonly byteAlphabet: boolean;
  private readonly post: PostProcessor | null;
  private readonly decoderChain: Decoder | null;
  private readonly added: AddedToken[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly rawMatcher: AddedMatcher;
  private readonly normMatcher: AddedMatcher;
  private readonly hasNormAdded: boolean;
  private readonly wasm: HfWasmBpe | null = null;
  private readonly onPiece: PieceSink;
  private readonly onFixed: FixedSink;
  /** Ids and split ends without offsets (truncation's early exit in encode / count). */
  private readonly onPieceIds: PieceSink;
  private readonly onFixedIds: FixedSink;
  private curEnc: Enc | null = null;
  /** Something besides offsets reads alignments (Metaspace prepend_scheme "first"). */
  private readonly alignDependent: boolean;
  /** Core scanner that replaces normalizer + pre-tokenizer when no offsets are wanted, or -1. */
  private readonly scanner: number = -1;
  /** The post-processor with pairs, type ids, masks and overflowing parts (src/hf/post-processors.ts). */
  private readonly processor: Processor | null;
  private truncation: TruncationParams | null;
  private padding: PaddingParams | null;
  /** The parsed file and the engine choice, for worker threads that load the same tokenizer. */
  private readonly source: Json;
  private readonly engineChoice: "auto" | "wasm" | "js";
  private sourceText: string | undefined;

  constructor(json: Json, opts: TokenizerJsonOptions = {}) {
    const m = checkTokenizerJson(json);
    const type = (m.type as string | undefined) ?? (m.merges ? "BPE" : Array.isArray(m.vocab) ? "Unigram" : "WordPiece");
    this.modelType = type;
    if (type === "BPE") this.model = new BpeModel(m, opts);
    else if (type === "WordPiece") this.model = new WordPieceModel(m);
    else if (type === "Unigram") this.model = new UnigramModel(m);
    else if (type === "WordLevel") this.model = new WordLevelModel(m);
    else throw new UnsupportedComponentError(`model ${JSON.stringify(type)}`);
    this.source = json;
    this.engineChoice = opts.engine ?? "auto";
    this.truncation = truncationFromJson(json.truncation);
    this.padding = paddingFromJson(json.padding);
    this.normalizer = buildNormalizer(json.normalizer as Json | null);
    const pre = buildPreTokenizer(json.pre_tokenizer as Json | null);
    this.preTokenizer = splitNeverMatches(json) ? null : pre.run;
    this.byteLevel = pre.byteLevel;
    this.byteAlphabet = pre.byteLevel || pre.byteAlphabet === true || /"type":"ByteLevel"/.test(JSON.stringify(json.normalizer ?? null));
    this.post = buildPost(json.post_processor as Json | null);
    this.processor = buildProcessor(json.post_processor as Json | null);
    this.decoderChain = buildDecoder(json.decoder as Json | null);
    if (this.model instanceof BpeModel && !this.byteLevel) this.model.useWordSegments(spaceMarker(json));
    if (this.model instanceof BpeModel && wantsWasm(opts)) {
      const blob = serializeBpe(this.model, this.byteLevel);
      if (blob !== null) {
        this.wasm = new HfWasmBpe(opts.wasmModule ?? compileHfWasmSync(), blob);
        this.scanner = this.byteLevel ? scannerFor(json) : -1;
      }
    }
    this.onPiece = (p, out) => {
      const e = this.curEnc!;
      pushWithOffsets(p, out, e);
      e.ends?.push(e.ids.length);
    };
    this.onPieceIds = (_p, out) => {
      const e = this.curEnc!;
      for (let k = 0; k < out.ids.length; k++) e.ids.push(out.ids[k]!);
      e.ends!.push(e.ids.length);
    };
    this.onFixedIds = (_p, id) => {
      const e = this.curEnc!;
      e.ids.push(id);
      e.ends!.push(~e.ids.length);
    };
    this.onFixed = (p, id) => {
      const e = this.curEnc!;
      e.ids.push(id);
      e.offs.push(p.origStart(0), p.origEnd(p.length));
      e.ends?.push(~e.ids.length);
    };
    this.alignDependent = /"prepend_scheme"\s*:\s*"first"/.test(JSON.stringify(json.pre_tokenizer ?? null));

    // HF (AddedVocabulary::add_tokens) does not read the file's ids: a token takes its model id,
    // else that of an earlier added token with the same content, else the next id after the
    // model's vocabulary and the added ids so far (files written by HF agree; edited ones may not).
    let maxAdded = -1;
    for (const a of (json.added_tokens as Json[] | undefined) ?? []) {
      const content = a.content as string; // checked: checkAddedTokens
      let id = this.model.tokenToId(content) ?? this.addedByContent.get(content)?.id;
      if (id === undefined) {
        const size = this.model.vocabSize;
        id = maxAdded < 0 ? size : maxAdded >= size || size === 0 ? maxAdded + 1 : size;
      }
      maxAdded = Math.max(maxAdded, id);
      const t: AddedToken = {
        id,
        content,
        text: content,
        singleWord: a.single_word === true,
        lstrip: a.lstrip === true,
        rstrip: a.rstrip === true,
        normalized: a.normalized === undefined ? a.special !== true : a.normalized === true,
        special: a.special === true,
      };
      this.added.push(t);
      if (!this.addedById.has(t.id)) this.addedById.set(t.id, t);
      if (!this.addedByContent.has(content)) this.addedByContent.set(content, t);
    }
    if (this.normalizer) {
      for (const t of this.added) {
        if (!t.normalized) continue;
        const n = NStr.of(t.content);
        this.normalizer(n);
        t.text = n.s;
      }
    }
    // HF's tries: special tokens first, then the others; partitioned on `normalized`.
    const ordered = [...this.added.filter((t) => t.special), ...this.added.filter((t) => !t.special)];
    // (HF's add_tokens skips a token whose content is empty)
    this.rawMatcher = new AddedMatcher(ordered.filter((t) => !t.normalized && t.content.length > 0));
    const normed = ordered
      .filter((t) => t.normalized && t.content.length > 0)
      .map((t) => ({ ...t, content: t.text }));
    this.normMatcher = new AddedMatcher(normed);
    this.hasNormAdded = normed.length > 0;
  }

  /** Where the model runs: "wasm" (merge-list BPE in the WebAssembly core) or "js". */
  get engine(): "wasm" | "js" {
    return this.wasm !== null ? "wasm" : "js";
  }

  // ---- encode ----

  /**
   * One sequence through the pipeline; `postProcess` false leaves out the lean post-processor;
   * `splitEnds` records the token count after each split (it needs offsets: the full path);
   * `cont` (streams, src/hf/stream.ts): the text continues a segment of the text before it, so
   * its first segment, if no added token starts it, goes through `cont.normalizer` (the
   * normalizer without the steps that act at a segment's start) instead.
   */
  private run(text: string, addSpecial: boolean, wantOffsets = true, postProcess = true, splitEnds = false, limit = Infinity, cont?: { normalizer: Normalizer | null }): Enc {
    if (typeof text !== "string") throw new InvalidArgumentError(`encode: expected a string, got ${text === null ? "null" : typeof text}`);
    // Lone surrogates become U+FFFD (same length), as they do on their way into HF's Rust strings.
    text = toWellFormed(text);
    const e: Enc = splitEnds ? { ids: [], offs: [], ends: [] } : { ids: [], offs: [] };
    // 1. added tokens on the original text, 2. normalize the rest and match normalized ones.
    const splits: Split[] = [];
    for (const [id, a, b] of this.rawMatcher.find(text)) {
      // HF's PreTokenizedString::split drops empty splits, an added token's too: a match inside
      // the whitespace an earlier rstrip token took in leaves an empty one
      if (b <= a) continue;
      const n = NStr.of(text.slice(a, b), a, wantOffsets || this.alignDependent);
      if (id >= 0) {
        splits.push({ n, id });
        continue;
      }
      const normalizer = cont !== undefined && a === 0 ? cont.normalizer : this.normalizer;
      if (normalizer) normalizer(n);
      if (!this.hasNormAdded) {
        if (n.length > 0) splits.push({ n, id: -1 });
        continue;
      }
      for (const [id2, c, d] of this.normMatcher.find(n.s)) {
        if (d > c) splits.push({ n: n.slice(c, d), id: id2 });
      }
    }
    const out: ModelOutput = { ids: [], offs: [] };
    const scanned = !wantOffsets && !splitEnds && this.scanner >= 0;
    if (this.wasm !== null && !scanned) {
      // All pre-tokens of all splits, added tokens in place, in one call into the core:
      // SentencePiece pipelines have an added token at every line break (Gemma 3).
      const pieces: NStr[] = [];
      // fixed[i]: the added token's id, or -1; only built once an added token shows up (the
      // core's ids are then copied word by word instead of in one run)
      let fixed: number[] | undefined;
      for (const sp of splits) {
        if (sp.id >= 0) {
          if (fixed === undefined) fixed = new Array<number>(pieces.length).fill(-1);
          pieces.push(sp.n);
          fixed.push(sp.id);
          continue;
        }
        const at = pieces.length;
        if (this.preTokenizer) this.preTokenizer(sp.n, pieces);
        else pieces.push(sp.n);
        if (fixed !== undefined) for (let k = at; k < pieces.length; k++) fixed.push(-1);
      }
      if (wantOffsets) {
        this.curEnc = e;
        this.wasm.encodePieces(pieces, e.ids, this.onPiece, fixed, this.onFixed);
        this.curEnc = null;
      } else if (splitEnds) {
        this.curEnc = e;
        this.wasm.encodePieces(pieces, e.ids, this.onPieceIds, fixed, this.onFixedIds);
        this.curEnc = null;
      } else this.wasm.encodePieces(pieces, e.ids, undefined, fixed);
      return this.post && postProcess ? this.post(e, addSpecial, this, text) : e;
    }
    const pieces: NStr[] = [];
    // `limit` (truncation from the right, splitEnds): limitSplits drops every split after the
    // first model split that brings the count to limit, so they are not tokenized
    splitsLoop: for (const sp of splits) {
      if (sp.id >= 0) {
        e.ids.push(sp.id);
        e.offs.push(sp.n.origStart(0), sp.n.origEnd(sp.n.length));
        e.ends?.push(~e.ids.length);
        continue;
      }
      if (scanned) {
        // pre-tokenization and merges in one call into the core
        this.wasm!.encodeScanned(sp.n.s, this.scanner, e.ids);
        continue;
      }
      pieces.length = 0;
      if (this.preTokenizer) this.preTokenizer(sp.n, pieces);
      else pieces.push(sp.n);
      for (const p of pieces) {
        out.ids.length = 0;
        out.offs.length = 0;
        this.model.tokenize(p.s, this.byteLevel, out);
        if (wantOffsets) pushWithOffsets(p, out, e);
        else for (let k = 0; k < out.ids.length; k++) e.ids.push(out.ids[k]!);
        e.ends?.push(e.ids.length);
        if (e.ids.length >= limit) break splitsLoop;
      }
    }
    return this.post && postProcess ? this.post(e, addSpecial, this, text) : e;
  }

  /** Whether a call needs the full encoding (pairs, truncation, padding) rather than the lean path. */
  private needsFull(o: HfEncodeOptions | undefined): boolean {
    if (o?.pair !== undefined) return true;
    const trunc = o?.truncation === undefined ? this.truncation : o.truncation;
    const pad = o?.padding === undefined ? this.padding : o.padding;
    return trunc != null || pad != null;
  }

  /**
   * HF `encode` + `post_process` with everything an `Encoding` has: the sequence(s) through the
   * pipeline, truncation (max_length less the tokens the post-processor will add), the
   * post-processor, then padding. `batchPadding`: the caller pads (across a batch).
   */
  private full(text: string, o: HfEncodeOptions | undefined, wantOffsets: boolean, batchPadding = false): SeqEnc {
    const add = o?.addSpecialTokens !== false;
    const pair = o?.pair;
    if (pair !== undefined && typeof pair !== "string") throw new InvalidArgumentError(`encode: pair must be a string, got ${pair === null ? "null" : typeof pair}`);
    const trunc = o?.truncation === undefined ? this.truncation : truncationFromOptions(o.truncation);
    const one = (s: string, typeId: number): SeqEnc => {
      // tokenizers 0.23.1+ stops tokenizing a sequence at the split where max_length tokens
      // exist (its truncation early exit), so overflowing parts hold only the tokens up to there;
      // it does so for the second sequence always, for the first unless the strategy is only_second
      if (trunc === null || (typeId === 0 && trunc.strategy === "only_second")) return seqEnc(this.run(s, add, wantOffsets, false), typeId, toWellFormed(s));
      const e = limitSplits(this.run(s, add, wantOffsets, false, true, trunc.direction === "right" ? trunc.maxLength : Infinity), trunc.maxLength, trunc.direction);
      return seqEnc(e, typeId, toWellFormed(s));
    };
    const a = one(text, 0);
    const b = pair === undefined ? null : one(pair, 1);
    if (trunc !== null) {
      const n = add ? (this.processor?.addedTokens(b !== null) ?? 0) : 0;
      // HF takes the post-processor's tokens off max_length with a usize subtraction that wraps
      // when they do not fit (so nothing is truncated beyond the early exit above)
      if (n <= trunc.maxLength) truncateEncodings(a, b, n > 0 ? { ...trunc, maxLength: trunc.maxLength - n } : trunc);
      // ids only (encode, count): the overflowing parts, and their combinations, are not needed
      if (!wantOffsets) {
        a.overflowing = [];
        if (b) b.overflowing = [];
      }
    }
    const seqs = b === null ? [a] : [a, b];
    const e = mergeAll(this.processor ? this.processor.processEncodings(seqs, add, this) : seqs);
    if (!batchPadding) {
      const pad = o?.padding === undefined ? this.padding : paddingFromOptions(o.padding);
      if (pad !== null) padEncodings([e], pad);
    }
    return e;
  }

  /**
   * @internal What a worker thread needs to encode a batch as `encodeBatchFull` does: the file,
   * the engine, and the options with this tokenizer's truncation resolved (padding is applied
   * across the batch afterwards with `padBatch`).
   */
  poolJob(options: HfEncodeOptions | undefined): { json: string; engine: "auto" | "wasm" | "js"; opts: HfEncodeOptions } {
    this.sourceText ??= JSON.stringify(this.source);
    const truncation = options?.truncation === undefined ? this.truncation : options.truncation;
    // Fixed-length padding does not depend on the rest of the batch: the workers pad (padBatch
    // then leaves the encodings as they are, no second pass over them on this thread)
    const pad = options?.padding === undefined ? this.padding : paddingFromOptions(options.padding);
    const padding: HfPaddingOptions | null =
      pad === null || pad.length === null
        ? null
        : { maxLength: pad.length, direction: pad.direction, padId: pad.padId, padTypeId: pad.padTypeId, ...(pad.padToMultipleOf === null ? {} : { padToMultipleOf: pad.padToMultipleOf }) };
    const opts: HfEncodeOptions = { addSpecialTokens: options?.addSpecialTokens !== false, truncation, padding };
    return { json: this.sourceText, engine: this.engineChoice, opts };
  }

  /** @internal The batch's padding (HF `pad_encodings`: BatchLongest pads to the batch's longest). */
  padBatch(encs: HfEncoding[], options: HfEncodeOptions | undefined): HfEncoding[] {
    const pad = options?.padding === undefined ? this.padding : paddingFromOptions(options.padding);
    if (pad === null || pad.length !== null) return encs; // none, or fixed: applied per encoding (poolJob)
    const s = encs.map(fromHfEncoding);
    padEncodings(s, pad);
    return s.map(toHfEncoding);
  }

  /** Sets the truncation every call uses unless it passes its own (null: none), like HF's `setTruncation`. */
  setTruncation(options: HfTruncationOptions | null): void {
    this.truncation = truncationFromOptions(options);
  }

  /** Sets the padding every call uses unless it passes its own (null: none), like HF's `setPadding`. */
  setPadding(options: HfPaddingOptions | null): void {
    this.padding = paddingFromOptions(options);
  }

  /**
   * Token ids of `text`, as HF `tokenizer.encode(text).ids`.
   * @example tok.encode("Hello world") // Llama 3: [128000, 9906, 1917]
   */
  encode(text: string, options?: HfEncodeOptions): Uint32Array {
    checkOptions("encode", options, ENCODE_OPTIONS);
    if (this.needsFull(options)) return Uint32Array.from(this.full(text, options, false).ids);
    return Uint32Array.from(this.run(text, options?.addSpecialTokens !== false, false).ids);
  }

  /** Number of tokens `encode(text, options)` returns. */
  count(text: string, options?: HfEncodeOptions): number {
    checkOptions("count", options, ENCODE_OPTIONS);
    if (this.needsFull(options)) return this.full(text, options, false).ids.length;
    return this.run(text, options?.addSpecialTokens !== false, false).ids.length;
  }

  /**
   * Token ids of a text that arrives in parts (a Node stream, a `fetch` body, any (async)
   * iterable of strings or UTF-8 bytes), a chunk at a time; concatenated, exactly
   * `encode(wholeText, options)`, the post-processor's tokens only at the start and end. The text
   * is cut only where the pipeline provably allows it (src/hf/stream-cuts.ts, DESIGN.md "Where a
   * tokenizer.json's text may be cut"); a pipeline without such a point is read whole.
   * @example for await (const ids of tok.encodeStream(fs.createReadStream("big.txt"))) out.write(ids.join("\n") + "\n")
   * @throws InvalidArgumentError for a pair, truncation or padding (from the options or the file, unless
   *   the options set them to null), and as encodeStream of an Encoding for the source and bytes.
   * @throws InvalidUtf8Error, UncuttableTextError as `Encoding#encodeStream`.
   */
  encodeStream(source: TextSource, options?: HfStreamOptions): AsyncGenerator<Uint32Array, void, undefined> {
    return hfEncodeStream(this, source, options);
  }

  /** Number of tokens of a streamed text (see `encodeStream`): `count(wholeText, options)`, in bounded memory. */
  countStream(source: TextSource, options?: HfStreamOptions): Promise<number> {
    return hfCountStream(this, source, options);
  }

  /** @internal What src/hf/stream-cuts.ts analyses. */
  streamInfo(): StreamInfo {
    const model = this.model;
    return {
      json: this.source,
      segments: model instanceof BpeModel && !this.byteLevel ? model.segments : null,
      hasToken: (t) => model.tokenToId(t) !== undefined,
    };
  }

  /** @internal One chunk of a stream, without the post-processor (`cont`: see `run`). */
  encodeChunk(text: string, cont: { normalizer: Normalizer | null } | undefined): number[] {
    return this.run(text, false, false, false, false, Infinity, cont).ids;
  }

  /** @internal The post-processor's ids before and after one sequence (encode's, with special tokens). */
  postEnds(): [number[], number[]] {
    if (this.post === null) return [[], []];
    const mark = -1;
    const ids = this.post({ ids: [mark], offs: [] }, true, this, "").ids;
    const at = ids.indexOf(mark);
    return [ids.slice(0, at), ids.slice(at + 1)];
  }

  /** @internal Whether truncation / padding are set (streams refuse them). */
  truncationAndPadding(): { truncation: boolean; padding: boolean } {
    return { truncation: this.truncation !== null, padding: this.padding !== null };
  }

  /**
   * HF's `Encoding` of `text` (and `options.pair`): ids, UTF-16 [start, end) offsets per token
   * (into the sequence the token came from; special and pad tokens get [0, 0]), type ids, the
   * special-tokens and attention masks, and the parts truncation cut off.
   */
  encodeWithOffsets(text: string, options?: HfEncodeOptions): HfEncoding {
    checkOptions("encodeWithOffsets", options, ENCODE_OPTIONS);
    return toHfEncoding(this.full(text, options, true));
  }

  /** @internal `encodeWithOffsets` as a worker thread sends it back (typed arrays only: src/parallel/hf-batch.ts). */
  encodeWire(text: string, options?: HfEncodeOptions): HfWireEncoding {
    checkOptions("encodeWithOffsets", options, ENCODE_OPTIONS);
    return toWire(this.full(text, options, true));
  }

  /**
   * A pair of sequences, as HF `encode(a, b)`: the post-processor's pair template
   * (`[CLS] a [SEP] b [SEP]` for BERT), type ids 0 / 1, masks, truncation and padding.
   * @example tok.encodePair("Who?", "Me.").typeIds // BERT: [0, 0, 0, 0, 1, 1, 1]
   */
  encodePair(a: string, b: string, options?: Omit<HfEncodeOptions, "pair">): HfEncoding {
    checkOptions("encodePair", options, ENCODE_OPTIONS);
    if (typeof b !== "string") throw new InvalidArgumentError(`encodePair: expected a string as the second sequence, got ${b === null ? "null" : typeof b}`);
    return toHfEncoding(this.full(a, { ...options, pair: b }, true));
  }

  /**
   * @internal Encodings of many texts (or pairs) with the batch's padding applied across them
   * (HF `encode_batch`: BatchLongest pads to the longest of the batch).
   */
  encodeBatchFull(items: ReadonlyArray<string | readonly [string, string]>, options?: HfEncodeOptions): HfEncoding[] {
    const encs = items.map((it) => (typeof it === "string" ? this.full(it, options, true, true) : this.full(it[0], { ...options, pair: it[1] }, true, true)));
    const pad = options?.padding === undefined ? this.padding : paddingFromOptions(options.padding);
    if (pad !== null) padEncodings(encs, pad);
    return encs.map(toHfEncoding);
  }

  // ---- decode ----

  /** HF `decode`: token strings through the decoder (or joined with spaces without one). */
  decode(ids: ArrayLike<number>, options?: HfDecodeOptions): string {
    // an array or a typed array, as Encoding.decode takes: not a string, a function (its
    // `length` is its arity) or an object with a made-up length
    if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && !(ids instanceof DataView))) {
      throw new InvalidArgumentError(`decode: expected an array of token ids, got ${ids === null ? "null" : typeof ids}`);
    }
    checkOptions("decode", options, DECODE_OPTIONS);
    const skip = options?.skipSpecialTokens === true;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      // a number, not "2" or 2n (which would index the vocab array all the same)
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new InvalidTokenIdError(id, i, this.vocabSize);
      const a = this.addedById.get(id);
      const t = a ? a.text : this.model.idToToken(id);
      if (t === undefined) throw new InvalidTokenIdError(id, i, this.vocabSize);
      // by the string, as HF: a normalized special token whose string the normalizer changed is kept
      if (skip && this.addedByContent.get(t)?.special) continue;
      tokens.push(t);
    }
    if (!this.decoderChain) return tokens.join(" ");
    return this.decoderChain(tokens).join("");
  }

  /**
   * A streaming decoder with HF `DecodeStream` semantics (src/hf/decode-stream.ts): `push(ids)`
   * returns the new text, `flush()` what is held back at the end.
   * @example const d = tok.decoder({ skipSpecialTokens: true }); d.push(9906) + d.push(1917) // "Hello world"
   */
  decoder(options?: DecoderOptions): TokenDecoder {
    const skip = decoderOptions(options, "decoder");
    const tok = this;
    return new HfStreamDecoder(
      {
        decode: (ids, o) => tok.decode(ids, o),
        checkIds(ids) {
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i]!;
            if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || tok.idToToken(id) === undefined) throw new InvalidTokenIdError(id, i, tok.vocabSize);
          }
        },
        get vocabSize() {
          return tok.vocabSize;
        },
      },
      skip,
    );
  }

  /**
   * The text of ids that arrive over time (an iterable or async iterable of ids or id arrays),
   * through `decoder(options)`, a piece per item that completes text.
   * @example for await (const text of tok.decodeStream(generated)) process.stdout.write(text)
   */
  decodeStream(source: Iterable<number | ArrayLike<number>> | AsyncIterable<number | ArrayLike<number>>, options?: DecoderOptions): AsyncGenerator<string, void, undefined> {
    return decodeStreamWith(this.decoder(options), source);
  }

  /** The token string of an id (in the model's alphabet: `Ġ`, `▁`, `##` ...). */
  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.text ?? this.model.idToToken(id);
  }

  /** The id of a token string (added tokens included). */
  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.tokenToId(token);
  }

  /**
   * The bytes a token stands for: byte-level tokens mapped back through the GPT-2 table,
   * `<0xXX>` byte-fallback tokens as their byte, anything else as the UTF-8 of its string.
   */
  tokenBytes(id: number): Uint8Array {
    const t = typeof id === "number" && Number.isInteger(id) && id >= 0 ? this.idToToken(id) : undefined;
    if (t === undefined) throw new InvalidTokenIdError(id, 0, this.vocabSize);
    if (!this.addedById.has(id)) {
      if (this.byteAlphabet) {
        const out = byteLevelBytes(t);
        if (out) return out;
      }
      const m = /^<0x([0-9A-F]{2})>$/.exec(t);
      if (m) return Uint8Array.of(parseInt(m[1]!, 16));
    }
    return new TextEncoder().encode(t);
  }

  /** Vocabulary size with the added tokens (HF `get_vocab_size(true)`). */
  get vocabSize(): number {
    const extra = new Set<number>();
    for (const t of this.added) if (this.model.tokenToId(t.content) === undefined) extra.add(t.id);
    return this.model.vocabSize + extra.size;
  }

  /** Special added tokens: content → id. */
  get specialTokens(): Record<string, number> {
    const o: Record<string, number> = {};
    // defineProperty: "__proto__" is a token like any other, not the prototype
    for (const t of this.added) {
      if (t.special) Object.defineProperty(o, t.content, { value: t.id, enumerable: true, writable: true, configurable: true });
    }
    return o;
  }

  /** @internal token string for offset trimming. */
  tokenString(id: number): string {
    return this.idToToken(id) ?? "";
  }

  /** @internal see TokenStrings.tokenIsItsText. */
  tokenIsItsText(id: number): boolean {
    const a = this.addedById.get(id);
    if (a !== undefined && (a.lstrip || a.rstrip)) return true;
    // (the model's unk, also an added token in trained files, when the model put it there; its
    // text is in the byte alphabet behind ByteLevel, "\r" is "č": no whitespace to trim)
    return !this.byteAlphabet && this.model instanceof UnigramModel && id === this.model.unkId;
  }
}

/** Appends the model tokens of piece p to e, with offsets mapped back to the original. */
function pushWithOffsets(p: NStr, out: ModelOutput, e: Enc): void {
  const s = p.s;
  const n = out.ids.length;
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  if (ascii) {
    // byte offsets are unit offsets
    for (let k = 0; k < n; k++) {
      e.ids.push(out.ids[k]!);
      const bs = out.offs[2 * k]!;
      const be = out.offs[2 * k + 1]!;
      if (be <= bs) e.offs.push(p.origStart(0), p.origStart(0));
      else e.offs.push(p.origStart(bs), p.origEnd(be));
    }
    return;
  }
  // byte → unit walk (offsets come in increasing order): the char containing byte b starts at
  // unit `unit` (after the walk), and is `w` bytes, `u` units long
  let unit = 0;
  let byte = 0;
  let u = 1;
  const walkTo = (b: number): void => {
    for (;;) {
      const c = s.charCodeAt(unit);
      const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
      u = w === 4 ? 2 : 1;
      if (b < byte + w) return;
      byte += w;
      unit += u;
    }
  };
  for (let k = 0; k < n; k++) {
    e.ids.push(out.ids[k]!);
    const bs = out.offs[2 * k]!;
    const be = out.offs[2 * k + 1]!;
    if (be <= bs) {
      e.offs.push(p.origStart(0), p.origStart(0));
      continue;
    }
    if (bs < byte) {
      unit = 0;
      byte = 0;
    }
    walkTo(bs);
    const us = unit;
    walkTo(be - 1);
    e.offs.push(p.origStart(us), p.origEnd(unit + u));
  }
}

// ---- post-processors ----

function buildPost(j: Json | null | undefined): PostProcessor | null {
  if (j == null) return null;
  switch (j.type) {
    case "Sequence": {
      const ps = ((j.processors as Json[]) ?? []).map(buildPost).filter((p): p is PostProcessor => p !== null);
      return (e, add, tok, text) => ps.reduce((acc, p) => p(acc, add, tok, text), e);
    }
    case "ByteLevel": {
      const trim = j.trim_offsets !== false;
      const prefix = j.add_prefix_space !== false;
      if (!trim) return null;
      return (e, _add, tok, text) => trimOffsets(e, prefix, tok, text);
    }
    case "TemplateProcessing": {
      const single = (j.single as Json[]) ?? [];
      const specials = (j.special_tokens as Record<string, { ids: number[] }>) ?? {};
      let usesB = false;
      const plan: Array<number[] | "A"> = single.map((item) => {
        if (item.Sequence) {
          if ((item.Sequence as Json).id !== "A") usesB = true;
          return "A";
        }
        const st = item.SpecialToken as Json | undefined;
        if (!st) throw new UnsupportedComponentError(`TemplateProcessing piece ${JSON.stringify(item)}`);
        const sp = specials[String(st.id)];
        if (!sp) throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing uses ${JSON.stringify(st.id)}, missing from special_tokens`);
        return sp.ids;
      });
      return (e, add) => {
        if (usesB) throw singleWithB();
        if (!add) return e;
        const r: Enc = { ids: [], offs: [] };
        // concat copies the packed arrays in bulk, not one push per id;
        // offsets only when the encoding has them (encode without offsets leaves offs empty)
        const ids: number[][] = [];
        const offs: number[][] = [];
        for (const p of plan) {
          ids.push(p === "A" ? e.ids : p);
          offs.push(p === "A" ? e.offs : new Array<number>(2 * p.length).fill(0));
        }
        r.ids = r.ids.concat(...ids);
        if (e.offs.length === 2 * e.ids.length) r.offs = r.offs.concat(...offs);
        return r;
      };
    }
    case "BertProcessing":
    case "RobertaProcessing": {
      const cls = (j.cls as [string, number])[1];
      const sep = (j.sep as [string, number])[1];
      const roberta = j.type === "RobertaProcessing";
      const trim = roberta && j.trim_offsets !== false;
      const prefix = j.add_prefix_space !== false;
      return (e, add, tok, text) => {
        if (trim) e = trimOffsets(e, prefix, tok, text);
        if (!add) return e;
        return { ids: [cls, ...e.ids, sep], offs: [0, 0, ...e.offs, 0, 0] };
      };
    }
    default:
      throw new UnsupportedComponentError(`post-processor ${JSON.stringify(j.type)}`);
  }
}


/**
 * HF's `PreTokenizedString::tokenize_with_limit` (tokenizers 0.23.1+, used whenever truncation is
 * set): splits are tokenized in order (from the end with direction "left"), and once a split the
 * model tokenized (not an added token, whose tokens are already there) brings the count to
 * `limit`, the splits after it are dropped. `e.ends`: see Enc.
 */
function limitSplits(e: Enc, limit: number, direction: "right" | "left"): Enc {
  const ends = e.ends!;
  const endOf = (i: number) => (ends[i]! < 0 ? ~ends[i]! : ends[i]!);
  const n = e.ids.length;
  let a = 0;
  let b = n;
  if (direction === "right") {
    for (let i = 0; i < ends.length; i++) {
      if (ends[i]! >= 0 && ends[i]! >= limit) {
        b = ends[i]!;
        break;
      }
    }
  } else {
    for (let i = ends.length - 1; i >= 0; i--) {
      const start = i === 0 ? 0 : endOf(i - 1);
      if (ends[i]! >= 0 && n - start >= limit) {
        a = start;
        break;
      }
    }
  }
  if (a === 0 && b === n) return e;
  return { ids: e.ids.slice(a, b), offs: e.offs.slice(2 * a, 2 * b) };
}
