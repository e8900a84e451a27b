// train(): corpus → word counts → merge loop → TrainedTokenizer. Classic mode reproduces HF
// BpeTrainer's merges (rules in core.ts).
import { InvalidArgumentError } from "../errors.js";
import type { LoadOptions } from "../index.js";
import { BYTE_TO_SYMBOL, HF_BYTE_ORDER } from "./byte-level.js";
import { addMerge, initialState, type MergeState } from "./merge-state.js";
import { MAX_IDS, type CoreWords, type MergeCore } from "./core.js";
import { JsMergeCore } from "./core-js.js";
import { countWords, type InvalidUtf8Option, type TrainSource } from "./count.js";
import { SpecialTokenCollisionError, VocabSizeError } from "./errors.js";
import { resolvePattern, type PatternName, type TrainPattern } from "./patterns.js";
import { TrainedTokenizer, type TrainedTokenizerParts } from "./trained.js";
import { SUPERBPE_STAGE2, stage2Words } from "./superbpe.js";
import { createWasmMergeCore, wasmAvailable } from "./core-wasm.js";
import { parityWords, runParityMerges } from "./parity.js";
import { runBoundlessMerges, sequenceWords, type BoundlessState } from "./boundless.js";
import { runScaffoldMerges, symbolFrequencies, type ScaffoldState } from "./scaffold.js";

export { addMerge, initialState, type MergeState } from "./merge-state.js";

export type TrainProgress =
  | { phase: "count"; words: number; distinct: number; bytes: number }
  | { phase: "merge"; merges: number; vocab: number; vocabSize: number; count: number };

export interface TrainOptions {
  /** Ids in the result: 256 bytes + merged tokens + special tokens (HF's vocab_size). */
  vocabSize: number;
  /** A pair merges only if it occurs at least this often (HF min_frequency; default 0). */
  minFrequency?: number;
  /** Added after the ordinary tokens, never split, never merged. */
  specialTokens?: readonly string[];
  /** Pre-tokenizer: "o200k" (default), "cl100k", "gpt2", "llama3", "none", or a regex string. */
  pattern?: PatternName | (string & {});
  /** The alphabet is the 256 bytes, so every input encodes; only true is supported. */
  byteLevel?: boolean;
  /** Ill-formed UTF-8 in files and byte streams: throw (default) or read as U+FFFD. */
  invalidUtf8?: InvalidUtf8Option;
  /** Called while words are counted and every 64 merges. */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Worker threads counting the words of files and streams; 1 counts on the calling thread.
   * Default: 1 on machines of up to 2 cores (there the main thread's reading, decoding and
   * copying to the workers ate the gain: bench/train.mjs), else cores - 1, at most 8. The
   * result does not depend on it.
   */
  threads?: number;
  /** Merge loop: "auto" (WASM where it runs, default), "wasm" or "js". */
  engine?: "auto" | "wasm" | "js";
  /**
   * SuperBPE (arXiv 2503.13423): train with `pattern` until the vocabulary has
   * `transitionVocabSize` ids, then without whitespace pre-tokenization up to vocabSize, so
   * that tokens can span words. The result's pattern is the second stage's.
   */
  superBpe?: { transitionVocabSize: number };
  /**
   * Scaffold-BPE (arXiv 2404.17808): tokens that fall below the queue's next frequency once
   * merged into longer ones become scaffold tokens: kept for merging, left out of the
   * vocabulary's size, and demolished into their parts when encoding. Parameter-free: `true`
   * or `{}`.
   */
  scaffold?: boolean | Record<string, never>;
  /**
   * BoundlessBPE (arXiv 2504.00178): besides ordinary merges, supermerges of two adjacent
   * pretokens that are each one complete token of letters (" of" + " the" → " of the"), the
   * superword spanning at most `maxPretokens` pretokens (default 2). Runs on the TS merge loop.
   */
  boundless?: boolean | { maxPretokens?: number };
  /**
   * Parity-aware BPE (arXiv 2508.04796): the source is `{ languages: { en: ..., de: ... } }`
   * (one corpus per language); each merge is the most frequent pair of the language compressed
   * worst so far: the one whose `dev` text (parallel: the same content in every language) takes
   * the most tokens, or without `dev` the one whose own corpus is compressed least. The first
   * `globalMerges` merges (default 0) are classic ones over all languages.
   */
  parity?: { dev?: Readonly<Record<string, TrainSource>>; globalMerges?: number };
  /** Name of the resulting Encoding. */
  name?: string;
  /** Passed to createEncoding for the result's Encoding. */
  loadOptions?: LoadOptions;
}

