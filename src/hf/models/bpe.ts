/**
 * HuggingFace's merge-list BPE (tokenizers/src/models/bpe/{model,word}.rs), exactly:
 * - merges are ordered pairs of symbols; a pair's priority is its index in the list (a later
 *   duplicate overrides an earlier one, as HF's HashMap collect does); the merge result is
 *   `vocab[a + b]` (minus the continuing-subword prefix of b);
 * - a word starts as one symbol per char (per byte when the pre-tokenizer is ByteLevel), with
 *   `continuing_subword_prefix` on non-initial and `end_of_word_suffix` on the last symbol,
 *   `byte_fallback` (`<0xXX>` per UTF-8 byte) and `unk_token` / `fuse_unk` for unknown chars;
 * - the merge loop always applies the adjacent pair of lowest (rank, position), which is what
 *   HF's heap (`Word::merge_all`, min on rank then pos, stale entries skipped) computes. Short
 *   words use a linear scan, long ones a binary heap (O(n log n)); with `dropout` the heap runs
 *   HF's skip/re-insert protocol with a seeded PRNG.
 * This is NOT rank-over-bytes (tiktoken): a pair missing from the list never merges even if its
 * concatenation is a token (ALGORITHMS.md §1).
 */
import { InvalidArgumentError, TokenizerJsonError } from "../../errors.js";
import { checkBpeFields, vocabMap } from "../json-checks.js";
import { BYTE_TO_CHAR } from "../byte-level.js";
import { mulberry32 } from "../../shared/prng.js";
import { PairMap } from "./pair-map.js";
import { utf8Len, type ModelOutput, type TokenModel } from "./model.js";


type Json = Record<string, unknown>;

const enc = new TextEncoder();

export interface BpeOptions {
  /** Seed of the dropout PRNG (only used when the model has `dropout`). */
  dropoutSeed?: number;
}

const CACHE_MAX = 50_000;
const SCAN_MAX = 24;

/**
 * Word segments: SentencePiece-style pipelines (Llama 2, Gemma 3) have no pre-tokenizer split,
 * so the whole text (or line) is one word, with every space replaced by a marker M ("▁").
 * Such a word can be cut before an M and the segments merged one by one, with the same result.
 *
 * Let L = the last chars of every `a` in a merge (a, b) where b starts with M and a does not
 * end with M (Llama 2: none; Gemma 3: ">", for ">" + "▁</"). The symbol just before a cut
 * before M ends with a known char: x itself when x (the char before M) is a single-char token;
 * when x has no token, a byte-fallback token "<0xXX>" (ends with ">") or the unk token (a
 * pending unk is flushed at a cut exactly as it is flushed by the known M). A cut is made when
 * that last char c is neither M nor in L:
 *   - x known: c = x;
 *   - x unknown: only with an unk token (without one, x is dropped and the symbol before the
 *     cut is whatever precedes x, maybe M), and when neither ">" (with byte_fallback) nor the
 *     unk token's last char is M or in L (`cutAfterUnknown`).
 * Also required: M is a single-char token, no dropout (its PRNG draws follow the order of the
 * heap pops, which segments change), no ignore_merges (it looks up the whole word), no
 * continuing_subword_prefix / end_of_word_suffix (they depend on the position in the word).
 *
 * Proof. A merged symbol's string is the concatenation of its parts' strings (its id is
 * vocab[a + b]), so a symbol ending at a cut ends with c and one starting there starts with
 * M; no merge (a, b) has a ending with c ∉ L ∪ {M} and b starting with M, so no pair across a
 * cut ever merges and, by induction over the merge loop, every symbol stays within its
 * segment. The loop always applies the pair of lowest (rank, position); a merge in one segment
 * neither creates nor removes pairs in another, so each segment goes through exactly the
 * merges it would alone (whenever the global lowest pair lies in it, it is its own lowest, and
 * positions keep their order within it). The result is the concatenation of the segments'.
 * Segments are short ("▁word"), hit the per-word caches and take the min-scan path.
 */
