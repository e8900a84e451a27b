// tokenmill train: learn a byte-level BPE vocabulary from corpus files (src/train/) and write
// it as a .tiktoken rank file or a HF tokenizer.json, with a progress bar on stderr when it is
// a terminal.

import { runTrain } from "../../train/cli.js";
import type { TrainProgress } from "../../train/train.js";
import { parseFlags } from "../flags.js";
import { UsageError, write, type CliIO } from "../io.js";

export const TRAIN_USAGE = `Usage: tokenmill train --vocab-size N -o OUT [options] FILES...
       tokenmill train --vocab-size N -o OUT --language LANG=FILE... [--dev LANG=FILE...] [options]

Learns a byte-level BPE vocabulary from the files (each read line by line, as HF
Tokenizer.train(files) does; the merges are HF BpeTrainer's) and writes it to OUT.

Options:
      --vocab-size N          ids in the result: 256 bytes + merged tokens + special tokens (required)
  -o, --output PATH           the file to write (required)
      --format F              tiktoken | tokenizer.json (default: tokenizer.json if OUT ends in
                              .json, else tiktoken)
      --pattern P             pre-tokenizer: o200k (default), cl100k, gpt2, llama3, none, or a regex
      --min-frequency N       a pair merges only if it occurs at least N times (default 0)
      --special TOKEN         a special token, added after the ordinary ones (repeatable)
      --threads N             word-counting worker threads (default: 1 on up to 2 cores)
      --invalid-utf8 MODE     error (default): a file that is not UTF-8 stops with its byte offset;
                              replace: each ill-formed sequence reads as U+FFFD
      --superbpe-transition N SuperBPE (arXiv 2503.13423): classic BPE up to N ids, then tokens
                              may cross spaces
      --language LANG=FILE    Parity-aware BPE (arXiv 2508.04796): a corpus file of language LANG
                              (repeatable; at least two languages, instead of FILES)
      --dev LANG=FILE         its parallel dev text (repeatable; every language or none): each merge
                              serves the language whose dev text takes the most tokens
      --global-merges N       Parity-aware BPE: the first N merges are classic ones (default 0)

Scaffold-BPE and BoundlessBPE are library options only (train() in the README): no .tiktoken
or tokenizer.json can hold their encoding rules.
  -h, --help                  show this help

A progress bar (words counted, merges done, rate, ETA) is drawn on stderr when it is a terminal.
`;

export async function trainCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags("train", argv, {
    "vocab-size": { kind: "number" },
    output: { short: "o", kind: "string" },
    format: { kind: "string" },
    pattern: { kind: "string" },
    "min-frequency": { kind: "number" },
    special: { kind: "strings" },
    threads: { kind: "number" },
    "invalid-utf8": { kind: "string" },
    "superbpe-transition": { kind: "number" },
    language: { kind: "strings" },
    dev: { kind: "strings" },
    "global-merges": { kind: "number" },
    help: { short: "h", kind: "boolean" },
  });
  if (values.help) {
    await write(io.stdout, TRAIN_USAGE);
    return 0;
  }
  const vocabSize = values["vocab-size"] as number | undefined;
  if (vocabSize === undefined) throw new UsageError("train: --vocab-size is required");
  const output = values.output as string | undefined;
  if (output === undefined) throw new UsageError("train: -o/--output is required");
  const byLanguage = (flag: string): Record<string, string[]> | undefined => {
    const list = values[flag] as string[] | undefined;
    if (list === undefined) return undefined;
    const out: Record<string, string[]> = {};
    for (const v of list) {
      const eq = v.indexOf("=");
      if (eq <= 0 || eq === v.length - 1) throw new UsageError(`train: --${flag} takes LANG=FILE, got ${JSON.stringify(v)}`);
      (out[v.slice(0, eq)] ??= []).push(v.slice(eq + 1));
    }
    return out;
  };
  const languages = byLanguage("language");
  const dev = byLanguage("dev");
  if (languages === undefined && (dev !== undefined || values["global-merges"] !== undefined)) {
    throw new UsageError("train: --dev and --global-merges need --language corpora (Parity-aware BPE)");
  }
  if (languages !== undefined && positionals.length > 0) {
    throw new UsageError("train: with --language, give the corpora as --language LANG=FILE only");
  }
  if (positionals.length === 0 && languages === undefined) throw new UsageError("train: give at least one corpus file");
  if (positionals.includes("-")) throw new UsageError("train: reads files only (stdin is not a corpus here)");
  const format = (values.format as string | undefined) ?? (/\.json$/i.test(output) ? "tokenizer.json" : "tiktoken");
  if (format !== "tiktoken" && format !== "tokenizer.json") {
    throw new UsageError(`train: --format must be "tiktoken" or "tokenizer.json", not ${JSON.stringify(format)}`);
  }
  const invalidUtf8 = values["invalid-utf8"] as string | undefined;
  if (invalidUtf8 !== undefined && invalidUtf8 !== "error" && invalidUtf8 !== "replace") {
    throw new UsageError(`train: --invalid-utf8 must be "error" or "replace", not ${JSON.stringify(invalidUtf8)}`);
  }
  const stderr = io.stderr as CliIO["stderr"] & { isTTY?: boolean; columns?: number };
  const allFiles = languages ? Object.values(languages).flat() : positionals;
  const bar = stderr.isTTY ? trainProgressBar(stderr, await totalBytes(allFiles)) : undefined;
  try {
    await runTrain({
      files: positionals,
      vocabSize,
      format,
      output,
      ...(values.pattern !== undefined ? { pattern: values.pattern as string } : {}),
      ...(values["min-frequency"] !== undefined ? { minFrequency: values["min-frequency"] as number } : {}),
      ...(values.special !== undefined ? { special: values.special as string[] } : {}),
      ...(values.threads !== undefined ? { threads: values.threads as number } : {}),
      ...(invalidUtf8 !== undefined ? { invalidUtf8 } : {}),
      ...(values["superbpe-transition"] !== undefined ? { superBpeTransition: values["superbpe-transition"] as number } : {}),
      ...(languages
        ? {
            parity: {
              languages,
              ...(dev ? { dev } : {}),
              ...(values["global-merges"] !== undefined ? { globalMerges: values["global-merges"] as number } : {}),
            },
          }
        : {}),
      ...(bar ? { progress: bar.update } : {}),
    });
  } finally {
    bar?.done();
  }
  await write(io.stderr, `wrote ${output} (${format})\n`);
  return 0;
}

