/** HF's WordPiece model (tokenizers/src/models/wordpiece/mod.rs): greedy longest-match-first. */
import { InvalidArgumentError } from "../../errors.js";
import { checkWordPieceFields, vocabMap } from "../json-checks.js";
import { utf8Len, writeUtf8, type ModelOutput, type TokenModel } from "./model.js";
import { ByteTrie, DoubleArray } from "./byte-trie.js";
import { tokenizeByteLevelWord } from "./byte-level-word.js";

type Json = Record<string, unknown>;

export class WordPieceModel implements TokenModel {
  private readonly vocab: Map<string, number>;
  private readonly vocabR: string[] = [];
  private readonly unk: string;
  private readonly prefix: string;
  private readonly maxChars: number;
  /**
   * The vocab as two double-array tries over UTF-8 (./byte-trie.ts): every entry, and the
   * entries that start with the prefix, without it. HF tries every end of the rest of the word
   * from the longest down (a substring and a map lookup each); the longest entry that prefixes
   * the rest at a char boundary is the same answer, found in one walk.
   */
  private readonly first: DoubleArray;
  private readonly cont: DoubleArray;
  private buf = new Uint8Array(256);
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
    const utf8 = new TextEncoder();
    const first = new ByteTrie();
    const cont = new ByteTrie();
    for (const [t, id] of this.vocab) {
      if (t.length === 0) continue;
      first.insert(utf8.encode(t), id);
      if (t.startsWith(this.prefix) && t.length > this.prefix.length) cont.insert(utf8.encode(t.slice(this.prefix.length)), id);
    }
    this.first = new DoubleArray(first);
    this.cont = new DoubleArray(cont);
  }

  tokenToId(t: string): number | undefined {
    return this.vocab.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }

  private unkOut(piece: string, out: ModelOutput): void {
    out.ids.push(this.unkId());
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
    if (this.buf.length < piece.length * 3) this.buf = new Uint8Array(piece.length * 3);
    const bytes = this.buf;
    const n = writeUtf8(piece, bytes, 0);
    const ids: number[] = [];
    const offs: number[] = [];
    let start = 0;
    while (start < n) {
      const { base, check, value } = start > 0 ? this.cont : this.first;
      let slot = 0;
      let found = -1;
      let end = start;
      for (let k = start; k < n; k++) {
        const next = base[slot]! + bytes[k]!;
        if (check[next] !== slot) break;
        slot = next;
        const id = value[slot]!;
        // an entry ending inside a char is no substring HF would try
        if (id >= 0 && (k + 1 === n || (bytes[k + 1]! & 0xc0) !== 0x80)) {
          found = id;
          end = k + 1;
        }
      }
      if (found < 0) {
        this.remember(piece, [this.unkId()], [0, n]);
        return this.unkOut(piece, out);
      }
      ids.push(found);
      offs.push(start, end);
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
