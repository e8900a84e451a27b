/**
 * HF's Unigram model (tokenizers/src/models/unigram/model.rs, `encode_optimized`): Viterbi over
 * the pieces that start at each char, unknown chars scored `min_score - 10`, consecutive
 * unknowns fused (always: HF's Unigram reads no `fuse_unk` from the file, `Unigram::from` sets
 * it), `byte_fallback` to `<0xXX>` tokens that all carry
 * the offsets of the unknown piece.
 *
 * The Viterbi is SentencePiece's (./unigram-viterbi.ts, which src/sentencepiece uses: a double-array trie walked over
 * the piece's UTF-8 bytes, as HF's own trie is) with f64 path scores, HF's arithmetic. Byte
 * positions are what HF works in too, so the pieces' byte offsets come out of it directly.
 */
import { InvalidArgumentError } from "../../errors.js";
import { writeUtf8, type ModelOutput, type TokenModel } from "./model.js";
import { serdeF64 } from "../serde-float.js";
import { checkUnigramFields } from "../json-checks.js";
import { ByteTrie } from "./byte-trie.js";
import { UnigramEncoder } from "./unigram-viterbi.js";
import { tokenizeByteLevelWord } from "./byte-level-word.js";

type Json = Record<string, unknown>;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class UnigramModel implements TokenModel {
  private readonly ids = new Map<string, number>();
  private readonly tokens: string[] = [];
  readonly unkId: number | null;
  private readonly byteFallback: boolean;
  private readonly viterbi: UnigramEncoder;
  /** `<0xXX>`'s id per byte, -1 where the vocab has none. */
  private readonly byteIds = new Int32Array(256).fill(-1);
  private buf = new Uint8Array(256);
  readonly vocabSize: number;

  constructor(j: Json) {
    checkUnigramFields(j);
    const v = j.vocab as Array<[string, number]>;
    const n = v.length;
    const scores = new Float64Array(n);
    const byteLength = new Int32Array(n);
    // Of equal tokens the last one wins (HF's `token_to_ids`, a HashMap filled in vocab order),
    // in the Viterbi too: it reaches the id, and so the score, through that map
    v.forEach(([t, s], id) => {
      this.ids.set(t, id);
      this.tokens[id] = t;
      scores[id] = serdeF64(s);
    });
    const trie = new ByteTrie();
    for (const [t, id] of this.ids) {
      const key = utf8.encode(t);
      byteLength[id] = key.length;
      if (key.length > 0) trie.insert(key, id);
    }
    this.vocabSize = n;
    this.unkId = (j.unk_id as number | null) ?? null;
    this.byteFallback = j.byte_fallback === true;
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? -1;
    this.viterbi = new UnigramEncoder({
      trie,
      scores,
      userDefined: new Uint8Array(n),
      unused: new Uint8Array(n),
      byteLength,
      normalScores: Array.from(scores), // HF's min_score is over the whole vocab
      unkId: this.unkId ?? -1,
      sums: "float64",
    });
  }

  tokenToId(t: string): number | undefined {
    return this.ids.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void {
    if (byteLevel) return tokenizeByteLevelWord(piece, out, (w, o) => this.tokenize(w, false, o));
    if (piece.length === 0) return;
    if (this.buf.length < piece.length * 3) this.buf = new Uint8Array(piece.length * 3);
    const buf = this.buf;
    const n = writeUtf8(piece, buf, 0);
    const vt = this.viterbi;
    const count = vt.segment(buf, n);
    const ends = vt.pieceEnds;
    const unk = this.unkId ?? -1;
    let s = 0;
    for (let j = 0; j < count; j++) {
      let e = ends[j]!;
      const id = vt.idAt(e);
      if (id !== unk || unk < 0) {
        // a vocab piece: its id is the trie's, which is `ids`'
        out.ids.push(id);
        out.offs.push(s, e);
        s = e;
        continue;
      }
      // unknown (or the unk token itself): fused with the unknowns after it, then looked up by
      // its string as HF does (`token_to_ids.get`), else byte fallback, else unk
      while (j + 1 < count && vt.idAt(ends[j + 1]!) === unk) e = ends[++j]!;
      this.unknown(buf, s, e, out);
      s = e;
    }
    vt.release();
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(256);
  }

  /** An unknown piece bytes[s, e): HF `Unigram::tokenize`'s lookup, byte fallback, unk. */
  private unknown(bytes: Uint8Array, s: number, e: number, out: ModelOutput): void {
    const id = this.ids.get(fromUtf8.decode(bytes.subarray(s, e)));
    if (id !== undefined) {
      out.ids.push(id);
      out.offs.push(s, e);
      return;
    }
    if (this.byteFallback) {
      let all = true;
      for (let i = s; i < e && all; i++) all = this.byteIds[bytes[i]!]! >= 0;
      if (all) {
        for (let i = s; i < e; i++) {
          out.ids.push(this.byteIds[bytes[i]!]!);
          out.offs.push(s, e);
        }
        return;
      }
    }
    if (this.unkId === null) throw new InvalidArgumentError("tokenizer.json: Unigram model needs unk_id for this text");
    out.ids.push(this.unkId);
    out.offs.push(s, e);
  }
}
