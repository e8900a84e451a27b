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
import { checkTokenizerJson } from "./json-checks.js";
import { BpeModel, type BpeOptions } from "./models/bpe.js";
import type { ModelOutput, TokenModel } from "./models/model.js";
import { UnigramModel } from "./models/unigram.js";
import { WordPieceModel } from "./models/wordpiece.js";
import { CodePointPositions, NStr } from "./normalized.js";
import { buildNormalizer, isWhitespace, type Normalizer } from "./normalizers.js";
import { buildPreTokenizer, type PreTokenizer } from "./pretokenizers.js";
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
}

export interface HfDecodeOptions {
  /** Leave out special added tokens. Default false, as in HF. */
  skipSpecialTokens?: boolean;
}

/** The options each method takes: any other key is a mistake (a typo would be ignored). */
const ENCODE_OPTIONS: ReadonlySet<string> = new Set(["addSpecialTokens"]);
const DECODE_OPTIONS: ReadonlySet<string> = new Set(["skipSpecialTokens"]);

/** Throws InvalidArgumentError for a non-object, an unknown key or a non-boolean flag. */
function checkOptions(method: string, options: unknown, known: ReadonlySet<string>): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidArgumentError(`${method}: options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`);
  }
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw new InvalidArgumentError(`${method}: unknown option ${JSON.stringify(k)} (known: ${[...known].join(", ")})`);
    const v = (options as Record<string, unknown>)[k];
    if (v !== undefined && typeof v !== "boolean") throw new InvalidArgumentError(`${method}: option ${k} must be true or false, got ${typeof v}`);
  }
}

export interface EncodingWithOffsets {
  ids: Uint32Array;
  /** [start, end) in UTF-16 code units of the input, two entries per token. */
  offsets: Array<[number, number]>;
}

