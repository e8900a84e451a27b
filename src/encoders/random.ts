// A small seeded generator for reproducible sampling (BPE-dropout). Not for cryptography.

/**
 * SplitMix32-style generator (Steele, Lea & Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014, with 32-bit mixing constants): uniform floats in [0, 1), the same
 * sequence for the same seed on every platform.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Safe integers beyond 32 bits: fold the high half in, so seeds 1 and 2^32 + 1 differ.
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.state = (seed >>> 0) ^ Math.imul(hi, 0x9e3779b1);
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }
}
