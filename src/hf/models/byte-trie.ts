/**
 * A trie over UTF-8 bytes, the role Darts' double array plays in SentencePiece (the vocabulary
 * of unigram_model.cc, the user-defined symbols of PrefixMatcher): walked one byte at a time
 * from each start position. Transitions live in one open-addressing hash table keyed by
 * (node, byte), with a direct table for the root's children (every walk's first step).
 */
export class ByteTrie {
  private readonly rootNext = new Int32Array(256).fill(-1);
  private keys = new Int32Array(0); // node * 256 + byte + 1 (0 = empty slot)
  private next = new Int32Array(0);
  private mask = 0;
  private count = 0;
  private values: Int32Array = new Int32Array(64).fill(-1);
  private nodes = 1; // node 0 is the root
  /** The longest key's length in bytes. */
  maxLength = 0;

  /** Maps `key` to `value` (≥ 0); a later insert of the same key is ignored (the first wins). */
  insert(key: Uint8Array, value: number): void {
    let node = 0;
    for (let i = 0; i < key.length; i++) {
      let child = this.child(node, key[i]!);
      if (child < 0) child = this.addChild(node, key[i]!);
      node = child;
    }
    if (this.values[node]! < 0) this.values[node] = value;
    if (key.length > this.maxLength) this.maxLength = key.length;
  }

  /** The child of `node` by `byte`, or -1. */
  child(node: number, byte: number): number {
    if (node === 0) return this.rootNext[byte]!;
    if (this.count === 0) return -1;
    const k = node * 256 + byte + 1;
    let h = Math.imul(k, 0x9e3779b1) >>> 0;
    const keys = this.keys;
    for (;;) {
      h &= this.mask;
      const at = keys[h]!;
      if (at === k) return this.next[h]!;
      if (at === 0) return -1;
      h++;
    }
  }

  /** The value stored at `node`, or -1. */
  value(node: number): number {
    return this.values[node]!;
  }

  private addChild(node: number, byte: number): number {
    const child = this.nodes++;
    if (child >= this.values.length) {
      const v = new Int32Array(this.values.length * 2).fill(-1);
      v.set(this.values);
      this.values = v;
    }
    if (node === 0) {
      this.rootNext[byte] = child;
      return child;
    }
    if ((this.count + 1) * 2 > this.keys.length) this.rehash(Math.max(1024, this.keys.length * 2));
    this.put(node * 256 + byte + 1, child);
    this.count++;
    return child;
  }

  private put(k: number, v: number): void {
    let h = Math.imul(k, 0x9e3779b1) >>> 0;
    for (;;) {
      h &= this.mask;
      if (this.keys[h] === 0) {
        this.keys[h] = k;
        this.next[h] = v;
        return;
      }
      h++;
    }
  }

  private rehash(size: number): void {
    const oldK = this.keys;
    const oldN = this.next;
    this.keys = new Int32Array(size);
    this.next = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldK.length; i++) if (oldK[i] !== 0) this.put(oldK[i]!, oldN[i]!);
  }

  /** Per node, its children as [byte, child, byte, child, …] by increasing byte. */
  childLists(): number[][] {
    const lists: number[][] = Array.from({ length: this.nodes }, () => []);
    for (let b = 0; b < 256; b++) if (this.rootNext[b]! >= 0) lists[0]!.push(b, this.rootNext[b]!);
    const pairs: Array<[number, number, number]> = [];
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (k !== 0) pairs.push([Math.floor((k - 1) / 256), (k - 1) % 256, this.next[i]!]);
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (const [node, byte, child] of pairs) lists[node]!.push(byte, child);
    return lists;
  }

  /**
   * The longest key that is a prefix of bytes[pos, end): its length (0 if none) — PrefixMatcher's
   * `PrefixMatch` without the one-character default. Its value is `lastValue` afterwards.
   */
  longestPrefix(bytes: Uint8Array, pos: number, end: number): number {
    let node = 0;
    let best = 0;
    this.lastValue = -1;
    for (let i = pos; i < end; i++) {
      node = this.child(node, bytes[i]!);
      if (node < 0) break;
      const v = this.values[node]!;
      if (v >= 0) {
        best = i + 1 - pos;
        this.lastValue = v;
      }
    }
    return best;
  }
  lastValue = -1;
}

/**
 * The same trie as a double array (Aoe's base/check layout, as Darts builds it), for the walks
 * of the unigram Viterbi: the child of slot s by byte c is t = base[s] + c when check[t] === s.
 * One add and one compare per byte, no hashing. Built once from a ByteTrie.
 */
export class DoubleArray {
  readonly base: Int32Array;
  readonly check: Int32Array;
  readonly value: Int32Array;

  constructor(t: ByteTrie) {
    const kids = t.childLists();
    let cap = 1024;
    let base = new Int32Array(cap);
    let check = new Int32Array(cap).fill(-1);
    let value = new Int32Array(cap).fill(-1);
    // free[i]: a slot ≥ i that may be free (union-find with path halving over taken slots), so
    // finding the first free slot from anywhere costs next to nothing however full the front is
    let free = Int32Array.from({ length: cap }, (_, i) => i);
    const grow = (need: number): void => {
      if (need < cap) return;
      let n = cap;
      while (n <= need) n *= 2;
      const b = new Int32Array(n);
      b.set(base);
      const c = new Int32Array(n).fill(-1);
      c.set(check);
      const v = new Int32Array(n).fill(-1);
      v.set(value);
      const f = Int32Array.from({ length: n }, (_, i) => i);
      f.set(free);
      base = b;
      check = c;
      value = v;
      free = f;
      cap = n;
    };
    const firstFreeFrom = (i: number): number => {
      grow(i + 512);
      while (free[i] !== i) {
        free[i] = free[free[i]!]!;
        i = free[i]!;
        grow(i + 512);
      }
      return i;
    };
    const take = (i: number): void => {
      grow(i + 513);
      free[i] = i + 1;
    };
    check[0] = 0;
    take(0);
    value[0] = t.value(0);
    const queue: Array<[number, number]> = [[0, 0]]; // [trie node, slot]
    for (let qi = 0; qi < queue.length; qi++) {
      const [node, slot] = queue[qi]!;
      const ks = kids[node];
      if (ks === undefined || ks.length === 0) continue;
      const c0 = ks[0]!;
      // the first child goes to a free slot p ≥ c0 + 1 (base ≥ 1); the others must fit too
      let p = firstFreeFrom(c0 + 1);
      for (;;) {
        const b = p - c0;
        grow(b + 256);
        let ok = true;
        for (let i = 2; i < ks.length; i += 2) {
          if (check[b + ks[i]!] !== -1) {
            ok = false;
            break;
          }
        }
        if (ok) break;
        p = firstFreeFrom(p + 1);
      }
      const b = p - c0;
      base[slot] = b;
      for (let i = 0; i < ks.length; i += 2) {
        const s = b + ks[i]!;
        check[s] = slot;
        take(s);
        value[s] = t.value(ks[i + 1]!);
        queue.push([ks[i + 1]!, s]);
      }
    }
    this.base = base;
    this.check = check;
    this.value = value;
  }
}
