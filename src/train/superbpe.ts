// SuperBPE (Liu et al., arXiv 2503.13423, §3 "a pretokenization curriculum"): train ordinary
// BPE with whitespace pre-tokenization up to a transition vocabulary size t, then go on without
// it, so that later merges may join whole words across spaces ("superword" tokens like
// " of the"). Stage 2's pre-tokenizer is the authors' released one (PythonNut/superbpe,
// utils.py `train_or_extend_tokenizer` with do_whitespace_pretokenization false): digits apart
// from everything else (HF Digits, not individual), digit runs cut into groups of three from
// the right (Split on `(?=(\d{3})+(?!\d))`), then byte-level; every other run of text, spaces
// and punctuation included, is one word.
//
// Stage 2 resumes from stage 1's merges: each stage-2 word starts as stage 1's BPE of it (the
// merges replayed on the whole word, HF merge-list semantics), and the merge loop continues
// with the same vocabulary and ids.
import { fromTokenizerJsonSync } from "../hf/index.js";
import { BYTE_TO_SYMBOL } from "./byte-level.js";
import type { CoreWords } from "./core.js";
import { resolvePattern, type TrainPattern } from "./patterns.js";
import { TrainedTokenizer } from "./trained.js";
import { toResult, type MergeState } from "./train.js";

const STAGE2 = "\\p{N}{1,3}(?=(?:\\p{N}{3})*(?!\\p{N}))|\\P{N}+";

/** Stage 2's pre-tokenizer (see the module comment). */
export const SUPERBPE_STAGE2: TrainPattern = {
  name: "superbpe",
  patStr: STAGE2,
  hfRegex: undefined,
  hfPreTokenizers: [
    { type: "Digits", individual_digits: false },
    { type: "Split", pattern: { Regex: "(?=(\\d{3})+(?!\\d))" }, behavior: "Isolated", invert: false },
  ],
  jsSource: STAGE2,
  compile: () => new RegExp(STAGE2, "gu"),
};

/** Stage-2 words, each as stage 1's tokens (internal ids). Sorted like wordsFromCounts. */
export function stage2Words(counts: Map<string, number>, stage1: MergeState): CoreWords {
  const r = toResult(stage1);
  const json = new TrainedTokenizer({
    name: "superbpe-stage1",
    tokens: r.tokens,
    merges: r.merges,
    mergeCounts: r.counts,
    specialTokens: [],
    pattern: resolvePattern("none"),
  }).toTokenizerJson();
  const stage1Bpe = fromTokenizerJsonSync(json);
  const keys = [...counts.keys()].sort();
  const parts: Uint32Array[] = [];
  let total = 0;
  for (const k of keys) {
    const ids = stage1Bpe.encode(k);
    for (let i = 0; i < ids.length; i++) {
      const rank = ids[i]!;
      ids[i] = rank < 256 ? BYTE_TO_SYMBOL[rank]! : rank;
    }
    parts.push(ids);
    total += ids.length;
  }
  const symbols = new Uint32Array(total);
  const starts = new Uint32Array(keys.length + 1);
  const wc = new Float64Array(keys.length);
  let o = 0;
  for (let w = 0; w < keys.length; w++) {
    starts[w] = o;
    symbols.set(parts[w]!, o);
    o += parts[w]!.length;
    wc[w] = counts.get(keys[w]!)!;
  }
  starts[keys.length] = o;
  return { symbols, starts, counts: wc };
}
