// compareTokenizers: many tokenizers × many corpora → one Report of the metrics of metrics.ts.
// Renderers for it (JSON, CSV, a text table) are in render.ts, the HTML page in html-report.ts.

import { isSegmentation, segment, SEGMENTATIONS, type Segmentation } from "../encoders/index.js";
import { InvalidArgumentError } from "../errors.js";
import { Encoding } from "../openai/encoding.js";
import { getEncoding } from "../openai/load.js";
import { isEncodingName, listEncodings } from "../openai/models.js";
import { HfTokenizer } from "../hf/index.js";
import {
  addSizes,
  compression,
  gini,
  lorenzCurve,
  minTokenOverhead,
  normalizedSequenceLength,
  premiums,
  renyiEfficiency,
  textSize,
  vocabularyUtilisation,
  type TextSize,
} from "./metrics.js";

/** Anything that turns text into ids: `encode` is all that is needed. */
export interface TokenizerLike {
  encode(text: string): ArrayLike<number>;
  /** Label in the report (else "tokenizer N"). */
  name?: string;
  /** Vocabulary size, for Rényi efficiency and utilisation (`nVocab` is read too). */
  vocabSize?: number;
  nVocab?: number;
}

/** An Encoding (or encoding name) under one of the segmentations of src/encoders. */
export interface SegmentedTokenizer {
  tokenizer: Encoding | string;
  segmentation: Segmentation;
  /** "dropout" only (default 0.1). */
  p?: number;
  /** "dropout" only (default 0). */
  seed?: number;
  label?: string;
}

/**
 * A tokenizer to compare: a built-in encoding name, optionally with a segmentation
 * (`"o200k_base"`, `"o200k_base:min-tokens"`, `"cl100k_base:dropout:0.1"`), an Encoding, an
 * HfTokenizer (encoded without post-processor specials), a SegmentedTokenizer, or any
 * TokenizerLike.
 */
export type TokenizerInput = string | Encoding | HfTokenizer | SegmentedTokenizer | LabelledTokenizer | TokenizerLike;

/** An Encoding or a tokenizer.json tokenizer under a label of the caller's choosing. */
export interface LabelledTokenizer {
  label: string;
  tokenizer: Encoding | HfTokenizer;
}

/** Text to measure: one string, documents (each encoded on its own), or a stream of parts. */
export type CorpusText = string | Iterable<string> | AsyncIterable<string | Uint8Array>;

export interface CorpusInput {
  label: string;
  text: CorpusText;
  /** Language of the text: corpora with languages are taken as translations of each other (parallel). */
  language?: string;
  /** Free-form domain label (code, legal, chat...), carried into the report. */
  domain?: string;
}

