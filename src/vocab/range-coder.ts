// LZMA's adaptive binary range coder (12-bit probabilities that move 1/32 of the way after each
// bit), as the packed vocab format (tkp.ts) uses it. The encoder writes exactly the bytes the
// decoder reads, so a truncated or lengthened stream is detected.

import { VocabFormatError } from "../errors.js";

export const TOP = 2 ** 24;

export class RangeEncoder {
  out: number[] = [];
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;

  bit(probs: Uint16Array, i: number, bit: number): void {
    const p = probs[i]!;
    const bound = (this.range >>> 12) * p;
    if (bit) {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> 5);
    } else {
      this.range = bound;
      probs[i] = p + ((4096 - p) >> 5);
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  direct(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range = this.range >>> 1;
      if ((value / 2 ** i) & 1) this.low += this.range;
      while (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
  }

  tree(probs: Uint16Array, base: number, bits: number, value: number): void {
    let m = 1;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (value >>> i) & 1;
      this.bit(probs, base + m, bit);
      m = (m << 1) | bit;
    }
  }

  /** Cost in bits of coding `value` with the tree as it is now (no update). */
  static cost(probs: Uint16Array, base: number, bits: number, value: number): number {
    let m = 1;
    let c = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (value >>> i) & 1;
      const p = probs[base + m]!;
      c -= Math.log2(bit ? (4096 - p) / 4096 : p / 4096);
      m = (m << 1) | bit;
    }
    return c;
  }

  private shiftLow(): void {
    const lo = this.low % 2 ** 32;
    const carry = this.low >= 2 ** 32 ? 1 : 0;
    if (lo < 0xff000000 || carry) {
      let temp = this.cache;
      do {
        this.out.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = lo >>> 24;
    }
    this.cacheSize++;
    this.low = (lo & 0xffffff) * 256;
  }

  finish(): number[] {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.out;
  }
}

export function corrupt(what: string, r: number): never {
  throw new VocabFormatError(`packed vocab: ${what} at rank ${r} (corrupt or truncated file)`);
}

/** LZMA's range decoder. Reading past the end reads zeros but counts on: `at` > length then. */
export class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  at: number;

  constructor(
    private readonly data: Uint8Array,
    from: number,
  ) {
    if (data[from] !== 0) corrupt("bad stream start", 0);
    this.at = from + 5;
    for (let i = from + 1; i < from + 5; i++) this.code = ((this.code << 8) | data[i]!) >>> 0;
  }

  tree(probs: Uint16Array, base: number, n: number): number {
    let range = this.range;
    let code = this.code;
    let x = 1;
    for (let i = 0; i < n; i++) {
      const p = probs[base + x]!;
      const bound = (range >>> 12) * p;
      if (code < bound) {
        range = bound;
        probs[base + x] = p + ((4096 - p) >> 5);
        x <<= 1;
      } else {
        range -= bound;
        code -= bound;
        probs[base + x] = p - (p >> 5);
        x = (x << 1) | 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | this.next()) >>> 0;
      }
    }
    this.range = range;
    this.code = code;
    return x - (1 << n);
  }

  direct(n: number): number {
    let x = 0;
    for (let i = 0; i < n; i++) {
      this.range >>>= 1;
      const bit = this.code >= this.range ? 1 : 0;
      if (bit) this.code -= this.range;
      x = x * 2 + bit;
      if (this.range < TOP) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return x;
  }

  private next(): number {
    return this.at < this.data.length ? this.data[this.at++]! : (this.at++, 0);
  }
}
