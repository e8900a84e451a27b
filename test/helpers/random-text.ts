// The seeded generator and random texts of the hostile-input suites (hostile, small-alphabet,
// cuts): the same sequence for a seed on every run, so a failure names its input.

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s = (s ^ (s >>> 13)) >>> 0; // unsigned: `s ^= …` alone made it negative half the time
    return s / 4294967296;
  };
}

/** n characters (code points) of `alphabet`, drawn uniformly from the seed's sequence. */
export function randomText(n: number, alphabet: string, seed: number): string {
  const rnd = seededRandom(seed);
  const chars = [...alphabet];
  const a = new Array<string>(n);
  for (let i = 0; i < n; i++) a[i] = chars[Math.floor(rnd() * chars.length)]!;
  return a.join("");
}
