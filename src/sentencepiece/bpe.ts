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

interface Sym {
  start: number; // UTF-16 offsets into the normalized text
  end: number;
  prev: number;
  next: number;
  freeze: boolean;
}

/** A max-heap of candidate pairs: highest score first, then the smallest left index. */
class Agenda {
  private left: number[] = [];
  private right: number[] = [];
  private score: number[] = [];
  private size: number[] = [];
  get length(): number {
    return this.left.length;
  }
  clear(): void {
    this.left.length = this.right.length = this.score.length = this.size.length = 0;
  }
  private before(i: number, j: number): boolean {
    const a = this.score[i]!;
    const b = this.score[j]!;
    return a > b || (a === b && this.left[i]! < this.left[j]!);
  }
  private swap(i: number, j: number): void {
    for (const arr of [this.left, this.right, this.score, this.size]) {
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
  }
  push(l: number, r: number, score: number, size: number): void {
    let i = this.left.length;
    this.left.push(l);
    this.right.push(r);
    this.score.push(score);
    this.size.push(size);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  /** Pops the top into `top` ([left, right, size]). */
  pop(top: number[]): void {
    top[0] = this.left[0]!;
    top[1] = this.right[0]!;
    top[2] = this.size[0]!;
    const last = this.left.length - 1;
    if (last > 0) this.swap(0, last);
    this.left.pop();
    this.right.pop();
    this.score.pop();
    this.size.pop();
    let i = 0;
    const n = this.left.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(l, m)) m = l;
      if (r < n && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

export class BpeEncoder {
  private readonly agenda = new Agenda();

  constructor(private readonly t: BpeTables) {}

  /** The pieces of `text` (normalized), as strings, left to right. */
  encode(text: string, out: string[]): void {
    if (text.length === 0) return;
    const { pieces, scores, unused, userSymbols } = this.t;
    const syms: Sym[] = [];
    for (let i = 0; i < text.length; ) {
      let len = 0;
      let freeze = false;
      if (userSymbols !== null) {
        const cands = userSymbols.get(text.charCodeAt(i));
        if (cands !== undefined) {
          for (const u of cands) {
            if (text.startsWith(u, i)) {
              len = u.length;
              freeze = true;
              break;
            }
          }
        }
      }
      if (len === 0) {
        const c = text.charCodeAt(i);
        len = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
      }
      syms.push({ start: i, end: i + len, prev: syms.length - 1, next: i + len < text.length ? syms.length + 1 : -1, freeze });
      i += len;
    }
    const agenda = this.agenda;
    agenda.clear();
    const revMerge = new Map<string, [string, string]>();
    const maybeAdd = (l: number, r: number): void => {
      if (l === -1 || r === -1) return;
      const a = syms[l]!;
      const b = syms[r]!;
      if (a.freeze || b.freeze) return;
      const piece = text.slice(a.start, b.end);
      const id = pieces.get(piece);
      if (id === undefined) return;
      agenda.push(l, r, scores[id]!, piece.length);
      if (unused[id] === 1) revMerge.set(piece, [text.slice(a.start, a.end), text.slice(b.start, b.end)]);
    };
    for (let i = 1; i < syms.length; i++) maybeAdd(i - 1, i);
    const top = [0, 0, 0];
    while (agenda.length > 0) {
      agenda.pop(top);
      const a = syms[top[0]!]!;
      const b = syms[top[1]!]!;
      // stale: one side was merged away or grew since the pair was queued
      if (a.end === a.start || b.end === b.start || a.end - a.start + (b.end - b.start) !== top[2]) continue;
      a.end = b.end;
      a.next = b.next;
      if (b.next >= 0) syms[b.next]!.prev = top[0]!;
      b.end = b.start;
      maybeAdd(a.prev, top[0]!);
      maybeAdd(top[0]!, a.next);
    }
    const resegment = (w: string): void => {
      const id = pieces.get(w);
      const split = id !== undefined && unused[id] === 1 ? revMerge.get(w) : undefined;
      if (split === undefined) {
        out.push(w);
        return;
      }
      resegment(split[0]);
      resegment(split[1]);
    };
    for (let i = 0; i !== -1; i = syms[i]!.next) {
      const s = syms[i]!;
      resegment(text.slice(s.start, s.end));
    }
  }
}
