// The whole `tokenmill train` job, so that the CLI is a thin wrapper: files → train() → the
// output file in the chosen format.
import { writeFileSync } from "node:fs";
import { InvalidArgumentError } from "../errors.js";
import type { TrainSource } from "./count.js";
import { train, type TrainOptions, type TrainProgress } from "./train.js";

export interface RunTrainArgs {
  /** Corpus files (none with `languages`). */
  files: string[];
  /** Parity-aware BPE: corpus files of each language, and optionally dev files (parallel text). */
  parity?: { languages: Record<string, string[]>; dev?: Record<string, string[]>; globalMerges?: number };
  vocabSize: number;
  /** "o200k" (default), "cl100k", "gpt2", "llama3", "none" or a regex. */
  pattern?: string;
  minFrequency?: number;
  special?: string[];
  format: "tiktoken" | "tokenizer.json";
  output: string;
  threads?: number;
  invalidUtf8?: "error" | "replace";
  /** SuperBPE's transition vocabulary size (train's superBpe option). */
  superBpeTransition?: number;
  /** Further train() options (the paper variants), passed through unchanged. */
  variant?: Partial<Omit<TrainOptions, "vocabSize" | "onProgress">>;
  progress?: (p: TrainProgress) => void;
}

export async function runTrain(args: RunTrainArgs): Promise<void> {
  if (!args || !Array.isArray(args.files) || (args.files.length === 0 && args.parity === undefined)) {
    throw new InvalidArgumentError("train: give at least one corpus file");
  }
  if (args.parity !== undefined && args.files.length > 0) {
    throw new InvalidArgumentError("train: with parity the corpora are given per language, not as plain files");
  }
  const files = (m: Record<string, string[]>): Record<string, TrainSource> =>
    Object.fromEntries(Object.entries(m).map(([lang, fs]) => [lang, { files: fs }]));
  const source: TrainSource = args.parity ? { languages: files(args.parity.languages) } : { files: args.files };
  if (args.format !== "tiktoken" && args.format !== "tokenizer.json") {
    throw new InvalidArgumentError(`train: format ${JSON.stringify(args.format)} is not "tiktoken" or "tokenizer.json"`);
  }
  if (typeof args.output !== "string" || args.output === "") throw new InvalidArgumentError("train: an output path is required");
  const tok = await train(
    source,
    {
      vocabSize: args.vocabSize,
      ...(args.pattern !== undefined ? { pattern: args.pattern } : {}),
      ...(args.minFrequency !== undefined ? { minFrequency: args.minFrequency } : {}),
      ...(args.special !== undefined ? { specialTokens: args.special } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      ...(args.invalidUtf8 !== undefined ? { invalidUtf8: args.invalidUtf8 } : {}),
      ...(args.superBpeTransition !== undefined ? { superBpe: { transitionVocabSize: args.superBpeTransition } } : {}),
      ...args.variant,
      ...(args.parity
        ? {
            parity: {
              ...(args.parity.dev ? { dev: files(args.parity.dev) } : {}),
              ...(args.parity.globalMerges !== undefined ? { globalMerges: args.parity.globalMerges } : {}),
            },
          }
        : {}),
      ...(args.progress ? { onProgress: args.progress } : {}),
    },
  );
  // Export first: a vocabulary a format cannot hold throws before anything is written.
  const out = args.format === "tiktoken" ? tok.toTiktokenFile() : tok.toTokenizerJson();
  writeFileSync(args.output, out);
}
