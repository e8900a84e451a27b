// Tokenizer metrics from the research literature, as pure functions over counts. Each says its
// formula and where it comes from; compare.ts collects the counts and calls these.

import { InvalidArgumentError } from "../errors.js";

/** Sizes of a text in the units the compression metrics divide by. */
export interface TextSize {
  /** UTF-8 bytes. */
  bytes: number;
  /** Unicode code points (not UTF-16 units: "👋" is one character). */
  chars: number;
  /** Maximal runs of non-whitespace code points (`\S+`); near 0 for scripts without spaces. */
  words: number;
}

const utf8 = new TextEncoder();

/** Bytes, characters and words of `text` (see TextSize). */
export function textSize(text: string): TextSize {
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  const words = text.match(/\S+/gu);
  return { bytes: utf8.encode(text).length, chars: text.length - (pairs ? pairs.length : 0), words: words ? words.length : 0 };
}

/** Sum of two sizes. */
export function addSizes(a: TextSize, b: TextSize): TextSize {
  return { bytes: a.bytes + b.bytes, chars: a.chars + b.chars, words: a.words + b.words };
}

export interface Compression {
  bytesPerToken: number;
  charsPerToken: number;
  wordsPerToken: number;
  /** The inverse of bytesPerToken: what a token costs per byte of text. */
  tokensPerByte: number;
}

/**
 * Units of text per token, for a corpus of `size` encoded into `tokens` tokens:
 *
 *   bytes/token = B / T,   characters/token = C / T,   words/token = W / T
 *
 * (Roberts, Han & Albanie, "How Long Is a Piece of String?", arXiv 2601.11518: compression
 * measured per tokenizer and text domain in these three units.) NaN when tokens = 0.
 */
export function compression(size: TextSize, tokens: number): Compression {
  checkCount(tokens, "tokens");
  return {
    bytesPerToken: size.bytes / tokens,
    charsPerToken: size.chars / tokens,
    wordsPerToken: size.words / tokens,
    tokensPerByte: tokens / size.bytes,
  };
}

/**
 * Normalized sequence length of a tokenizer λ against a reference β over a dataset D
 * (Dagan, Synnaeve & Rozière, "Getting the most out of your tokenizer", ICML 2024,
 * arXiv 2402.01035, its compression metric NSL):
 *
 *   NSL(λ/β) = Σ_{x∈D} |T_λ(x)| / Σ_{x∈D} |T_β(x)|
 *
 * Below 1: λ needs fewer tokens than the reference on the same text.
 */
export function normalizedSequenceLength(tokens: number, referenceTokens: number): number {
  checkCount(tokens, "tokens");
  checkCount(referenceTokens, "referenceTokens");
  return tokens / referenceTokens;
}

/**
 * Rényi entropy of order α of the unigram distribution p_i = c_i / Σc of token counts, in bits:
 *
 *   H_α(p) = 1 / (1 − α) · log₂ Σ_i p_i^α      (α ≠ 1; α = 1 is Shannon's −Σ p_i log₂ p_i)
 */
export function renyiEntropy(counts: Iterable<number>, alpha = 2.5): number {
  if (typeof alpha !== "number" || !(alpha > 0) || alpha === Infinity) {
    throw new InvalidArgumentError(`renyiEntropy: alpha must be a positive finite number, got ${String(alpha)}`);
  }
  let total = 0;
  const cs: number[] = [];
  for (const c of counts) {
    checkCount(c, "count");
    if (c > 0) {
      cs.push(c);
      total += c;
    }
  }
  if (total === 0) return NaN;
  if (alpha === 1) {
    let h = 0;
    for (const c of cs) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
    return h;
  }
  let s = 0;
  for (const c of cs) s += (c / total) ** alpha;
  return Math.log2(s) / (1 - alpha);
}

/**
 * Rényi efficiency of a tokenizer's token distribution (Zouhar et al., "Tokenization and the
 * Noiseless Channel", ACL 2023, its definition of efficiency; α = 2.5 as in BoundlessBPE,
 * Schmidt et al., arXiv 2504.00178, in its evaluation):
 *
 *   Eff_α = H_α(p) / log |V|
 *
 * H_α over the same base as the log (the ratio does not depend on the base), |V| the size of
 * the vocabulary: 1 for a uniform use of every token. Zouhar's reference code
 * (tokenization-scorer) divides by the number of token types seen unless told the vocabulary
 * size; pass that count as `vocabSize` for its default.
 */