const NO_SPLIT_MAX = 64;

export interface WordSegments {
  /** The marker's code point. */
  marker: number;
  /** The set L: known chars x after which a marker is not a cut. */
  noSplitAfter: Set<number>;
  /** Whether a marker after a char without a token is a cut. */
  cutAfterUnknown: boolean;
}

export class BpeModel implements TokenModel {
  readonly vocab: Map<string, number>;
  readonly vocabR: string[];
  /** (a, b, newId) per merge, in rank order (the WASM core builds its table from these). */
  readonly mergeTriples: Uint32Array;
  private pairMap: PairMap | null = null;
  readonly unkToken: string | null;
  readonly prefix: string | null;
  readonly suffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  readonly dropout: number;
  private readonly rand: () => number;
  private readonly byteIds: Int32Array;
  private readonly fallbackIds: Int32Array;
  private readonly cache = new Map<string, { ids: number[]; lens: number[] }>();
  readonly vocabSize: number;
  /** Set by useWordSegments when the vocab allows it (see WordSegments). */
  segments: WordSegments | null = null;

  constructor(j: Json, opts: BpeOptions = {}) {
    checkBpeFields(j);
    const vocab = vocabMap(j.vocab, "model.vocab");
    const vocabR: string[] = [];
    for (const [tok, id] of vocab) vocabR[id] = tok;
    this.vocab = vocab;
    this.vocabR = vocabR;
    this.vocabSize = this.vocab.size;
    this.unkToken = (j.unk_token as string | null) ?? null;
    this.prefix = (j.continuing_subword_prefix as string | null) ?? null;
    this.suffix = (j.end_of_word_suffix as string | null) ?? null;
    if (this.prefix === "") this.prefix = null;
    if (this.suffix === "") this.suffix = null;
    this.fuseUnk = j.fuse_unk === true;
    this.byteFallback = j.byte_fallback === true;
    this.ignoreMerges = j.ignore_merges === true;
    const d = j.dropout as number | null | undefined;
    if (d != null && !(d >= 0 && d <= 1)) throw new InvalidArgumentError(`tokenizer.json: BPE dropout must be in [0, 1], got ${d}`);
    this.dropout = d ?? 0;
    this.rand = mulberry32(opts.dropoutSeed ?? 0x5eed);

    const mergesJ = (j.merges as unknown[]) ?? [];
    const triples = new Uint32Array(mergesJ.length * 3);
    const prefixLen = this.prefix?.length ?? 0;
    for (let r = 0; r < mergesJ.length; r++) {
      const m = mergesJ[r];
      let a: string;
      let b: string;
      if (typeof m === "string") {
        // indexOf + substring, not split + destructuring: 2.4x faster over Llama 3's 280 K merges
        const sp = m.indexOf(" ");
        if (sp < 0 || m.indexOf(" ", sp + 1) >= 0) throw new TokenizerJsonError(`model.merges[${r}]`, `bad merge ${JSON.stringify(m)} at index ${r}: expected "a b" or ["a", "b"]`);
        a = m.substring(0, sp);
        b = m.substring(sp + 1);
      } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === "string" && typeof m[1] === "string") {
        [a, b] = m as [string, string];
      } else throw new TokenizerJsonError(`model.merges[${r}]`, `bad merge ${JSON.stringify(m) ?? String(m)} at index ${r}: expected "a b" or ["a", "b"]`);
      const ia = this.vocab.get(a);
      const ib = this.vocab.get(b);
      const ic = this.vocab.get(a + b.slice(prefixLen));
      if (ia === undefined || ib === undefined || ic === undefined) {
        const missing = ia === undefined ? a : ib === undefined ? b : a + b.slice(prefixLen);
        throw new InvalidArgumentError(`tokenizer.json: merge ${r} (${JSON.stringify(a)}, ${JSON.stringify(b)}) uses ${JSON.stringify(missing)}, which is not in the vocab`);
      }
      triples[3 * r] = ia;
      triples[3 * r + 1] = ib;
      triples[3 * r + 2] = ic;
    }
    this.mergeTriples = triples;

