// The built-in encodings: which vocab file, which pre-tokenizer, which special tokens. Data
// only; loading lives in load.ts.

import { PATTERN_CL100K, PATTERN_O200K, PATTERN_R50K, type PatternId } from "../engines/engine.js";
import type { EncodingName } from "./models.js";

export interface EncodingSpec {
  /** vocab file under vocab/ */
  vocabFile: string;
  /** sha256 (hex) of the source rank data the vocab file was built from (scripts/vocab-sources.json) */
  sourceSha256: string;
  pattern: PatternId;
  specialTokens: Record<string, number>;
}

const ENDOFTEXT = "<|endoftext|>";
const R50K_SHA = "79bfa2b34bc64d5ab2407f1b21067e2e203e3de840c55328f71af542a54eadb6";
const P50K_SHA = "e23ec98d5839a941c3f9b4542d16aa752a5c369ca073d6da3193cfa409290c7c";
const CL100K_SHA = "3d687fd92cd8fa61f6e26453365e1678e1c35674dd3fcb3d686235c46d16e118";
const O200K_SHA = "46095c39ad133184da5315ac91dd491f39901e6d89a05f58f24717fd7cbf0523";

const r50k: EncodingSpec = {
  vocabFile: "r50k_base.tkv",
  sourceSha256: R50K_SHA,
  pattern: PATTERN_R50K,
  specialTokens: { [ENDOFTEXT]: 50256 },
};

const p50k: EncodingSpec = {
  vocabFile: "p50k_base.tkv",
  sourceSha256: P50K_SHA,
  pattern: PATTERN_R50K,
  specialTokens: { [ENDOFTEXT]: 50256 },
};

const o200k: EncodingSpec = {
  vocabFile: "o200k_base.tkv",
  sourceSha256: O200K_SHA,
  pattern: PATTERN_O200K,
  specialTokens: { [ENDOFTEXT]: 199999, "<|endofprompt|>": 200018 },
};

// tiktoken's o200k_harmony: o200k_base ranks and pattern, the harmony chat-format tokens, and
// every other id up to 201087 reserved. <|endofprompt|> keeps its o200k id (200018), which is
// also <|reserved_200018|>; it is listed first, so it is the one that decodes.
function harmonySpecials(): Record<string, number> {
  const specials: Record<string, number> = {
    "<|endofprompt|>": 200018,
    "<|startoftext|>": 199998,
    [ENDOFTEXT]: 199999,
    "<|reserved_200000|>": 200000,
    "<|reserved_200001|>": 200001,
    "<|return|>": 200002,
    "<|constrain|>": 200003,
    "<|reserved_200004|>": 200004,
    "<|channel|>": 200005,
    "<|start|>": 200006,
    "<|end|>": 200007,
    "<|message|>": 200008,
    "<|reserved_200009|>": 200009,
    "<|reserved_200010|>": 200010,
    "<|reserved_200011|>": 200011,
    "<|call|>": 200012,
  };
  for (let id = 200013; id < 201088; id++) specials[`<|reserved_${id}|>`] = id;
  return specials;
}

export const ENCODING_SPECS: Record<EncodingName, () => EncodingSpec> = {
  gpt2: () => r50k,
  r50k_base: () => r50k,
  p50k_base: () => p50k,
  p50k_edit: () => ({
    ...p50k,
    specialTokens: { [ENDOFTEXT]: 50256, "<|fim_prefix|>": 50281, "<|fim_middle|>": 50282, "<|fim_suffix|>": 50283 },
  }),
  cl100k_base: () => ({
    vocabFile: "cl100k_base.tkv",
    sourceSha256: CL100K_SHA,
    pattern: PATTERN_CL100K,
    specialTokens: {
      [ENDOFTEXT]: 100257,
      "<|fim_prefix|>": 100258,
      "<|fim_middle|>": 100259,
      "<|fim_suffix|>": 100260,
      "<|endofprompt|>": 100276,
    },
  }),
  o200k_base: () => o200k,
  o200k_harmony: () => ({ ...o200k, specialTokens: harmonySpecials() }),
};

/** tiktoken's explicit vocabulary sizes where they differ from max id + 1. */
export const EXPLICIT_N_VOCAB: Partial<Record<EncodingName, number>> = {
  o200k_harmony: 201088,
};
