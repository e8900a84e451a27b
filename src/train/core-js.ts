// The merge loop in plain TypeScript (where WebAssembly is unavailable, and as the WASM core's
// differential twin). Semantics: core.ts.
import { PAIR_SHIFT, type CoreWords, type MergeCore } from "./core.js";

export class JsMergeCore implements MergeCore {
  a = 0;
  b = 0;
  count = 0;
  applied = 0;
  /** When set, apply() lists in `completed` the words it left as a single symbol (BoundlessBPE). */
  trackCompleted = false;
  completed: number[] = [];
  private readonly sym: Uint32Array;
  private readonly start: Uint32Array;
  private readonly len: Uint32Array;
  private readonly wc: Float64Array;
  private readonly pairCount = new Map<number, number>();
  // Max-heap of entries: count, pair key, index of its word list.
  private hCount: number[] = [];
  private hKey: number[] = [];
  private hPos: number[] = [];
  private readonly posLists: Uint32Array[] = [];
  private topPos = -1;
  private gained = new Map<number, number[]>();

  constructor(words: CoreWords) {
    this.sym = words.symbols.slice();
    this.start = words.starts;
    this.wc = words.counts;
    const n = words.counts.length;
    this.len = new Uint32Array(n);
    for (let w = 0; w < n; w++) {
      const s = words.starts[w]!;
      const e = words.starts[w + 1]!;
      this.len[w] = e - s;
      for (let i = s; i + 1 < e; i++) this.change(this.sym[i]! * PAIR_SHIFT + this.sym[i + 1]!, 1, w);
    }
    this.pushGained();
  }

  private change(key: number, delta: number, w: number): void {
    this.pairCount.set(key, (this.pairCount.get(key) ?? 0) + delta * this.wc[w]!);
    if (delta > 0) {
      const list = this.gained.get(key);
      if (list === undefined) this.gained.set(key, [w]);
      else if (list[list.length - 1] !== w) list.push(w);
    }
  }

  private pushGained(): void {
    for (const [key, list] of this.gained) {
      const c = this.pairCount.get(key)!;
      if (c > 0) {
        this.posLists.push(Uint32Array.from(list));
        this.push(c, key, this.posLists.length - 1);
      }
    }
    this.gained = new Map();
  }

  private above(i: number, j: number): boolean {
    const ci = this.hCount[i]!;
    const cj = this.hCount[j]!;
    return ci > cj || (ci === cj && this.hKey[i]! < this.hKey[j]!);
  }

  private swap(i: number, j: number): void {
    const { hCount, hKey, hPos } = this;
    let t = hCount[i]!; hCount[i] = hCount[j]!; hCount[j] = t;
    t = hKey[i]!; hKey[i] = hKey[j]!; hKey[j] = t;
    t = hPos[i]!; hPos[i] = hPos[j]!; hPos[j] = t;
  }

  private push(count: number, key: number, pos: number): void {
    let i = this.hCount.length;
    this.hCount.push(count);
    this.hKey.push(key);
    this.hPos.push(pos);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top entry into (count, key, pos) fields of the return. */
  private pop(): [number, number, number] {
    const top: [number, number, number] = [this.hCount[0]!, this.hKey[0]!, this.hPos[0]!];
    const last = this.hCount.length - 1;
    this.swap(0, last);
    this.hCount.pop();
    this.hKey.pop();
    this.hPos.pop();
    const n = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.above(r, l) ? r : l;
      if (!this.above(c, i)) break;
      this.swap(i, c);
      i = c;
    }
    return top;
  }

  next(minFrequency: number): boolean {
    while (this.hCount.length > 0) {
      const [count, key, pos] = this.pop();
      const current = this.pairCount.get(key)!;
      if (count !== current) {
        this.push(current, key, pos);
        continue;
      }
      if (count < 1 || minFrequency > count) return false;
      this.count = count;
      this.a = Math.floor(key / PAIR_SHIFT);
      this.b = key - this.a * PAIR_SHIFT;
      this.topPos = pos;
      return true;
    }
    return false;
  }

  apply(id: number): void {
    const { a, b, sym } = this;
    this.applied = 0;
    if (this.trackCompleted) this.completed = [];
    for (const w of this.posLists[this.topPos]!) {
      const s = this.start[w]!;
      const n = this.len[w]!;
      let j = s;
      for (let i = s; i < s + n; ) {
        if (sym[i] === a && i + 1 < s + n && sym[i + 1] === b) {
          if (j > s) {
            const prev = sym[j - 1]!;
            this.change(prev * PAIR_SHIFT + a, -1, w);
            this.change(prev * PAIR_SHIFT + id, 1, w);
          }
          if (i + 2 < s + n) {
            const next = sym[i + 2]!;
            this.change(b * PAIR_SHIFT + next, -1, w);
            this.change(id * PAIR_SHIFT + next, 1, w);
          }
          sym[j++] = id;
          this.applied += this.wc[w]!;
          i += 2;
        } else {
          sym[j++] = sym[i++]!;
        }
      }
      if (this.trackCompleted && j - s === 1 && n > 1) this.completed.push(w);
      this.len[w] = j - s;
    }
    this.pushGained();
  }

  dispose(): void {
    this.hCount = [];
    this.hKey = [];
    this.hPos = [];
  }
}