    this.byteIds = new Int32Array(256).fill(-1);
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.vocab.get(BYTE_TO_CHAR[b]!) ?? -1;
    this.fallbackIds = new Int32Array(256).fill(-1);
    if (this.byteFallback) {
      for (let b = 0; b < 256; b++) {
        this.fallbackIds[b] = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? -1;
      }
    }
  }

  /** The merge table of the TS merge loop, built on first use (the WASM engine has its own). */
  private get merges(): PairMap {
    if (this.pairMap === null) {
      const t = this.mergeTriples;
      const m = new PairMap(t.length / 3);
      for (let r = 0; r < t.length / 3; r++) m.set(t[3 * r]!, t[3 * r + 1]!, r, t[3 * r + 2]!);
      this.pairMap = m;
    }
    return this.pairMap;
  }

  /** Id of each byte's ByteLevel char (-1 if missing) and of each `<0xXX>` (-1 if missing). */
  get byteTables(): { byteIds: Int32Array; fallbackIds: Int32Array } {
    return { byteIds: this.byteIds, fallbackIds: this.fallbackIds };
  }

  /**
   * Cuts words before `marker` (see WordSegments) when this model allows it; returns whether
   * it does. Only for char-level words (not ByteLevel: those have a pre-tokenizer already).
   */
  useWordSegments(marker: string): boolean {
    this.segments = null;
    const m = marker.codePointAt(0);
    if (m === undefined || marker.length !== (m > 0xffff ? 2 : 1) || !this.vocab.has(marker)) return false;
    if (this.dropout > 0 || this.ignoreMerges || this.prefix !== null || this.suffix !== null) return false;
    const noSplitAfter = new Set<number>();
    const t = this.mergeTriples;
    const v = this.vocabR;
    for (let r = 0; r < t.length; r += 3) {
      const b = v[t[r + 1]!]!;
      if (b.codePointAt(0) !== m) continue;
      const a = v[t[r]!]!;
      if (a.endsWith(marker)) continue;
      noSplitAfter.add(lastCodePoint(a));
    }
    if (noSplitAfter.size > NO_SPLIT_MAX) return false; // the core checks them one by one
    const lastOk = (t: string) => lastCodePoint(t) !== m && !noSplitAfter.has(lastCodePoint(t));
    const unk = this.unkToken;
    const cutAfterUnknown = unk !== null && unk.length > 0 && this.vocab.has(unk) && lastOk(unk) && (!this.byteFallback || lastOk(">"));
    this.segments = { marker: m, noSplitAfter, cutAfterUnknown };
    return true;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }

  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void {
    if (piece.length === 0) return;
    const seg = byteLevel ? null : this.segments;
    if (seg === null) {
      const from = out.offs.length;
      this.tokenizeWord(piece, byteLevel, out, 0);
      if (byteLevel) byteLevelToPieceBytes(piece, out.offs, from);
      return;
    }
    // cut before each marker that follows a char other than the marker (WordSegments)
    const m = seg.marker;
    let start = 0;
    let base = 0;
    let prev = -1;
    for (let i = 0; i < piece.length; ) {
      const c = piece.codePointAt(i)!;
      const w = c > 0xffff ? 2 : 1;
      if (c === m && prev >= 0 && prev !== m && !seg.noSplitAfter.has(prev) && (seg.cutAfterUnknown || this.vocab.has(String.fromCodePoint(prev)))) {
        // offsets go on from the end of the last token, not of the segment: HF counts
        // positions in symbol lengths, and a char dropped for want of an unk token has none
        base = this.tokenizeWord(piece.slice(start, i), false, out, base);
        start = i;
      }
      prev = c;
      i += w;
    }
    this.tokenizeWord(start === 0 ? piece : piece.slice(start), false, out, base);
  }

  /** One word (or segment) whose tokens start at byte `base`; returns where they end. */
  private tokenizeWord(piece: string, byteLevel: boolean, out: ModelOutput, base: number): number {
    const cacheable = this.dropout === 0;
    if (cacheable) {
      const hit = this.cache.get(piece);
      if (hit !== undefined) return emit(hit, out, base);
    }
    const ids: number[] = [];
    const lens: number[] = [];
    this.initialSymbols(piece, byteLevel, ids, lens);
    if (ids.length > 1) {
      if (this.dropout > 0) this.mergeHeap(ids, lens, true);
      else if (ids.length <= SCAN_MAX) this.mergeScan(ids, lens);
      else this.mergeHeap(ids, lens, false);
    }
    const res = { ids, lens };
    if (cacheable) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(piece, res);
    }
    return emit(res, out, base);
  }

  /** HF `merge_word` up to the merge loop; ignore_merges handled first. */
  private initialSymbols(piece: string, byteLevel: boolean, ids: number[], lens: number[]): void {
    if (byteLevel) {
      const bytes = enc.encode(piece);
      // lengths in bytes of the byte-alphabet word's UTF-8, as HF counts them (its word is that
      // string): they differ from the piece's bytes where a char is dropped or falls back to
      // <0xXX> bytes; byteLevelToPieceBytes maps the offsets back
      if (this.ignoreMerges) {
        let s = "";
        for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]!];
        const id = this.vocab.get(s);
        if (id !== undefined) {
          ids.push(id);
          lens.push(utf8Len(s));
          return;
        }
      }
      if (this.prefix === null && this.suffix === null) {
        let ok = true;
        for (let i = 0; i < bytes.length; i++) {
          const id = this.byteIds[bytes[i]!]!;
          if (id < 0) {
            ok = false;
            break;
          }
          ids.push(id);
          lens.push(byteCharLen(bytes[i]!));
        }
        if (ok) return;
        ids.length = 0;
        lens.length = 0;
      }
      const chars: string[] = [];
      const charLens: number[] = [];
      for (let i = 0; i < bytes.length; i++) {
        chars.push(BYTE_TO_CHAR[bytes[i]!]!);
        charLens.push(byteCharLen(bytes[i]!));
      }
      this.symbolsOf(chars, charLens, ids, lens);
      return;
    }
    if (this.ignoreMerges) {
      const id = this.vocab.get(piece);
      if (id !== undefined) {
        ids.push(id);
        lens.push(utf8Len(piece));
        return;
      }
    }
    const chars = [...piece];
    this.symbolsOf(chars, chars.map((ch) => utf8Len(ch)), ids, lens);
  }

  private symbolsOf(chars: string[], byteLens: number[], ids: number[], lens: number[]): void {
    let unkId = -1;
    let unkLen = 0;
    const n = chars.length;
    for (let k = 0; k < n; k++) {
      let s = chars[k]!;
      const byteLen = byteLens[k]!;
      if (k > 0 && this.prefix !== null) s = this.prefix + s;
      if (k === n - 1 && this.suffix !== null) s = s + this.suffix;
      const id = this.vocab.get(s);
      if (id !== undefined) {
        if (unkId >= 0) {
          ids.push(unkId);
          lens.push(unkLen);
          unkId = -1;
        }
        ids.push(id);
        lens.push(byteLen);
        continue;
      }
      if (this.byteFallback) {
        const bytes = enc.encode(s);
        let all = true;
        for (let i = 0; i < bytes.length; i++) if (this.fallbackIds[bytes[i]!]! < 0) all = false;
        if (all) {
          // As in HF, a pending unk is not flushed here (it is added after these bytes).
          for (let i = 0; i < bytes.length; i++) {
            ids.push(this.fallbackIds[bytes[i]!]!);
            lens.push(1);
          }
          continue;
        }
      }
      if (this.unkToken !== null) {
        const u = this.vocab.get(this.unkToken);
        if (u === undefined) throw new InvalidArgumentError(`tokenizer.json: unk_token ${JSON.stringify(this.unkToken)} is not in the vocab`);
        if (unkId >= 0 && this.fuseUnk) {
          unkLen += byteLen;
        } else {
          if (unkId >= 0) {
            ids.push(unkId);
            lens.push(unkLen);
          }
          unkId = u;
          unkLen = byteLen;
        }
      }
      // no unk token: the char is dropped, as in HF
    }
    if (unkId >= 0) {
      ids.push(unkId);
      lens.push(unkLen);
    }
  }

  /** Lowest (rank, pos) adjacent pair first, by linear scan; ids/lens compacted in place. */
  private mergeScan(ids: number[], lens: number[]): void {
    const m = this.merges;
    let n = ids.length;
    for (;;) {
      let best = -1;
      let bestRank = 0x7fffffff;
      let bestId = 0;
      for (let i = 0; i + 1 < n; i++) {
        const slot = m.find(ids[i]!, ids[i + 1]!);
        if (slot >= 0) {
          const r = m.rankAt(slot);
          if (r < bestRank) {
            bestRank = r;
            best = i;
            bestId = m.idAt(slot);
          }
        }
      }
      if (best < 0) break;
      ids[best] = bestId;
      lens[best] = lens[best]! + lens[best + 1]!;
      ids.splice(best + 1, 1);
      lens.splice(best + 1, 1);
      n--;
    }
  }

  /** HF `Word::merge_all` with a binary min-heap on (rank, pos). */
  private mergeHeap(ids: number[], lens: number[], dropout: boolean): void {
    const n = ids.length;
    const m = this.merges;
    const c = Int32Array.from(ids);
    const len = Int32Array.from(lens);
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    // heap entries: rank, pos, newId in parallel arrays
    let hr = new Int32Array(n);
    let hp = new Int32Array(n);
    let hi = new Int32Array(n);
    let size = 0;
    const less = (a: number, b: number): boolean => hr[a]! < hr[b]! || (hr[a] === hr[b] && hp[a]! < hp[b]!);
    const swap = (a: number, b: number): void => {
      let t = hr[a]!;
      hr[a] = hr[b]!;
      hr[b] = t;
      t = hp[a]!;
      hp[a] = hp[b]!;
      hp[b] = t;
      t = hi[a]!;
      hi[a] = hi[b]!;
      hi[b] = t;
    };
    const push = (rank: number, pos: number, id: number): void => {
      if (size === hr.length) {
        const grow = (x: Int32Array) => {
          const y = new Int32Array(x.length * 2 + 4);
          y.set(x);
          return y;
        };
        hr = grow(hr);
        hp = grow(hp);
        hi = grow(hi);
      }
      let k = size++;
      hr[k] = rank;
      hp[k] = pos;
      hi[k] = id;
      while (k > 0) {
        const p = (k - 1) >> 1;
        if (!less(k, p)) break;
        swap(k, p);
        k = p;
      }
    };
    const pop = (): [number, number, number] => {
      const top: [number, number, number] = [hr[0]!, hp[0]!, hi[0]!];
      size--;
      if (size > 0) {
        hr[0] = hr[size]!;
        hp[0] = hp[size]!;
        hi[0] = hi[size]!;
        let k = 0;
        for (;;) {
          const l = 2 * k + 1;
          if (l >= size) break;
          const r = l + 1;
          const s = r < size && less(r, l) ? r : l;
          if (!less(s, k)) break;
          swap(s, k);
          k = s;
        }
      }
      return top;
    };
    for (let i = 0; i + 1 < n; i++) {
      const slot = m.find(c[i]!, c[i + 1]!);
      if (slot >= 0) push(m.rankAt(slot), i, m.idAt(slot));
    }
    const skip: Array<[number, number, number]> = [];
    while (size > 0) {
      const [rank, pos, newId] = pop();
      if (dropout && this.rand() < this.dropout) {
        skip.push([rank, pos, newId]);
        continue;
      }
      for (const s of skip) push(s[0], s[1], s[2]);
      skip.length = 0;
      if (len[pos] === 0) continue;
      const nx = next[pos]!;
      if (nx === -1) continue;
      const slot = m.find(c[pos]!, c[nx]!);
      if (slot < 0 || m.idAt(slot) !== newId) continue;
      void rank;
      c[pos] = newId;
      len[pos] = len[pos]! + len[nx]!;
      next[pos] = next[nx]!;
      len[nx] = 0;
      const nn = next[pos]!;
      if (nn !== -1) prev[nn] = pos;
      const pv = prev[pos]!;
      if (pv >= 0) {
        const s2 = m.find(c[pv]!, c[pos]!);
        if (s2 >= 0) push(m.rankAt(s2), pv, m.idAt(s2));
      }
      if (nn !== -1) {
        const s3 = m.find(c[pos]!, c[nn]!);
        if (s3 >= 0) push(m.rankAt(s3), pos, m.idAt(s3));
      }
    }
    ids.length = 0;
    lens.length = 0;
    for (let i = 0; i < n; i++) {
      if (len[i] !== 0) {
        ids.push(c[i]!);
        lens.push(len[i]!);
      }
    }
  }
}