/** Sum of the files' sizes, for the counting phase's ETA (0 if one cannot be stat'ed). */
async function totalBytes(files: readonly string[]): Promise<number> {
  const specifier = "node:fs";
  const fs = (await import(specifier)) as typeof import("node:fs");
  let total = 0;
  for (const f of files) {
    try {
      total += fs.statSync(f).size;
    } catch {
      return 0; // train() reports the unreadable file
    }
  }
  return total;
}

/**
 * The bar: while counting, bytes read of the total, words counted, MB/s and ETA; while merging,
 * merges done of those to make, merges/s and ETA. Redrawn at most every 100 ms.
 */
export function trainProgressBar(
  out: { write(s: string): unknown; columns?: number },
  bytesTotal: number,
  now: () => number = () => performance.now(),
): { update: (p: TrainProgress) => void; done: () => void } {
  const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 55));
  let phase: TrainProgress["phase"] | undefined;
  let phaseStart = 0;
  let firstMerges = 0;
  let last = -Infinity;
  const bar = (f: number): string => {
    const filled = Math.round(Math.min(1, Math.max(0, f)) * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  };
  const eta = (f: number, elapsed: number): string => (f > 0 && f < 1 ? ` ETA ${clock((elapsed * (1 - f)) / f)}` : "");
  return {
    update(p) {
      const t = now();
      if (p.phase !== phase) {
        phase = p.phase;
        phaseStart = t;
        firstMerges = p.phase === "merge" ? p.merges : 0;
        last = -Infinity;
      }
      if (t - last < 100) return;
      last = t;
      const s = (t - phaseStart) / 1000;
      let line: string;
      if (p.phase === "count") {
        const f = bytesTotal > 0 ? p.bytes / bytesTotal : 0;
        line =
          `counting ${bar(f)} ${mb(p.bytes)}${bytesTotal > 0 ? `/${mb(bytesTotal)}` : ""} MB, ` +
          `${p.words.toLocaleString("en-US")} words, ${s > 0 ? (p.bytes / 1e6 / s).toFixed(1) : "-"} MB/s${eta(f, s)}`;
      } else {
        const toMake = Math.max(1, p.vocabSize - 256);
        const done = p.vocab - 256;
        const f = done / toMake;
        const rate = s > 0 ? (p.merges - firstMerges) / s : 0;
        line = `merging ${bar(f)} ${p.merges.toLocaleString("en-US")} merges, vocab ${p.vocab}/${p.vocabSize}, ${Math.round(rate)}/s${eta(f, s)}`;
      }
      out.write(`\r${line}\x1b[K`);
    },
    done() {
      if (phase !== undefined) out.write("\r\x1b[K");
    },
  };
}

const mb = (b: number): string => (b / 1e6).toFixed(1);

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