export function renyiEfficiency(counts: Iterable<number>, vocabSize: number, alpha = 2.5): number {
  if (!Number.isInteger(vocabSize) || vocabSize < 2) {
    throw new InvalidArgumentError(`renyiEfficiency: vocabSize must be an integer ≥ 2, got ${String(vocabSize)}`);
  }
  return renyiEntropy(counts, alpha) / Math.log2(vocabSize);
}

/**
 * Per-language token premium on parallel text (Petrov et al., "Language Model Tokenizers
 * Introduce Unfairness Between Languages", NeurIPS 2023; the per-language cost Parity-aware BPE,
 * Foroutan et al., arXiv 2508.04796, equalises):
 *
 *   premium(l) = |T(x_l)| / |T(x_ref)|
 *
 * for the translations x_l of the same content; 1 for the reference language.
 */
export function premiums(tokensByLanguage: Readonly<Record<string, number>>, referenceLanguage: string): Record<string, number> {
  const ref = tokensByLanguage[referenceLanguage];
  if (ref === undefined) {
    throw new InvalidArgumentError(`premiums: no token count for the reference language ${JSON.stringify(referenceLanguage)}`);
  }
  const out: Record<string, number> = {};
  for (const [lang, n] of Object.entries(tokensByLanguage)) out[lang] = normalizedSequenceLength(n, ref);
  return out;
}

/**
 * Gini coefficient of non-negative values x_1..x_n (mean μ), as Parity-aware BPE
 * (arXiv 2508.04796) reports it over per-language costs:
 *
 *   G = Σ_i Σ_j |x_i − x_j| / (2 n² μ)
 *
 * 0 when every language costs the same; it approaches 1 as one language takes all the cost.
 * Scale-free, so the Gini of premiums equals that of raw token counts.
 */
export function gini(values: ArrayLike<number>): number {
  const xs = Array.from(values);
  for (const x of xs) checkCount(x, "value");
  const n = xs.length;
  if (n === 0) return NaN;
  xs.sort((a, b) => a - b);
  // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n + 1) x_(i) over sorted values (0-based i): O(n log n).
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    sum += xs[i]!;
    weighted += (2 * i - n + 1) * xs[i]!;
  }
  if (sum === 0) return 0;
  return (2 * weighted) / (2 * n * sum);
}

/**
 * Lorenz curve of the values: points (k/n, share of the total held by the k smallest values)
 * for k = 0..n. Twice the area between it and the diagonal is the Gini coefficient.
 */
export function lorenzCurve(values: ArrayLike<number>): Array<[number, number]> {
  const xs = Array.from(values).sort((a, b) => a - b);
  const total = xs.reduce((s, x) => s + x, 0);
  const pts: Array<[number, number]> = [[0, 0]];
  let acc = 0;
  xs.forEach((x, i) => {
    acc += x;
    pts.push([(i + 1) / xs.length, total === 0 ? (i + 1) / xs.length : acc / total]);
  });
  return pts;
}

/** Share of the vocabulary that occurs at least once: distinct ids used / |V|. */
export function vocabularyUtilisation(distinctTokens: number, vocabSize: number): number {
  checkCount(distinctTokens, "distinctTokens");
  if (!(vocabSize > 0)) throw new InvalidArgumentError(`vocabularyUtilisation: vocabSize must be positive, got ${String(vocabSize)}`);
  return distinctTokens / vocabSize;
}

/**
 * BPE's overhead over the fewest tokens the same vocabulary allows (PathPiece, Schmidt et al.,
 * "Tokenization Is More Than Compression", arXiv 2402.18376: the minimum corpus token count
 * under the vocabulary, a shortest path per pre-token):
 *
 *   overhead = |T_bpe(D)| / |T_min(D)| − 1
 *
 * 0.02 means BPE spends 2% more tokens than necessary.
 */
export function minTokenOverhead(tokens: number, minTokens: number): number {
  checkCount(tokens, "tokens");
  checkCount(minTokens, "minTokens");
  if (minTokens > tokens) throw new InvalidArgumentError(`minTokenOverhead: minTokens (${minTokens}) exceeds tokens (${tokens})`);
  return tokens / minTokens - 1;
}

function checkCount(x: unknown, what: string): void {
  if (typeof x !== "number" || !(x >= 0) || x === Infinity) {
    throw new InvalidArgumentError(`${what} must be a non-negative finite number, got ${String(x)}`);
  }
}
