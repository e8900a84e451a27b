/**
 * SentencePiece's BPE encoder (bpe_model.cc `Model::Encode`). Unlike HF's BPE, which applies a
 * merge list by rank, it has no merges: the text starts as characters (user-defined symbols
 * whole and frozen) and, repeatedly, the adjacent pair whose concatenation is a piece of the
 * vocabulary with the highest score is joined (ties: the leftmost), until no adjacent pair
 * forms a piece. A result that is an UNUSED piece is split back into the two symbols it was made
 * of, recursively (`resegment`).
 */
export interface BpeTables {
  /** NORMAL, USER_DEFINED and UNUSED pieces (the model's `pieces_`). */
  pieces: Map<string, number>;
  scores: Float64Array;
  unused: Uint8Array;
  /** User-defined symbols, longest first within each first UTF-16 unit. */
  userSymbols: Map<number, string[]> | null;
}

/**
 * The agenda: a binary max-heap of queued pairs, highest score first, then the smallest left
 * symbol index (bpe_model.cc's SymbolPairComparator), over typed arrays.
 */
class Agenda {
  left = new Int32Array(256);
  right = new Int32Array(256);
  size = new Int32Array(256);
  score = new Float64Array(256);
  result = new Int32Array(256);
  private heap = new Int32Array(256);
  private n = 0; // entries in the heap
  private used = 0; // entries allocated
  get length(): number {
    return this.n;
  }
  clear(): void {
    this.n = 0;
    this.used = 0;
  }
  /** Back to the initial capacity (after one huge text). */
  release(): void {
    if (this.left.length <= 1 << 16) return;
    this.left = new Int32Array(256);
    this.right = new Int32Array(256);
    this.size = new Int32Array(256);
    this.score = new Float64Array(256);
    this.result = new Int32Array(256);
    this.heap = new Int32Array(256);
    this.clear();
  }
  private grow(): void {
    const cap = this.left.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.left = g(this.left);
    this.right = g(this.right);
    this.size = g(this.size);
    this.score = g(this.score);
    this.result = g(this.result);
    this.heap = g(this.heap);
  }
  private before(i: number, j: number): boolean {
    const a = this.score[i]!;
    const b = this.score[j]!;
    return a > b || (a === b && this.left[i]! < this.left[j]!);
  }
  push(l: number, r: number, score: number, size: number, result: number): void {
    if (this.used === this.left.length) this.grow();
    const e = this.used++;
    this.left[e] = l;
    this.right[e] = r;
    this.score[e] = score;
    this.size[e] = size;
    this.result[e] = result;
    const h = this.heap;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(e, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }
  /** Removes the top entry and returns its index. */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.n]!;
    const n = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.before(h[r]!, h[l]!) ? r : l;
      if (!this.before(h[m]!, last)) break;
      h[i] = h[m]!;
      i = m;
    }
    if (n > 0) h[i] = last;
    return top;
  }
}

export class BpeEncoder {
  private readonly agenda = new Agenda();
  /** (left id, right id) → id of their concatenation, for every split of a piece into two pieces. */
  private readonly pairs = new Map<number, number>();
  private readonly vocab: number;
  private readonly hasUnused: boolean;
  private start = new Int32Array(256);
  private end = new Int32Array(256);
  private prev = new Int32Array(256);
  private next = new Int32Array(256);
  private id = new Int32Array(256);
  private freeze = new Uint8Array(256);

  /**
   * Whether no piece holds "▁" past its first char. Then no merge joins a symbol to a "▁" on
   * its right (the result would be such a piece) and no user-defined symbol spans one, so the
   * symbols left and right of each "▁" never meet: the text encodes as its words (cut before
   * each "▁") encoded one by one, and repeated words are looked up. Trained models with
   * split_by_whitespace (the default) have this property; others are encoded whole.
   */
  private readonly wordsApart: boolean;
  private readonly cache = new Map<string, Int32Array>();

  constructor(private readonly t: BpeTables) {
    this.wordsApart = [...t.pieces.keys()].every((p) => p.indexOf("\u2581", 1) < 0);
    this.vocab = t.scores.length;
    this.hasUnused = t.unused.some((u) => u === 1);
    for (const [piece, id] of t.pieces) {
      for (let k = 1; k < piece.length; k++) {
        const c = piece.charCodeAt(k);
        if (c >= 0xdc00 && c <= 0xdfff) continue; // not a character boundary
        const a = t.pieces.get(piece.slice(0, k));
        const b = t.pieces.get(piece.slice(k));
        if (a !== undefined && b !== undefined) this.pairs.set(a * this.vocab + b, id);
      }
    }
  }

  private ensure(n: number): void {
    if (this.start.length >= n) return;
    const cap = Math.max(n, this.start.length * 2);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.prev = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.id = new Int32Array(cap);
    this.freeze = new Uint8Array(cap);
  }

