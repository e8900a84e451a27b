// The whole `tokenmill train` job, so that the CLI is a thin wrapper: files → train() → the
// output file in the chosen format.
import { writeFileSync } from "node:fs";
import { InvalidArgumentError } from "../errors.js";
import { train, type TrainProgress } from "./train.js";

export interface RunTrainArgs {
  files: string[];
  vocabSize: number;
  /** "o200k" (default), "cl100k", "gpt2", "llama3", "none" or a regex. */
  pattern?: string;
  minFrequency?: number;
  special?: string[];
  format: "tiktoken" | "tokenizer.json";
  output: string;
  progress?: (p: TrainProgress) => void;
}

export async function runTrain(args: RunTrainArgs): Promise<void> {
  if (!args || !Array.isArray(args.files) || args.files.length === 0) {
    throw new InvalidArgumentError("train: give at least one corpus file");
  }
  if (args.format !== "tiktoken" && args.format !== "tokenizer.json") {
    throw new InvalidArgumentError(`train: format ${JSON.stringify(args.format)} is not "tiktoken" or "tokenizer.json"`);
  }
  if (typeof args.output !== "string" || args.output === "") throw new InvalidArgumentError("train: an output path is required");
  const tok = await train(
    { files: args.files },
    {
      vocabSize: args.vocabSize,
      pattern: args.pattern,
      minFrequency: args.minFrequency,
      specialTokens: args.special,
      onProgress: args.progress,
    },
  );
  writeFileSync(args.output, args.format === "tiktoken" ? tok.toTiktokenFile() : tok.toTokenizerJson());
}
