// A trained vocabulary: ready to encode (an Encoding), and exportable as a tiktoken rank file
// or a HF tokenizer.json.
//
// Ids: ranks 0..255 are the single bytes in byte order, then each merged token in the order it
// was created (its rank), then the special tokens in the order given. Both exports use these
// ids, so `encode` here, tiktoken on the .tiktoken file and HF on the tokenizer.json give the
// same ids.
//
// Merge list vs ranks: HF's BPE applies the merges by their index in the list; tiktoken merges
// whichever adjacent pair's *concatenated bytes* have the lowest rank. The two agree when every
// token's rank is the index of the merge that made it — true here, since a token's rank is its
// creation order — except for a token that training made by two different merges (HF reuses
// the id when a merge yields bytes that already are a token, see core.ts): tiktoken then
// also joins any other split of those bytes, HF only the listed pairs. `duplicateMerges`
// counts such merges; with 0, every text gets the same ids from both.
import { createEncoding, type LoadOptions } from "../openai/load.js";
import type { Encoding } from "../openai/encoding.js";
import { byteLevelString } from "./byte-level.js";
import { VariantExportError } from "./errors.js";
import { WHOLE_PAT_STR, type TrainPattern } from "./patterns.js";
import { demolish } from "./scaffold.js";
import { applySupermerges, MERGE_PATTERN, pieces } from "./boundless.js";
import { PAIR_SHIFT } from "./core.js";

export interface TrainedTokenizerParts {
  name: string;
  /** Token bytes by rank. */
  tokens: Uint8Array[];
  /** Merges in training order: (left rank, right rank, result rank) triples. */
  merges: Uint32Array;
  mergeCounts: Float64Array;
  specialTokens: string[];
  pattern: TrainPattern;
  loadOptions?: LoadOptions;
  /** Scaffold-BPE: the scaffold tokens' ranks and every token's final frequency. */
  scaffold?: { ids: number[]; tokenFrequencies: Float64Array; reintegrated: number };
  /** BoundlessBPE: the indices (into `merges`) of the supermerges, and their span limit. */
  boundless?: { superMerges: number[]; maxPretokens: number };
}

export class TrainedTokenizer {
  readonly name: string;
  /** Token bytes by rank (ordinary tokens only). */
  readonly tokens: readonly Uint8Array[];
  /** (left, right, result) rank triples in the order training made them. */
  readonly merges: Uint32Array;
  /** How often each merge's pair occurred in the corpus when it was made. */
  readonly mergeCounts: Float64Array;
  /** Special token → id (after all ordinary tokens). */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** The tiktoken pattern string (`pat_str`). */
  readonly patStr: string;
  /** Merges whose result was already a token (see the module comment). */
  readonly duplicateMerges: number;
  /**
   * Scaffold-BPE only (else empty): ranks of the scaffold tokens, in the expanded vocabulary
   * but never in an encode result (see scaffold.ts).
   */
  readonly scaffoldTokens: Uint32Array;
  /** Scaffold-BPE only: each token's frequency in the training corpus as tokenized at the end, by rank. */
  readonly tokenFrequencies: Float64Array | undefined;
  /** Scaffold-BPE only: scaffold tokens that went back into the vocabulary during training. */
  readonly reintegrated: number;
  private readonly pattern: TrainPattern;
  private readonly loadOptions: LoadOptions | undefined;
  private enc: Encoding | undefined;
  private readonly isScaffold: Uint8Array | undefined;
  private readonly parents = new Map<number, readonly [number, number]>();
  /**
   * BoundlessBPE only (else empty): (left, right, result) rank triples of the supermerges, in
   * training order (a subsequence of `merges`).
   */
  readonly superMerges: Uint32Array;
  /**
   * Parity-aware BPE only: the language each merge was chosen for (null: a global merge), in
   * the order of `merges`.
   */
  mergeLanguages: ReadonlyArray<string | null> | undefined;
  private readonly boundless: { maxPretokens: number; rank: Map<number, { rank: number; id: number }> } | undefined;
  private pieceEnc: Encoding | undefined;

