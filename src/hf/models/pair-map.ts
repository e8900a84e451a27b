// The merge table of a BPE model: (left id, right id) → (rank, merged id).

/** Open-addressing map (a, b) → (rank, newId), keys and values in Int32Arrays. */
export class PairMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private ranks: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.mask = cap - 1;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.ranks = new Int32Array(cap);
    this.ids = new Int32Array(cap);
  }

  private slot(a: number, b: number): number {
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
    h ^= h >>> 15;
    return h & this.mask;
  }

  set(a: number, b: number, rank: number, id: number): void {
    let i = this.slot(a, b);
    while (this.keysA[i] !== -1) {
      if (this.keysA[i] === a && this.keysB[i] === b) {
        this.ranks[i] = rank;
        this.ids[i] = id;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.ranks[i] = rank;
    this.ids[i] = id;
    this.size++;
  }

  /** Slot index or -1. */
  find(a: number, b: number): number {
    let i = this.slot(a, b);
    const ka = this.keysA;
    for (;;) {
      const k = ka[i]!;
      if (k === -1) return -1;
      if (k === a && this.keysB[i] === b) return i;
      i = (i + 1) & this.mask;
    }
  }
  rankAt(slot: number): number {
    return this.ranks[slot]!;
  }
  idAt(slot: number): number {
    return this.ids[slot]!;
  }
}
