/**
 * HF's Unigram model (tokenizers/src/models/unigram/model.rs, `encode_optimized`): Viterbi over
 * the pieces that start at each char, unknown chars scored `min_score - 10`, consecutive
 * unknowns fused (`fuse_unk`, on by default), `byte_fallback` to `<0xXX>` tokens that all carry
 * the offsets of the unknown piece.
 */
import { InvalidArgumentError } from "../../errors.js";
import { utf8Len, type ModelOutput, type TokenModel } from "./model.js";
import { serdeF64 } from "../serde-float.js";
import { checkUnigramFields } from "../json-checks.js";
import { tokenizeByteLevelWord } from "./byte-level-word.js";

type Json = Record<string, unknown>;

export class UnigramModel implements TokenModel {
  private readonly ids = new Map<string, number>();
  private readonly tokens: string[] = [];
  private readonly scores: number[] = [];
  readonly unkId: number | null;
  private readonly byteFallback: boolean;
  private readonly fuseUnk: boolean;
  private readonly minScore: number;
  private readonly maxLen: number;
  private readonly cache = new Map<string, ModelOutput>();
  readonly vocabSize: number;

  constructor(j: Json) {
    checkUnigramFields(j);
    const v = j.vocab as Array<[string, number]>;
    let min = Infinity;
    let maxLen = 1;
    v.forEach(([t, s], id) => {
      if (!this.ids.has(t)) this.ids.set(t, id);
      this.tokens[id] = t;
      const score = serdeF64(s);
      this.scores[id] = score;
      if (score < min) min = score;
      if (t.length > maxLen) maxLen = t.length;
    });
    this.vocabSize = v.length;
    this.minScore = min;
    this.maxLen = maxLen;
    this.unkId = (j.unk_id as number | null) ?? null;
    this.byteFallback = j.byte_fallback === true;
    this.fuseUnk = j.fuse_unk !== false;
  }

  tokenToId(t: string): number | undefined {
    return this.ids.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  private viterbi(s: string): string[] {
    const n = s.length;
    const score = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const tok = new Int32Array(n + 1);
    const unkScore = this.minScore - 10;
    for (let start = 0; start < n; ) {
      if (start > 0 && from[start] === -1) {
        // unreachable position (cannot happen: every char gets a node)
      }
      const base = score[start]!;
      const c = s.charCodeAt(start);
      const mb = c >= 0xd800 && c <= 0xdbff && start + 1 < n ? 2 : 1;
      let single = false;
      const lim = Math.min(n, start + this.maxLen);
      for (let end = start + 1; end <= lim; end++) {
        const lo = s.charCodeAt(end - 1);
        if (lo >= 0xdc00 && lo <= 0xdfff && end - 1 > start && end - 1 === start) continue;
        if (end < n) {
          const nx = s.charCodeAt(end);
          if (nx >= 0xdc00 && nx <= 0xdfff) continue; // not a char boundary
        }
        const id = this.ids.get(s.slice(start, end));
        if (id === undefined) continue;
        const cand = this.scores[id]! + base;
        if (from[end] === -1 || cand > score[end]!) {
          score[end] = cand;
          from[end] = start;
          tok[end] = id;
        }
        if (end - start === mb) single = true;
      }
      if (!single) {
        const end = start + mb;
        const cand = unkScore + base;
        if (from[end] === -1 || cand > score[end]!) {
          if (this.unkId === null) throw new InvalidArgumentError("tokenizer.json: Unigram model needs unk_id for this text");
          score[end] = cand;
          from[end] = start;
          tok[end] = this.unkId;
        }
      }
      start += mb;
    }
    const res: string[] = [];
    let pending: string[] = [];
    for (let end = n; end > 0; ) {
      const st = from[end]!;
      const piece = s.slice(st, end);
      if (this.fuseUnk && this.unkId !== null && tok[end] === this.unkId) pending.push(piece);
      else {
        if (pending.length) {
          res.push(pending.reverse().join(""));
          pending = [];
        }
        res.push(piece);
      }
      end = st;
    }
    if (pending.length) res.push(pending.reverse().join(""));
    return res.reverse();
  }

  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void {
    if (byteLevel) return tokenizeByteLevelWord(piece, out, (w, o) => this.tokenize(w, false, o));
    if (piece.length === 0) return;
    const hit = this.cache.get(piece);
    if (hit) {
      for (const id of hit.ids) out.ids.push(id);
      for (const o of hit.offs) out.offs.push(o);
      return;
    }
    const r: ModelOutput = { ids: [], offs: [] };
    let off = 0;
    for (const str of this.viterbi(piece)) {
      const len = utf8Len(str);
      let id = this.ids.get(str);
      if (id === undefined) {
        if (this.byteFallback) {
          const bytes = new TextEncoder().encode(str);
          const bt: number[] = [];
          for (const b of bytes) {
            const t = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
            if (t === undefined) break;
            bt.push(t);
          }
          if (bt.length === bytes.length) {
            for (const t of bt) {
              r.ids.push(t);
              r.offs.push(off, off + len);
            }
            off += len;
            continue;
          }
        }
        if (this.unkId === null) throw new InvalidArgumentError("tokenizer.json: Unigram model needs unk_id for this text");
        id = this.unkId;
      }
      r.ids.push(id);
      r.offs.push(off, off + len);
      off += len;
    }
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(piece, r);
    for (const id of r.ids) out.ids.push(id);
    for (const o of r.offs) out.offs.push(o);
  }
}