const KNOWN_OPTIONS = new Set([
  "vocabSize", "minFrequency", "specialTokens", "pattern", "byteLevel", "invalidUtf8", "onProgress", "threads", "engine", "superBpe", "scaffold", "boundless", "parity", "name", "loadOptions",
]);

interface Checked {
  threads: number;
  transition: number | undefined;
  vocabSize: number;
  minFrequency: number;
  specialTokens: string[];
  engine: "auto" | "wasm" | "js";
  scaffold: boolean;
  /** BoundlessBPE's span limit (undefined: not BoundlessBPE). */
  maxPretokens: number | undefined;
  /** Parity-aware BPE's global merges (undefined: not parity-aware). */
  globalMerges: number | undefined;
}

function checkOptions(options: TrainOptions): Checked {
  if (options == null || typeof options !== "object") throw new InvalidArgumentError("train: options { vocabSize, ... } are required");
  for (const k of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(k)) throw new InvalidArgumentError(`train: unknown option ${JSON.stringify(k)}`);
  }
  if (options.byteLevel === false) {
    throw new InvalidArgumentError("train: byteLevel: false (a character alphabet) is not supported; the alphabet is the 256 bytes");
  }
  const specialTokens = [...(options.specialTokens ?? [])];
  const seen = new Set<string>();
  for (const t of specialTokens) {
    if (typeof t !== "string" || t === "") throw new SpecialTokenCollisionError(String(t), "is not a non-empty string");
    if (seen.has(t)) throw new SpecialTokenCollisionError(t, "is given twice");
    seen.add(t);
  }
  const minimum = 256 + specialTokens.length;
  const v = options.vocabSize;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new VocabSizeError(v, minimum, "not an integer");
  if (v < minimum) {
    throw new VocabSizeError(v, minimum, `it must hold the 256 bytes and ${specialTokens.length} special token(s)`);
  }
  if (v > MAX_IDS) throw new VocabSizeError(v, minimum, `at most ${MAX_IDS} ids are supported`);
  const minFrequency = options.minFrequency ?? 0;
  if (typeof minFrequency !== "number" || !Number.isInteger(minFrequency) || minFrequency < 0) {
    throw new InvalidArgumentError(`train: minFrequency ${String(minFrequency)} is not a non-negative integer`);
  }
  const engine = options.engine ?? "auto";
  if (engine !== "auto" && engine !== "wasm" && engine !== "js") {
    throw new InvalidArgumentError(`train: engine ${JSON.stringify(engine)} is not "auto", "wasm" or "js"`);
  }
  const u = options.invalidUtf8 ?? "error";
  if (u !== "error" && u !== "replace") throw new InvalidArgumentError(`train: invalidUtf8 ${JSON.stringify(u)} is not "error" or "replace"`);
  const threads = options.threads ?? defaultThreads();
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InvalidArgumentError(`train: threads ${String(threads)} is not an integer in [1, 256]`);
  }
  let transition: number | undefined;
  if (options.superBpe !== undefined) {
    const t = options.superBpe?.transitionVocabSize;
    if (typeof t !== "number" || !Number.isInteger(t) || t < minimum || t > v) {
      throw new InvalidArgumentError(
        `train: superBpe.transitionVocabSize ${String(t)} must be an integer in [${minimum}, vocabSize ${v}]`,
      );
    }
    transition = t;
  }
  let scaffold = false;
  if (options.scaffold !== undefined && options.scaffold !== false) {
    const sc = options.scaffold as unknown;
    if (sc !== true && (sc === null || typeof sc !== "object" || Array.isArray(sc) || Object.keys(sc).length > 0)) {
      throw new InvalidArgumentError(`train: scaffold must be true or {} (Scaffold-BPE has no parameters), got ${JSON.stringify(sc)}`);
    }
    if (transition !== undefined) throw new InvalidArgumentError("train: scaffold and superBpe cannot be combined");
    scaffold = true;
  }
  let maxPretokens: number | undefined;
  if (options.boundless !== undefined && options.boundless !== false) {
    const b = options.boundless as unknown;
    const mp = b === true ? 2 : (b as { maxPretokens?: unknown } | null)?.maxPretokens ?? 2;
    if (b !== true && (b === null || typeof b !== "object" || Object.keys(b).some((k) => k !== "maxPretokens"))) {
      throw new InvalidArgumentError(`train: boundless must be true or { maxPretokens }, got ${JSON.stringify(b)}`);
    }
    if (typeof mp !== "number" || !Number.isInteger(mp) || mp < 2 || mp > 64) {
      throw new InvalidArgumentError(`train: boundless.maxPretokens ${String(mp)} is not an integer in [2, 64]`);
    }
    if (transition !== undefined || scaffold) throw new InvalidArgumentError("train: boundless cannot be combined with superBpe or scaffold");
    if (engine === "wasm") throw new InvalidArgumentError('train: boundless runs on the TS merge loop; use engine "auto" or "js"');
    maxPretokens = mp;
  }
  let globalMerges: number | undefined;
  if (options.parity !== undefined) {
    const pa = options.parity as unknown;
    if (pa === null || typeof pa !== "object" || Object.keys(pa).some((k) => k !== "dev" && k !== "globalMerges")) {
      throw new InvalidArgumentError(`train: parity must be { dev?, globalMerges? }, got ${JSON.stringify(pa)}`);
    }
    const g = options.parity.globalMerges ?? 0;
    if (typeof g !== "number" || !Number.isInteger(g) || g < 0) throw new InvalidArgumentError(`train: parity.globalMerges ${String(g)} is not a non-negative integer`);
    if (transition !== undefined || scaffold || maxPretokens !== undefined) {
      throw new InvalidArgumentError("train: parity cannot be combined with superBpe, scaffold or boundless");
    }
    globalMerges = g;
  }
  return { vocabSize: v, minFrequency, specialTokens, engine, threads, transition, scaffold, maxPretokens, globalMerges };
}

function defaultThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
  const cores = os?.availableParallelism?.() ?? 1;
  return cores <= 2 ? 1 : Math.min(8, cores - 1);
}

/**
 * Word counts → the cores' input. Words are sorted (UTF-16 order) so that the result does not
 * depend on the order in which counts were gathered.
 */
export function wordsFromCounts(counts: Map<string, number>): CoreWords {
  const keys = [...counts.keys()].sort();
  // One encode of all the words (one call per word costs more than the rest together); each
  // word's UTF-8 length comes from its UTF-16 (a lone surrogate becomes U+FFFD, 3 bytes).
  const utf8 = new TextEncoder().encode(keys.join(""));
  const symbols = new Uint32Array(utf8.length);
  for (let i = 0; i < utf8.length; i++) symbols[i] = BYTE_TO_SYMBOL[utf8[i]!]!;
  const starts = new Uint32Array(keys.length + 1);
  const wc = new Float64Array(keys.length);
  let o = 0;
  for (let w = 0; w < keys.length; w++) {
    starts[w] = o;
    const k = keys[w]!;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (c < 0x80) o += 1;
      else if (c < 0x800) o += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < k.length && (k.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        o += 4;
        i++;
      } else o += 3;
    }
    wc[w] = counts.get(k)!;
  }
  starts[keys.length] = o;
  return { symbols, starts, counts: wc };
}

export interface MergeResult {
  /** Token bytes by rank. */
  tokens: Uint8Array[];
  /** (left, right, result) rank triples. */
  merges: Uint32Array;
  /** The pair count of each merge when it was made. */
  counts: Float64Array;
}

/**
 * The merge loop's driver: owns the vocabulary (so both cores share the token bookkeeping),
 * asks the core for the next pair, names the merged token, tells the core to apply it. Goes on
 * from `state` (SuperBPE's second stage continues the first one's).
 */
export function runMerges(
  core: MergeCore,
  maxTokens: number,
  minFrequency: number,
  progress?: (merges: number, vocab: number, count: number) => void,
  state: MergeState = initialState(),
): MergeState {
  const { spell, merges } = state;
  while (spell.length < maxTokens) {
    if (!core.next(minFrequency)) break;
    const id = addMerge(state, core.a, core.b, core.count);
    core.apply(id);
    if (progress && (merges.length / 3) % 64 === 0) progress(merges.length / 3, spell.length, core.count);
  }
  return state;
}

