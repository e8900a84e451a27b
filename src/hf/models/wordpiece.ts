/** HF's WordPiece model (tokenizers/src/models/wordpiece/mod.rs): greedy longest-match-first. */
import { InvalidArgumentError } from "../../errors.js";
import { checkWordPieceFields, vocabMap } from "../json-checks.js";
import { utf8Len, type ModelOutput, type TokenModel } from "./model.js";
import { tokenizeByteLevelWord } from "./byte-level-word.js";

type Json = Record<string, unknown>;

export class WordPieceModel implements TokenModel {
  private readonly vocab: Map<string, number>;
  private readonly vocabR: string[] = [];
  private readonly unk: string;
  private readonly prefix: string;
  private readonly maxChars: number;
  /**
   * By first UTF-16 unit: the longest vocab entry that starts with it, and the longest
   * `prefix`-entry (without its prefix) that does, in units (capped at 255: then 255 means
   * "any"). No longer sub-word can match, so the search for one starts no further out.
   */
  private readonly maxLen = new Uint8Array(0x10000);
  private readonly maxContLen = new Uint8Array(0x10000);
  /**
   * Words seen before → their ids and byte offsets, flat (WordPiece is a pure function of the
   * word; prose repeats words). Words up to CACHE_WORD units, cleared when full (bounded).
   */
  private readonly cache = new Map<string, { ids: number[]; offs: number[] }>();
  readonly vocabSize: number;

  constructor(j: Json) {
    checkWordPieceFields(j);
    this.vocab = vocabMap(j.vocab, "model.vocab");
    for (const [t, id] of this.vocab) this.vocabR[id] = t;
    this.vocabSize = this.vocab.size;
    this.unk = String(j.unk_token ?? "[UNK]");
    this.prefix = String(j.continuing_subword_prefix ?? "##");
    this.maxChars = Number(j.max_input_chars_per_word ?? 100);
    const note = (table: Uint8Array, t: string) => {
      if (t.length === 0) return;
      const u = t.charCodeAt(0);
      table[u] = Math.max(table[u]!, Math.min(t.length, 255));
    };
    for (const t of this.vocab.keys()) {
      note(this.maxLen, t);
      if (t.startsWith(this.prefix)) note(this.maxContLen, t.slice(this.prefix.length));
    }
  }

  tokenToId(t: string): number | undefined {
    return this.vocab.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }

  private unkOut(piece: string, out: ModelOutput): void {
    const id = this.vocab.get(this.unk);
    if (id === undefined) throw new InvalidArgumentError(`tokenizer.json: WordPiece unk_token ${JSON.stringify(this.unk)} is not in the vocab`);
    out.ids.push(id);
    out.offs.push(0, utf8Len(piece));
  }

  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void {
    if (byteLevel) return tokenizeByteLevelWord(piece, out, (w, o) => this.tokenize(w, false, o));
    const hit = this.cache.get(piece);
    if (hit !== undefined) {
      for (let k = 0; k < hit.ids.length; k++) out.ids.push(hit.ids[k]!);
      for (let k = 0; k < hit.offs.length; k++) out.offs.push(hit.offs[k]!);
      return;
    }
    // code points > maxChars (a string has at least length / 2 of them, at most length)
    if (piece.length > this.maxChars && (piece.length > 2 * this.maxChars || [...piece].length > this.maxChars)) return this.unkOut(piece, out);
    const ids: number[] = [];
    const offs: number[] = [];
    let start = 0;
    let bstart = 0;
    while (start < piece.length) {
      // HF tries every end from the word's end down; ends past the longest vocab entry cannot
      // match, so the search starts there (on a code point boundary: the text is well-formed)
      const cap = (start > 0 ? this.maxContLen : this.maxLen)[piece.charCodeAt(start)]!;
      let end = cap === 255 ? piece.length : Math.min(piece.length, start + cap);
      if (end < piece.length && end > start && isLow(piece.charCodeAt(end)) && isHigh(piece.charCodeAt(end - 1))) end--;
      let found = -1;
      while (start < end) {
        const sub = start > 0 ? this.prefix + piece.slice(start, end) : piece.slice(start, end);
        const id = this.vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        const lo = piece.charCodeAt(end - 1);
        end -= lo >= 0xdc00 && lo <= 0xdfff && end - 2 >= start ? 2 : 1;
      }
      if (found < 0) {
        this.remember(piece, [this.unkId()], [0, utf8Len(piece)]);
        return this.unkOut(piece, out);
      }
      const blen = utf8Len(piece.slice(start, end));
      ids.push(found);
      offs.push(bstart, bstart + blen);
      bstart += blen;
      start = end;
    }
    this.remember(piece, ids, offs);
    for (let k = 0; k < ids.length; k++) out.ids.push(ids[k]!);
    for (const o of offs) out.offs.push(o);
  }

  private unkId(): number {
    const id = this.vocab.get(this.unk);
    if (id === undefined) throw new InvalidArgumentError(`tokenizer.json: WordPiece unk_token ${JSON.stringify(this.unk)} is not in the vocab`);
    return id;
  }

  private remember(piece: string, ids: number[], offs: number[]): void {
    if (piece.length > CACHE_WORD) return;
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(piece, { ids, offs });
  }
}

const CACHE_WORD = 48;
const CACHE_SIZE = 1 << 16;
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