  /**
   * The pieces of `text` (normalized): `emit(start, end, id)` per piece, left to right, with
   * UTF-16 offsets into `text`; id is the piece's id in `pieces`, or -1 for a symbol that is
   * none (an unknown character).
   */
  encode(text: string, emit: (start: number, end: number, id: number) => void): void {
    if (!this.wordsApart) {
      this.encodeRun(text, emit);
      return;
    }
    // words (cut before each "▁") are encoded apart, each once per cache life
    let s = 0;
    while (s < text.length) {
      let e = text.indexOf("\u2581", s + 1);
      if (e < 0) e = text.length;
      const word = e - s === text.length ? text : text.slice(s, e);
      let hit = this.cache.get(word);
      if (hit === undefined) {
        const out: number[] = [];
        this.encodeRun(word, (a, b, id) => out.push(b - a, id));
        hit = Int32Array.from(out);
        if (this.cache.size >= 50_000) this.cache.clear();
        this.cache.set(word, hit);
      }
      let at = s;
      for (let i = 0; i < hit.length; i += 2) {
        emit(at, at + hit[i]!, hit[i + 1]!);
        at += hit[i]!;
      }
      s = e;
    }
  }

  private encodeRun(text: string, emit: (start: number, end: number, id: number) => void): void {
    if (text.length === 0) return;
    const { pieces, scores, unused, userSymbols } = this.t;
    this.ensure(text.length + 1);
    const { start, end, prev, next, id, freeze } = this;
    let ns = 0;
    for (let i = 0; i < text.length; ) {
      let len = 0;
      let fr = 0;
      if (userSymbols !== null) {
        const cands = userSymbols.get(text.charCodeAt(i));
        if (cands !== undefined) {
          for (const u of cands) {
            if (text.startsWith(u, i)) {
              len = u.length;
              fr = 1;
              break;
            }
          }
        }
      }
      if (len === 0) {
        const c = text.charCodeAt(i);
        len = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
      }
      start[ns] = i;
      end[ns] = i + len;
      prev[ns] = ns - 1;
      next[ns] = i + len < text.length ? ns + 1 : -1;
      freeze[ns] = fr;
      id[ns] = pieces.get(text.slice(i, i + len)) ?? -1;
      ns++;
      i += len;
    }
    const agenda = this.agenda;
    agenda.clear();
    const revMerge = this.hasUnused ? new Map<string, [string, string]>() : null;
    const V = this.vocab;
    const maybeAdd = (l: number, r: number): void => {
      if (l === -1 || r === -1 || freeze[l] === 1 || freeze[r] === 1) return;
      let m: number | undefined;
      if (id[l]! >= 0 && id[r]! >= 0) m = this.pairs.get(id[l]! * V + id[r]!);
      else m = pieces.get(text.slice(start[l]!, end[r]!)); // a symbol that is no piece (rare)
      if (m === undefined) return;
      agenda.push(l, r, scores[m]!, end[l]! - start[l]! + (end[r]! - start[r]!), m);
      if (revMerge !== null && unused[m] === 1) revMerge.set(text.slice(start[l]!, end[r]!), [text.slice(start[l]!, end[l]!), text.slice(start[r]!, end[r]!)]);
    };
    for (let i = 1; i < ns; i++) maybeAdd(i - 1, i);
    while (agenda.length > 0) {
      const e = agenda.pop();
      const l = agenda.left[e]!;
      const r = agenda.right[e]!;
      // stale: one side was merged away or grew since the pair was queued
      if (end[l] === start[l] || end[r] === start[r] || end[l]! - start[l]! + (end[r]! - start[r]!) !== agenda.size[e]) continue;
      end[l] = end[r]!;
      id[l] = agenda.result[e]!;
      next[l] = next[r]!;
      if (next[r]! >= 0) prev[next[r]!] = l;
      end[r] = start[r]!;
      maybeAdd(prev[l]!, l);
      maybeAdd(l, next[l]!);
    }
    const resegment = (s: number, e: number, pid: number): void => {
      if (revMerge === null || pid < 0 || unused[pid] !== 1) {
        emit(s, e, pid);
        return;
      }
      const split = revMerge.get(text.slice(s, e));
      if (split === undefined) {
        emit(s, e, pid);
        return;
      }
      const mid = s + split[0].length;
      resegment(s, mid, pieces.get(split[0]) ?? -1);
      resegment(mid, e, pieces.get(split[1]) ?? -1);
    };
    for (let i = 0; i !== -1; i = next[i]!) resegment(start[i]!, end[i]!, id[i]!);
    if (this.start.length > 1 << 18) {
      // not kept after one huge text
      this.start = this.end = this.prev = this.next = this.id = new Int32Array(0);
      this.freeze = new Uint8Array(0);
      this.agenda.release();
    }
  }
}