  constructor(parts: TrainedTokenizerParts) {
    this.name = parts.name;
    this.tokens = parts.tokens;
    this.merges = parts.merges;
    this.mergeCounts = parts.mergeCounts;
    this.pattern = parts.pattern;
    this.patStr = parts.pattern.patStr;
    this.loadOptions = parts.loadOptions;
    const specials: Record<string, number> = {};
    parts.specialTokens.forEach((t, i) => (specials[t] = parts.tokens.length + i));
    this.specialTokens = specials;
    this.duplicateMerges = parts.merges.length / 3 - (parts.tokens.length - 256);
    this.scaffoldTokens = Uint32Array.from(parts.scaffold?.ids ?? []);
    this.tokenFrequencies = parts.scaffold?.tokenFrequencies;
    this.reintegrated = parts.scaffold?.reintegrated ?? 0;
    const sm = parts.boundless?.superMerges ?? [];
    this.superMerges = new Uint32Array(sm.length * 3);
    if (parts.boundless) {
      const rank = new Map<number, { rank: number; id: number }>();
      sm.forEach((m, i) => {
        const [a, b, id] = [parts.merges[3 * m]!, parts.merges[3 * m + 1]!, parts.merges[3 * m + 2]!];
        this.superMerges.set([a, b, id], 3 * i);
        const key = a * PAIR_SHIFT + b;
        if (!rank.has(key)) rank.set(key, { rank: m, id });
      });
      this.boundless = { maxPretokens: parts.boundless.maxPretokens, rank };
    }
    if (this.scaffoldTokens.length > 0) {
      this.isScaffold = new Uint8Array(parts.tokens.length + parts.specialTokens.length);
      for (const id of this.scaffoldTokens) this.isScaffold[id] = 1;
      const m = parts.merges;
      for (let i = 0; i < m.length; i += 3) {
        if (this.isScaffold[m[i + 2]!] && !this.parents.has(m[i + 2]!)) this.parents.set(m[i + 2]!, [m[i]!, m[i + 1]!]);
      }
    }
  }

  /** Number of ids an encoding can give: ordinary tokens (without scaffold tokens) plus special tokens. */
  get vocabSize(): number {
    return this.tokens.length - this.scaffoldTokens.length + Object.keys(this.specialTokens).length;
  }

  /**
   * The Encoding of this vocabulary (built on first use; the OpenAI patterns get the fast path).
   * A Scaffold-BPE vocabulary has none (an Encoding cannot demolish): use `encode`/`count`, or
   * `expandedEncoding` for plain BPE over the expanded vocabulary.
   * A BoundlessBPE vocabulary neither (an Encoding cannot supermerge).
   * @throws VariantExportError for a Scaffold-BPE or BoundlessBPE vocabulary.
   */
  get encoding(): Encoding {
    this.refuse("an Encoding");
    return this.expandedEncoding;
  }

  /**
   * Plain BPE over every token, scaffold tokens included (their ids appear in its output). The
   * same as `encoding` when there are no scaffold tokens.
   */
  get expandedEncoding(): Encoding {
    this.enc ??= createEncoding(
      {
        name: this.name,
        patStr: this.patStr,
        mergeableRanks: this.tokens.map((t, i) => [t, i] as const),
        specialTokens: { ...this.specialTokens },
      },
      this.loadOptions,
    );
    return this.enc;
  }

  /** A `.tiktoken` rank file: `<base64 bytes> <rank>` per line (special tokens are not in it). */
  toTiktokenFile(): string {
    this.refuse("a .tiktoken file");
    const lines = new Array<string>(this.tokens.length);
    for (let r = 0; r < this.tokens.length; r++) lines[r] = `${base64(this.tokens[r]!)} ${r}`;
    return lines.join("\n") + "\n";
  }

