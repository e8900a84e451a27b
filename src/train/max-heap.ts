// A binary max-heap of (count, key) entries, highest count first and the smaller key on ties:
// the queue of the variants' merge loops in TS (BoundlessBPE's supermerges, Parity-aware BPE's
// per-language queues, Scaffold-BPE's scaffold tokens). Invalidation is the caller's: it
// compares the top with its current counts and pops stale entries (lazy, as in core-js.ts).
export class MaxHeap {
  private readonly c: number[] = [];
  private readonly k: number[] = [];

  get size(): number {
    return this.c.length;
  }

  /** Count of the top entry (the heap must not be empty). */
  get topCount(): number {
    return this.c[0]!;
  }

  /** Key of the top entry (the heap must not be empty). */
  get topKey(): number {
    return this.k[0]!;
  }

  push(count: number, key: number): void {
    let i = this.c.length;
    this.c.push(count);
    this.k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top entry. */
  pop(): void {
    const last = this.c.length - 1;
    this.swap(0, last);
    this.c.pop();
    this.k.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.c.length) break;
      const r = l + 1;
      const m = r < this.c.length && this.above(r, l) ? r : l;
      if (!this.above(m, i)) break;
      this.swap(i, m);
      i = m;
    }
  }

  private above(i: number, j: number): boolean {
    return this.c[i]! > this.c[j]! || (this.c[i] === this.c[j] && this.k[i]! < this.k[j]!);
  }

  private swap(i: number, j: number): void {
    const { c, k } = this;
    let t = c[i]!; c[i] = c[j]!; c[j] = t;
    t = k[i]!; k[i] = k[j]!; k[j] = t;
  }
}