interface AddedToken {
  id: number;
  content: string;
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
interface Enc {
  ids: number[];
  offs: number[];
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

class AddedMatcher {
  private readonly re: RegExp | null;
  private readonly byContent = new Map<string, AddedToken>();
  constructor(tokens: AddedToken[]) {
    const uniq = [...new Set(tokens.map((t) => t.content))].filter((c) => c.length > 0);
    for (const t of tokens) if (!this.byContent.has(t.content)) this.byContent.set(t.content, t);
    // Leftmost-longest (HF's aho-corasick MatchKind::LeftmostLongest): JS alternation is
    // leftmost-first, so list longer contents first.
    uniq.sort((a, b) => b.length - a.length);
    this.re = uniq.length ? new RegExp(uniq.map(escapeRe).join("|"), "gu") : null;
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
  private readonly post: PostProcessor | null;
  private readonly decoder: Decoder | null;
  private readonly added: AddedToken[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly rawMatcher: AddedMatcher;
  private readonly normMatcher: AddedMatcher;
  private readonly hasNormAdded: boolean;
  private readonly wasm: HfWasmBpe | null = null;
  private readonly onPiece: PieceSink;
  private readonly onFixed: FixedSink;
  private curEnc: Enc | null = null;
  /** Something besides offsets reads alignments (Metaspace prepend_scheme "first"). */
  private readonly alignDependent: boolean;
  /** Core scanner that replaces normalizer + pre-tokenizer when no offsets are wanted, or -1. */
  private readonly scanner: number = -1;

  constructor(json: Json, opts: TokenizerJsonOptions = {}) {
    const m = checkTokenizerJson(json);
    const type = (m.type as string | undefined) ?? (m.merges ? "BPE" : Array.isArray(m.vocab) ? "Unigram" : "WordPiece");
    this.modelType = type;
    if (type === "BPE") this.model = new BpeModel(m, opts);
    else if (type === "WordPiece") this.model = new WordPieceModel(m);
    else if (type === "Unigram") this.model = new UnigramModel(m);
    else throw new UnsupportedComponentError(`model ${JSON.stringify(type)}`);
    for (const key of ["truncation", "padding"]) {
      if (json[key] != null) throw new UnsupportedComponentError(key, "encode one sequence without it, or set it to null");
    }
    this.normalizer = buildNormalizer(json.normalizer as Json | null);
    const pre = buildPreTokenizer(json.pre_tokenizer as Json | null);
    this.preTokenizer = splitNeverMatches(json) ? null : pre.run;
    this.byteLevel = pre.byteLevel;
    this.post = buildPost(json.post_processor as Json | null);
    this.decoder = buildDecoder(json.decoder as Json | null);
    if (this.model instanceof BpeModel && !this.byteLevel) this.model.useWordSegments(spaceMarker(json));
    if (this.model instanceof BpeModel && wantsWasm(opts)) {
      const blob = serializeBpe(this.model, this.byteLevel);
      if (blob !== null) {
        this.wasm = new HfWasmBpe(opts.wasmModule ?? compileHfWasmSync(), blob);
        this.scanner = this.byteLevel ? scannerFor(json) : -1;
      }
    }
    this.onPiece = (p, out) => pushWithOffsets(p, out, this.curEnc!);
    this.onFixed = (p, id) => {
      this.curEnc!.ids.push(id);
      this.curEnc!.offs.push(p.origStart(0), p.origEnd(p.length));
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
    // HF's tries: special tokens first, then the others; partitioned on `normalized`.
    const ordered = [...this.added.filter((t) => t.special), ...this.added.filter((t) => !t.special)];
    this.rawMatcher = new AddedMatcher(ordered.filter((t) => !t.normalized));
    const normed = ordered
      .filter((t) => t.normalized)
      .map((t) => {
        if (!this.normalizer) return t;
        const n = NStr.of(t.content);
        this.normalizer(n);
        return { ...t, content: n.s };
      });
    this.normMatcher = new AddedMatcher(normed);
    this.hasNormAdded = normed.length > 0;
  }

  /** Where the model runs: "wasm" (merge-list BPE in the WebAssembly core) or "js". */
  get engine(): "wasm" | "js" {
    return this.wasm !== null ? "wasm" : "js";
  }

  // ---- encode ----

  private run(text: string, addSpecial: boolean, wantOffsets = true): Enc {
    if (typeof text !== "string") throw new InvalidArgumentError(`encode: expected a string, got ${text === null ? "null" : typeof text}`);
    // Lone surrogates become U+FFFD (same length), as they do on their way into HF's Rust strings.
    text = toWellFormed(text);
    const e: Enc = { ids: [], offs: [] };
    // 1. added tokens on the original text, 2. normalize the rest and match normalized ones.
    const splits: Split[] = [];
    for (const [id, a, b] of this.rawMatcher.find(text)) {
      if (b <= a && id < 0) continue;
      const n = NStr.of(text.slice(a, b), a, wantOffsets || this.alignDependent);
      if (id >= 0) {
        splits.push({ n, id });
        continue;
      }
      if (this.normalizer) this.normalizer(n);
      if (!this.hasNormAdded) {
        if (n.length > 0) splits.push({ n, id: -1 });
        continue;
      }
      for (const [id2, c, d] of this.normMatcher.find(n.s)) {
        if (d > c) splits.push({ n: n.slice(c, d), id: id2 });
      }
    }
    const out: ModelOutput = { ids: [], offs: [] };
    const scanned = !wantOffsets && this.scanner >= 0;
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
      } else this.wasm.encodePieces(pieces, e.ids, undefined, fixed);
      return this.post ? this.post(e, addSpecial, this, text) : e;
    }
    const pieces: NStr[] = [];
    for (const sp of splits) {
      if (sp.id >= 0) {
        e.ids.push(sp.id);
        e.offs.push(sp.n.origStart(0), sp.n.origEnd(sp.n.length));
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
      }
    }
    return this.post ? this.post(e, addSpecial, this, text) : e;
  }

  /**
   * Token ids of `text`, as HF `tokenizer.encode(text).ids`.
   * @example tok.encode("Hello world") // Llama 3: [128000, 9906, 1917]
   */
  encode(text: string, options?: HfEncodeOptions): Uint32Array {
    checkOptions("encode", options, ENCODE_OPTIONS);
    return Uint32Array.from(this.run(text, options?.addSpecialTokens !== false, false).ids);
  }

  /** Number of tokens `encode(text, options)` returns. */
  count(text: string, options?: HfEncodeOptions): number {
    checkOptions("count", options, ENCODE_OPTIONS);
    return this.run(text, options?.addSpecialTokens !== false, false).ids.length;
  }

  /** Ids and UTF-16 [start, end) offsets per token (special tokens added by the post-processor get [0, 0]). */
  encodeWithOffsets(text: string, options?: HfEncodeOptions): EncodingWithOffsets {
    checkOptions("encodeWithOffsets", options, ENCODE_OPTIONS);
    const e = this.run(text, options?.addSpecialTokens !== false);
    const offsets: Array<[number, number]> = [];
    for (let k = 0; k < e.ids.length; k++) offsets.push([e.offs[2 * k]!, e.offs[2 * k + 1]!]);
    return { ids: Uint32Array.from(e.ids), offsets };
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
      const t = a ? a.content : this.model.idToToken(id);
      if (t === undefined) throw new InvalidTokenIdError(id, i, this.vocabSize);
      if (skip && this.addedByContent.get(t)?.special) continue;
      tokens.push(t);
    }
    if (!this.decoder) return tokens.join(" ");
    return this.decoder(tokens).join("");
  }