  /**
   * A HF tokenizer.json: byte-level BPE with this vocabulary and merge list, the pattern as a
   * Split pre-tokenizer ("Isolated", as HF's own byte-level trainers are set up), ByteLevel
   * decoding, the special tokens as added tokens.
   */
  toTokenizerJson(): string {
    this.refuse("a tokenizer.json");
    const spell = this.tokens.map(byteLevelString);
    const vocab: Record<string, number> = {};
    spell.forEach((s, i) => (vocab[s] = i));
    const merges: [string, string][] = [];
    for (let i = 0; i < this.merges.length; i += 3) merges.push([spell[this.merges[i]!]!, spell[this.merges[i + 1]!]!]);
    const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false };
    const before =
      this.pattern.hfPreTokenizers ??
      (this.pattern.hfRegex === undefined
        ? []
        : [{ type: "Split", pattern: { Regex: this.pattern.hfRegex }, behavior: "Isolated", invert: false }]);
    const preTokenizer = before.length === 0 ? byteLevel : { type: "Sequence", pretokenizers: [...before, byteLevel] };
    const json = {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: Object.entries(this.specialTokens).map(([content, id]) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: preTokenizer,
      post_processor: null,
      decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: "BPE",
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges,
      },
    };
    return JSON.stringify(json);
  }

  private refuse(target: string): void {
    if (this.isScaffold) throw new VariantExportError("scaffold", target);
    if (this.boundless) throw new VariantExportError("boundless", target);
  }

  /**
   * Token ids of `text` (Encoding.encode's options); Scaffold-BPE: after demolition;
   * BoundlessBPE: after the supermerges.
   */
  encode(text: string, options?: Parameters<Encoding["encode"]>[1]): Uint32Array {
    if (this.boundless) return this.encodeBoundless(text, options);
    const ids = this.expandedEncoding.encode(text, options);
    return this.isScaffold ? demolish(ids, this.isScaffold, this.parents) : ids;
  }

  /** `encode(text, options).length`. */
  count(text: string, options?: Parameters<Encoding["encode"]>[1]): number {
    return this.isScaffold || this.boundless ? this.encode(text, options).length : this.expandedEncoding.count(text, options);
  }

  private encodeBoundless(text: string, options?: Parameters<Encoding["encode"]>[1]): Uint32Array {
    const names = Object.keys(this.specialTokens);
    // Special-token text: the Encoding's rules decide (it throws where it is not allowed).
    if (names.some((n) => text.includes(n))) this.expandedEncoding.encode(text, options);
    const opt = options?.allowedSpecial;
    const allowedSet = opt === undefined || opt === "all" ? undefined : new Set(opt);
    const allowed = opt === "all" ? names : names.filter((n) => allowedSet?.has(n));
    const segments: Array<string | number> = [];
    if (allowed.length === 0) segments.push(text);
    else {
      const re = new RegExp(allowed.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
      let last = 0;
      for (const m of text.matchAll(re)) {
        if (m.index > last) segments.push(text.slice(last, m.index));
        segments.push(this.specialTokens[m[0]]!);
        last = m.index + m[0].length;
      }
      if (last < text.length) segments.push(text.slice(last));
    }
    this.pieceEnc ??= createEncoding(
      { name: `${this.name}-pieces`, patStr: WHOLE_PAT_STR, mergeableRanks: this.tokens.map((t, i) => [t, i] as const), specialTokens: {} },
      this.loadOptions,
    );
    const re = this.pattern.compile();
    const out: number[] = [];
    for (const seg of segments) {
      if (typeof seg === "number") {
        out.push(seg);
        continue;
      }
      const ps = pieces(re, seg);
      const ids = applySupermerges(
        ps.map((p) => this.pieceEnc!.encodeOrdinary(p)),
        ps.map((p) => MERGE_PATTERN.test(p)),
        this.boundless!.rank,
        this.boundless!.maxPretokens,
      );
      for (const id of ids) out.push(id);
    }
    return Uint32Array.from(out);
  }

  decode(ids: ArrayLike<number>): string {
    return this.expandedEncoding.decode(ids);
  }
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}