export interface CompareOptions {
  /** Tokenizer (a label, or a TokenizerInput given in `tokenizers`) NSL is measured against; default the first. */
  reference?: string;
  /** Language premiums are relative to (default "en"). */
  referenceLanguage?: string;
  /** Rényi order (default 2.5). */
  alpha?: number;
  /** Count the fewest possible tokens for Encoding-based tokenizers (default true). */
  minTokens?: boolean;
  /** Called after each tokenizer × corpus pair. */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface ReportTokenizer {
  label: string;
  kind: "encoding" | "tokenizer.json" | "custom";
  /** Encoding name for "encoding" kinds. */
  encoding?: string;
  segmentation?: Segmentation;
  vocabSize: number | null;
}

export interface ReportCorpus extends TextSize {
  label: string;
  language?: string;
  domain?: string;
  documents: number;
}

/** One tokenizer on one corpus. Metrics that need what a tokenizer lacks are null. */
export interface ReportRow {
  tokenizer: string;
  corpus: string;
  tokens: number;
  bytesPerToken: number;
  charsPerToken: number;
  wordsPerToken: number;
  tokensPerByte: number;
  /** Tokens / reference tokenizer's tokens on the same corpus. */
  nsl: number;
  /** Rényi efficiency (order `alpha`) of this corpus's token distribution. */
  renyiEfficiency: number | null;
  distinctTokens: number;
  vocabularyUtilisation: number | null;
  /** Fewest tokens the same vocabulary allows (min-tokens segmentation). */
  minTokens: number | null;
  /** tokens / minTokens − 1. */
  minTokenOverhead: number | null;
}

export interface ReportTotal {
  tokenizer: string;
  tokens: number;
  bytesPerToken: number;
  nsl: number;
  renyiEfficiency: number | null;
  distinctTokens: number;
  vocabularyUtilisation: number | null;
  minTokens: number | null;
  minTokenOverhead: number | null;
}

export interface ReportParity {
  tokenizer: string;
  /** Language → premium (1 for the reference language). */
  premiums: Record<string, number>;
  gini: number;
  /** Lorenz curve of the premiums: [share of languages, share of tokens]. */
  lorenz: Array<[number, number]>;
}

export interface Report {
  version: 1;
  alpha: number;
  reference: string;
  referenceLanguage: string | null;
  tokenizers: ReportTokenizer[];
  corpora: ReportCorpus[];
  rows: ReportRow[];
  totals: ReportTotal[];
  /** Per-language premiums, when at least two corpora have languages and one is the reference language. */
  parity: ReportParity[] | null;
}

interface Resolved {
  info: ReportTokenizer;
  encode(text: string): ArrayLike<number>;
  /** Encoding whose min-tokens count bounds this tokenizer's, if any. */
  base?: Encoding;
}

/**
 * Measures every tokenizer on every corpus: compression (bytes, characters and words per
 * token), NSL against a reference tokenizer, Rényi efficiency, vocabulary utilisation, the
 * fewest tokens the vocabulary allows and the overhead over it, and — for corpora labelled by
 * language — per-language premiums with their Gini coefficient and Lorenz curve.
 * @example await compareTokenizers(["o200k_base", "cl100k_base", "o200k_base:min-tokens"], [{ label: "en", text }])
 * @throws InvalidArgumentError for unknown tokenizers, empty inputs or duplicate labels.
 */
export async function compareTokenizers(
  tokenizers: readonly TokenizerInput[],
  corpora: readonly CorpusInput[],
  options: CompareOptions = {},
): Promise<Report> {
  if (!Array.isArray(tokenizers) || tokenizers.length === 0) throw new InvalidArgumentError("compareTokenizers: give at least one tokenizer");
  if (!Array.isArray(corpora) || corpora.length === 0) throw new InvalidArgumentError("compareTokenizers: give at least one corpus");
  const alpha = options.alpha ?? 2.5;
  if (typeof alpha !== "number" || !(alpha > 0) || alpha === Infinity) throw new InvalidArgumentError(`compareTokenizers: alpha must be a positive number, got ${String(alpha)}`);
  const resolved: Resolved[] = [];
  for (let i = 0; i < tokenizers.length; i++) resolved.push(await resolveTokenizer(tokenizers[i]!, i));
  unique(resolved.map((r) => r.info.label), "tokenizer");
  const docs: string[][] = [];
  const corpusInfo: ReportCorpus[] = [];
  for (const c of corpora) {
    if (!c || typeof c.label !== "string" || !c.label) throw new InvalidArgumentError("compareTokenizers: each corpus needs a non-empty label");
    const d = await documentsOf(c);
    docs.push(d);
    let size: TextSize = { bytes: 0, chars: 0, words: 0 };
    for (const t of d) size = addSizes(size, textSize(t));
    if (size.bytes === 0) throw new InvalidArgumentError(`compareTokenizers: corpus ${JSON.stringify(c.label)} is empty`);
    corpusInfo.push({ label: c.label, ...(c.language ? { language: c.language } : {}), ...(c.domain ? { domain: c.domain } : {}), documents: d.length, ...size });
  }
  unique(corpusInfo.map((c) => c.label), "corpus");
  const refLabel = options.reference ?? resolved[0]!.info.label;
  const refIndex = resolved.findIndex((r) => r.info.label === refLabel);
  if (refIndex < 0) {
    throw new InvalidArgumentError(`compareTokenizers: reference ${JSON.stringify(refLabel)} is none of the tokenizers (${resolved.map((r) => r.info.label).join(", ")})`);
  }

  const total = resolved.length * docs.length;
  let done = 0;
  const tokens: number[][] = [];
  const hists: Array<Array<Map<number, number>>> = [];
  const minCache = new Map<Encoding, number[]>();
  const mins: Array<Array<number | null>> = [];
  for (const r of resolved) {
    const t: number[] = [];
    const h: Array<Map<number, number>> = [];
    const m: Array<number | null> = [];
    for (let c = 0; c < docs.length; c++) {
      const hist = new Map<number, number>();
      let n = 0;
      for (const d of docs[c]!) {
        const ids = r.encode(d);
        n += ids.length;
        for (let k = 0; k < ids.length; k++) hist.set(ids[k]!, (hist.get(ids[k]!) ?? 0) + 1);
      }
      t.push(n);
      h.push(hist);
      let min: number | null = null;
      if (r.base && options.minTokens !== false) {
        let perCorpus = minCache.get(r.base);
        if (!perCorpus) minCache.set(r.base, (perCorpus = []));
        min = perCorpus[c] ??= docs[c]!.reduce((s, d) => s + segment(r.base!, d, { segmentation: "min-tokens" }).length, 0);
      }
      m.push(min);
      options.onProgress?.(++done, total, `${r.info.label} × ${corpusInfo[c]!.label}`);
    }
    tokens.push(t);
    hists.push(h);
    mins.push(m);
  }

  const rows: ReportRow[] = [];
  const totals: ReportTotal[] = [];
  const refTotal = tokens[refIndex]!.reduce((s, x) => s + x, 0);
  resolved.forEach((r, i) => {
    const V = r.info.vocabSize;
    const all = new Map<number, number>();
    let tokSum = 0;
    let bytesSum = 0;
    let minSum: number | null = 0;
    corpusInfo.forEach((c, k) => {
      const n = tokens[i]![k]!;
      const hist = hists[i]![k]!;
      for (const [id, x] of hist) all.set(id, (all.get(id) ?? 0) + x);
      const min = mins[i]![k]!;
      tokSum += n;
      bytesSum += c.bytes;
      minSum = min === null || minSum === null ? null : minSum + min;
      rows.push({
        tokenizer: r.info.label,
        corpus: c.label,
        tokens: n,
        ...compression(c, n),
        nsl: normalizedSequenceLength(n, tokens[refIndex]![k]!),
        renyiEfficiency: V !== null && V >= 2 && n > 0 ? renyiEfficiency(hist.values(), V, alpha) : null,
        distinctTokens: hist.size,
        vocabularyUtilisation: V !== null ? vocabularyUtilisation(hist.size, V) : null,
        minTokens: min,
        minTokenOverhead: min !== null && min > 0 ? minTokenOverhead(n, min) : null,
      });
    });
    totals.push({
      tokenizer: r.info.label,
      tokens: tokSum,
      bytesPerToken: bytesSum / tokSum,
      nsl: normalizedSequenceLength(tokSum, refTotal),
      renyiEfficiency: V !== null && V >= 2 && tokSum > 0 ? renyiEfficiency(all.values(), V, alpha) : null,
      distinctTokens: all.size,
      vocabularyUtilisation: V !== null ? vocabularyUtilisation(all.size, V) : null,
      minTokens: minSum,
      minTokenOverhead: minSum !== null && minSum > 0 ? minTokenOverhead(tokSum, minSum) : null,
    });
  });

  const refLang = options.referenceLanguage ?? "en";
  const langs = [...new Set(corpusInfo.flatMap((c) => (c.language ? [c.language] : [])))];
  let parity: ReportParity[] | null = null;
  if (langs.length >= 2 && langs.includes(refLang)) {
    parity = resolved.map((r, i) => {
      const byLang: Record<string, number> = {};
      corpusInfo.forEach((c, k) => {
        if (c.language) byLang[c.language] = (byLang[c.language] ?? 0) + tokens[i]![k]!;
      });
      const p = premiums(byLang, refLang);
      const values = Object.values(p);
      return { tokenizer: r.info.label, premiums: p, gini: gini(values), lorenz: lorenzCurve(values) };
    });
  }
  return {
    version: 1,
    alpha,
    reference: refLabel,
    referenceLanguage: parity ? refLang : null,
    tokenizers: resolved.map((r) => r.info),
    corpora: corpusInfo,
    rows,
    totals,
    parity,
  };
}

/** `"name"`, `"name:segmentation"` or `"name:dropout:p"`. */
export function parseTokenizerSpec(spec: string): SegmentedTokenizer | { tokenizer: string } {
  const [name, seg, p, ...rest] = spec.split(":");
  if (!name || !isEncodingName(name)) {
    throw new InvalidArgumentError(`unknown encoding ${JSON.stringify(name)} in ${JSON.stringify(spec)}; known: ${listEncodings().join(", ")}`);
  }
  if (seg === undefined) return { tokenizer: name };
  if (!isSegmentation(seg)) {
    throw new InvalidArgumentError(`unknown segmentation ${JSON.stringify(seg)} in ${JSON.stringify(spec)}; expected one of ${SEGMENTATIONS.join(", ")}`);
  }
  if (rest.length > 0 || (p !== undefined && seg !== "dropout")) throw new InvalidArgumentError(`cannot read tokenizer spec ${JSON.stringify(spec)}: expected name[:segmentation] or name:dropout:p`);
  if (p === undefined) return { tokenizer: name, segmentation: seg, label: spec };
  const pv = Number(p);
  if (p === "" || !(pv >= 0 && pv <= 1)) throw new InvalidArgumentError(`dropout probability must be in [0, 1], got ${JSON.stringify(p)} in ${JSON.stringify(spec)}`);
  return { tokenizer: name, segmentation: seg, p: pv, label: spec };
}

async function resolveTokenizer(t: TokenizerInput, i: number): Promise<Resolved> {
  if (typeof t === "string") {
    const spec = parseTokenizerSpec(t);
    if (!("segmentation" in spec)) return fromEncoding(await getEncoding(spec.tokenizer), t);
    return resolveTokenizer({ ...spec, label: t }, i);
  }
  if (t instanceof Encoding) return fromEncoding(t, t.name);
  if (t instanceof HfTokenizer) {
    return {
      info: { label: `tokenizer.json ${t.modelType} #${i + 1}`, kind: "tokenizer.json", vocabSize: t.vocabSize },
      encode: (text) => t.encode(text, { addSpecialTokens: false }),
    };
  }
  if (t && typeof t === "object" && "tokenizer" in t && !("segmentation" in t)) {
    const { tokenizer, label } = t as LabelledTokenizer;
    const r = await resolveTokenizer(tokenizer, i);
    if (typeof label !== "string" || !label) throw new InvalidArgumentError(`tokenizer ${i + 1}: label must be a non-empty string`);
    return { ...r, info: { ...r.info, label } };
  }
  if (t && typeof t === "object" && "segmentation" in t && "tokenizer" in t) {
    const enc = typeof t.tokenizer === "string" ? await getEncoding(t.tokenizer) : t.tokenizer;
    if (!(enc instanceof Encoding)) throw new InvalidArgumentError(`tokenizer ${i + 1}: a segmentation needs an Encoding or an encoding name`);
    const seg = t.segmentation;
    if (!isSegmentation(seg)) throw new InvalidArgumentError(`tokenizer ${i + 1}: unknown segmentation ${JSON.stringify(seg)}`);
    if (seg === "bpe") return fromEncoding(enc, t.label ?? enc.name);
    const opts = seg === "dropout" ? { segmentation: seg, p: t.p ?? 0.1, seed: t.seed ?? 0 } : { segmentation: seg };
    const label = t.label ?? `${enc.name}:${seg}${seg === "dropout" ? `:${opts.p}` : ""}`;
    return {
      info: { label, kind: "encoding", encoding: enc.name, segmentation: seg, vocabSize: seg === "bytes" ? 256 : enc.nVocab },
      encode: (text) => segment(enc, text, opts),
      ...(seg === "bytes" ? {} : { base: enc }),
    };
  }
  if (t && typeof (t as TokenizerLike).encode === "function") {
    const like = t as TokenizerLike;
    const v = like.vocabSize ?? like.nVocab;
    return {
      info: { label: like.name ?? `tokenizer ${i + 1}`, kind: "custom", vocabSize: typeof v === "number" && v > 0 ? v : null },
      encode: (text) => like.encode(text),
    };
  }
  throw new InvalidArgumentError(`tokenizer ${i + 1}: expected an encoding name, an Encoding, an HfTokenizer, { tokenizer, segmentation } or an object with encode(text)`);
}

function fromEncoding(enc: Encoding, label: string): Resolved {
  return {
    info: { label, kind: "encoding", encoding: enc.name, segmentation: "bpe", vocabSize: enc.nVocab },
    encode: (text) => enc.encodeOrdinary(text),
    base: enc,
  };
}

async function documentsOf(c: CorpusInput): Promise<string[]> {
  const t = c.text;
  if (typeof t === "string") return [t];
  if (t && typeof (t as Iterable<string>)[Symbol.iterator] === "function") {
    const out: string[] = [];
    for (const d of t as Iterable<string>) {
      if (typeof d !== "string") throw new InvalidArgumentError(`corpus ${JSON.stringify(c.label)}: documents must be strings, got ${typeof d}`);
      out.push(d);
    }
    return out;
  }
  if (t && typeof (t as AsyncIterable<string>)[Symbol.asyncIterator] === "function") {
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let s = "";
    try {
      for await (const part of t as AsyncIterable<string | Uint8Array>) {
        if (typeof part === "string") s += part;
        else if (part instanceof Uint8Array) s += decoder.decode(part, { stream: true });
        else throw new InvalidArgumentError(`corpus ${JSON.stringify(c.label)}: a stream must yield strings or Uint8Arrays`);
      }
      return [s + decoder.decode()];
    } catch (e) {
      if (e instanceof TypeError) throw new InvalidArgumentError(`corpus ${JSON.stringify(c.label)}: the stream's bytes are not valid UTF-8 (after ${s.length} characters)`);
      throw e;
    }
  }
  throw new InvalidArgumentError(`corpus ${JSON.stringify(c.label)}: text must be a string, an iterable of strings or an async iterable`);
}

function unique(labels: string[], what: string): void {
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new InvalidArgumentError(`compareTokenizers: two ${what}s are labelled ${JSON.stringify(l)}; labels must be unique`);
    seen.add(l);
  }
}