function lastCodePoint(t: string): number {
  const lo = t.charCodeAt(t.length - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && t.length >= 2 ? t.codePointAt(t.length - 2)! : lo;
}

/** Appends r's tokens with byte offsets from `base`; returns the end of the last one. */
/** UTF-8 length of byte b's char in GPT-2's byte alphabet (printable ASCII 1, the rest 2). */
function byteCharLen(b: number): number {
  return b >= 0x21 && b <= 0x7e ? 1 : 2;
}

/**
 * Offsets offs[from..] of a byte-level word's tokens, in bytes of its byte-alphabet string's
 * UTF-8 (HF's units), moved to bytes of the piece (one per byte-alphabet char): a start inside
 * a char goes to that char, an end inside a char to its end. Ends past the word (HF lets a
 * fallback of a suffix run on) stop at the piece's end.
 */
function byteLevelToPieceBytes(piece: string, offs: number[], from: number): void {
  let plain = true;
  for (let i = 0; i < piece.length && plain; i++) {
    const c = piece.charCodeAt(i);
    plain = c >= 0x21 && c <= 0x7e;
  }
  if (plain || offs.length === from) return;
  const bytes = enc.encode(piece);
  // norm[k]: where byte k's char starts in the byte-alphabet UTF-8
  const norm = new Int32Array(bytes.length + 1);
  for (let k = 0; k < bytes.length; k++) norm[k + 1] = norm[k]! + byteCharLen(bytes[k]!);
  const total = norm[bytes.length]!;
  let k = 0;
  for (let j = from; j < offs.length; j += 2) {
    const a = Math.min(offs[j]!, total);
    const b = Math.min(offs[j + 1]!, total);
    if (norm[k]! > a) k = 0;
    while (norm[k + 1]! <= a && k < bytes.length) k++;
    offs[j] = k;
    let e = k;
    while (e < bytes.length && norm[e]! < b) e++;
    offs[j + 1] = e;
  }
}

function emit(r: { ids: number[]; lens: number[] }, out: ModelOutput, base: number): number {
  let pos = base;
  const { ids, lens } = r;
  for (let k = 0; k < ids.length; k++) {
    out.ids.push(ids[k]!);
    out.offs.push(pos, (pos += lens[k]!));
  }
  return pos;
}
