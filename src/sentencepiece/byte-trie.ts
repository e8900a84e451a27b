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