  /** The token string of an id (in the model's alphabet: `Ġ`, `▁`, `##` ...). */
  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.model.idToToken(id);
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
      if (this.byteLevel) {
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
}

/** Appends the model tokens of piece p to e, with offsets mapped back to the original. */
function pushWithOffsets(p: NStr, out: ModelOutput, e: Enc): void {
  const s = p.s;
  // byte → unit walk (offsets come in increasing order)
  let unit = 0;
  let byte = 0;
  const charAt = (b: number): [number, number] => {
    // start unit and end unit of the char containing byte b
    while (true) {
      const c = s.charCodeAt(unit);
      const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
      const u = w === 4 ? 2 : 1;
      if (b < byte + w) return [unit, unit + u];
      byte += w;
      unit += u;
    }
  };
  for (let k = 0; k < out.ids.length; k++) {
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
    const [us] = charAt(bs);
    const [, ue] = charAt(be - 1);
    e.offs.push(p.origStart(us), p.origEnd(ue));
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
      const plan: Array<number[] | "A"> = single.map((item) => {
        if (item.Sequence) {
          if ((item.Sequence as Json).id !== "A") throw new UnsupportedComponentError("TemplateProcessing single template with sequence B");
          return "A";
        }
        const st = item.SpecialToken as Json | undefined;
        if (!st) throw new UnsupportedComponentError(`TemplateProcessing piece ${JSON.stringify(item)}`);
        const sp = specials[String(st.id)];
        if (!sp) throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing uses ${JSON.stringify(st.id)}, missing from special_tokens`);
        return sp.ids;
      });
      return (e, add) => {
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

const G_SPACE = BYTE_TO_CHAR[0x20]!;

/**
 * HF `process_offsets` (byte_level.rs): trim offsets of leading/trailing (byte-level) spaces.
 * HF counts the spaces in chars of the token string and moves the offsets, which are char (code
 * point) offsets at that stage, by that many code points.
 */
function trimOffsets(e: Enc, addPrefixSpace: boolean, tok: HfTokenizer, text: string): Enc {
  if (e.offs.length !== 2 * e.ids.length) return e; // encode without offsets
  const offs = e.offs.slice();
  const pos = new CodePointPositions(text);
  for (let k = 0; k < e.ids.length; k++) {
    const chars = [...tok.tokenString(e.ids[k]!)];
    const sp = (c: string) => c === G_SPACE || isWhitespace(c.codePointAt(0)!);
    let lead = 0;
    while (lead < chars.length && sp(chars[lead]!)) lead++;
    let trail = 0;
    while (trail < chars.length && sp(chars[chars.length - 1 - trail]!)) trail++;
    if (lead === 0 && trail === 0) continue;
    const s0 = offs[2 * k]!;
    let s = pos.toCodePoint(s0);
    let t = pos.toCodePoint(offs[2 * k + 1]!);
    if (lead > 0) {
      const isFirst = k === 0 || s0 === 0;
      if (isFirst && addPrefixSpace && lead === 1) lead = 0;
      s = Math.min(s + lead, t);
    }
    if (trail > 0 && t >= trail) t = Math.max(t - trail, s);
    offs[2 * k] = pos.toUnit(s);
    offs[2 * k + 1] = pos.toUnit(t);
  }
  return { ids: e.ids, offs };
}