/** Internal ids → ranks (bytes in byte order first). */
export function toResult(state: MergeState): MergeResult {
  const { spell, merges, counts } = state;
  const rank = (id: number): number => (id < 256 ? HF_BYTE_ORDER[id]! : id);
  const tokens = new Array<Uint8Array>(spell.length);
  for (let id = 0; id < spell.length; id++) {
    const s = spell[id]!;
    const t = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) t[i] = s.charCodeAt(i);
    tokens[rank(id)] = t;
  }
  return { tokens, merges: Uint32Array.from(merges, rank), counts: Float64Array.from(counts) };
}

export function createMergeCore(words: CoreWords, engine: "auto" | "wasm" | "js"): MergeCore {
  if (engine === "js" || (engine === "auto" && !wasmAvailable())) return new JsMergeCore(words);
  return createWasmMergeCore(words);
}

/**
 * Trains a byte-level BPE vocabulary.
 *
 * `source`: a string (one sequence), an iterable of strings (each one sequence), a Node
 * stream / async iterable of text or UTF-8 bytes (read line by line), or `{ files: [...] }`
 * (each file read line by line, like HF `Tokenizer.train(files)`).
 *
 * @example const tok = await train({ files: ["corpus.txt"] }, { vocabSize: 8000, pattern: "o200k" });
 *          tok.encode("hello world"); fs.writeFileSync("mine.tiktoken", tok.toTiktokenFile());
 * @throws EmptyCorpusError, VocabSizeError, SpecialTokenCollisionError, PatternSyntaxError,
 *         CorpusUtf8Error, CorpusReadError, InvalidArgumentError.
 */
export async function train(source: TrainSource, options: TrainOptions): Promise<TrainedTokenizer> {
  const opts = checkOptions(options);
  const pattern = resolvePattern(options.pattern);
  const onProgress = options.onProgress;
  const bySource = source !== null && typeof source === "object" && "languages" in source && !(Symbol.iterator in source);
  if (opts.globalMerges !== undefined || bySource) {
    if (opts.globalMerges === undefined) throw new InvalidArgumentError("train: a { languages } source needs the parity option");
    if (!bySource) throw new InvalidArgumentError("train: parity needs a source { languages: { name: corpus, ... } }");
    return trainParity((source as { languages: Readonly<Record<string, TrainSource>> }).languages, options, opts, pattern);
  }
  const stage2 = opts.transition !== undefined ? SUPERBPE_STAGE2 : undefined;
  const [counts, counts2] = await countWords(
    source,
    pattern,
    options.invalidUtf8 ?? "error",
    opts.threads,
    onProgress && ((p) => onProgress({ phase: "count", ...p })),
    stage2 ? [stage2] : opts.maxPretokens !== undefined ? [resolvePattern("none")] : [],
  );
  const maxTokens = opts.vocabSize - opts.specialTokens.length;
  const report =
    onProgress && ((merges: number, vocab: number, count: number) => onProgress({ phase: "merge", merges, vocab, vocabSize: maxTokens, count }));
  const loop = (words: CoreWords, until: number, state?: MergeState): MergeState => {
    const core = createMergeCore(words, opts.engine);
    try {
      return runMerges(core, until, opts.minFrequency, report, state);
    } finally {
      core.dispose();
    }
  };
  if (opts.maxPretokens !== undefined) {
    const words = wordsFromCounts(counts!);
    const seq = sequenceWords(counts2!, counts!, pattern.compile());
    counts!.clear();
    counts2!.clear();
    const core = new JsMergeCore(words);
    let st: BoundlessState;
    try {
      st = runBoundlessMerges(core, words, seq, maxTokens, opts.minFrequency, opts.maxPretokens, report);
    } finally {
      core.dispose();
    }
    return trained(st, options, opts, pattern, { boundless: { superMerges: st.superMerges, maxPretokens: opts.maxPretokens } });
  }
  if (opts.scaffold) {
    const words = wordsFromCounts(counts!);
    counts!.clear();
    const core = createMergeCore(words, opts.engine);
    let sc: ScaffoldState;
    try {
      sc = runScaffoldMerges(core, maxTokens, opts.minFrequency, symbolFrequencies(words.symbols, words.starts, words.counts), report);
    } finally {
      core.dispose();
    }
    const rank = (id: number): number => (id < 256 ? HF_BYTE_ORDER[id]! : id);
    const tokenFrequencies = new Float64Array(sc.frequency.length);
    sc.frequency.forEach((f, id) => (tokenFrequencies[rank(id)] = f));
    return trained(sc, options, opts, pattern, {
      scaffold: { ids: [...sc.scaffold].map(rank).sort((x, y) => x - y), tokenFrequencies, reintegrated: sc.reintegrated },
    });
  }
  let state = loop(wordsFromCounts(counts!), stage2 ? opts.transition! - opts.specialTokens.length : maxTokens);
  counts!.clear();
  if (stage2) state = loop(stage2Words(counts2!, state), maxTokens, state);
  return trained(state, options, opts, stage2 ?? pattern);
}

