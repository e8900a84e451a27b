/**
 * The f64 that HF `tokenizers` reads for a JSON number. serde_json without its
 * `float_roundtrip` feature (tokenizers does not enable it) does not round decimals correctly:
 * it reads the digits into a u64 significand, converts that to f64, then multiplies or divides
 * by a power of ten (serde_json de.rs `f64_from_parts`) — two roundings, so the result can be
 * an ulp or two away from JSON.parse's. Unigram scores are summed along Viterbi paths, and two
 * paths with the same pieces in another order then compare differently: the values must be
 * HF's to pick HF's path.
 *
 * The decimal is taken as the shortest one that reads back to `x` (what HF, ryu and Python
 * write), so a file written with more digits than needed may still differ.
 */
const POW10: number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

export function serdeF64(x: number): number {
  if (!Number.isFinite(x) || x === 0 || Number.isInteger(x)) return x;
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (!m) return x;
  const frac = m[2] ?? "";
  const digits = (m[1]! + frac).replace(/^0+(?=\d)/, "");
  if (digits.length > 19) return x; // beyond a u64: serde drops digits; never for a shortest form
  let e = Number(m[3] ?? 0) - frac.length;
  let f = Number(BigInt(digits));
  for (;;) {
    const p = POW10[Math.abs(e)];
    if (p !== undefined) {
      f = e >= 0 ? f * p : f / p;
      break;
    }
    if (f === 0) break;
    f /= 1e308;
    e += 308;
  }
  return x < 0 ? -f : f;
}