/** The TrainedTokenizer of a finished merge loop (`extra`: a variant's own parts). */
function trained(
  state: MergeState,
  options: TrainOptions,
  opts: Checked,
  pattern: TrainPattern,
  extra: Pick<TrainedTokenizerParts, "scaffold" | "boundless"> = {},
): TrainedTokenizer {
  const result = toResult(state);
  return new TrainedTokenizer({
    name: options.name ?? "trained",
    tokens: result.tokens,
    merges: result.merges,
    mergeCounts: result.counts,
    specialTokens: opts.specialTokens,
    pattern,
    loadOptions: options.loadOptions,
    ...extra,
  });
}

async function trainParity(
  languages: Readonly<Record<string, TrainSource>>,
  options: TrainOptions,
  opts: Checked,
  pattern: TrainPattern,
): Promise<TrainedTokenizer> {
  const names = Object.keys(languages ?? {});
  if (names.length < 2) throw new InvalidArgumentError(`train: parity needs at least two languages, got ${names.length}`);
  const dev = options.parity!.dev;
  if (dev !== undefined) {
    const missing = names.filter((n) => !Object.hasOwn(dev, n));
    const extra = Object.keys(dev).filter((n) => !names.includes(n));
    if (missing.length || extra.length) {
      throw new InvalidArgumentError(
        `train: parity.dev must have a text for exactly the corpus languages (missing: ${missing.join(", ") || "none"}; unknown: ${extra.join(", ") || "none"})`,
      );
    }
  }
  const onProgress = options.onProgress;
  // Counting progress runs on over the languages (bytes and words so far of all of them).
  const before = { words: 0, distinct: 0, bytes: 0 };
  const count = async (src: TrainSource): Promise<Map<string, number>> => {
    let last = { words: 0, distinct: 0, bytes: 0 };
    const report =
      onProgress &&
      ((p: { words: number; distinct: number; bytes: number }) => {
        last = p;
        onProgress({ phase: "count", words: before.words + p.words, distinct: before.distinct + p.distinct, bytes: before.bytes + p.bytes });
      });
    const m = (await countWords(src, pattern, options.invalidUtf8 ?? "error", opts.threads, report))[0]!;
    before.words += last.words;
    before.distinct += last.distinct;
    before.bytes += last.bytes;
    return m;
  };
  const train: Map<string, number>[] = [];
  for (const n of names) train.push(await count(languages[n]!));
  const devCounts: Map<string, number>[] | undefined = dev === undefined ? undefined : [];
  for (const n of dev === undefined ? [] : names) {
    devCounts!.push((await countWords(dev![n]!, pattern, options.invalidUtf8 ?? "error", opts.threads))[0]!);
  }
  const maxTokens = opts.vocabSize - opts.specialTokens.length;
  const report =
    onProgress && ((merges: number, vocab: number, c: number) => onProgress({ phase: "merge", merges, vocab, vocabSize: maxTokens, count: c }));
  const st = runParityMerges(parityWords(train, devCounts, names), maxTokens, opts.minFrequency, opts.globalMerges!, report);
  const tok = trained(st, options, opts, pattern);
  tok.mergeLanguages = st.chosenFor.map((l) => (l < 0 ? null : names[l]!));
  return tok;
}
