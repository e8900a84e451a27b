// `tokenmill compare` as a function: the CLI parses its flags into CompareArgs and calls
// runCompare. Node only (reads files), so it is not exported from the browser-safe index.

import { InvalidArgumentError, TokenmillError } from "../errors.js";
import { fromSentencePieceModel, fromTokenizerJsonSync } from "../index.js";
import { compareTokenizers, parseTokenizerSpec, type CorpusInput, type TokenizerInput } from "./compare.js";
import { renderHtml } from "./html-report.js";
import { renderCsv, renderJson, renderTable } from "./render.js";

export interface CompareArgs {
  /** Encoding specs: "o200k_base", "o200k_base:min-tokens", "o200k_base:dropout:0.1". */
  encodings: string[];
  /** Paths of tokenizer.json files. */
  tokenizerFiles: string[];
  /**
   * Text files, each with a label. A `.json` file in the format of scripts/parallel-corpus.mjs
   * (`{ languages, messages: { [lang]: string[] } }`) becomes one corpus per language, each
   * message a document, and the report gets per-language premiums.
   */
  corpora: Array<{ label: string; path: string }>;
  /** Label of the tokenizer NSL is measured against (default the first). */
  reference?: string;
  json?: boolean;
  csv?: boolean;
  /** Also write the HTML report to this path. */
  html?: string;
}

export interface CompareIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

/** Runs the comparison and prints it; returns the exit code (0 ok, 2 bad arguments, 1 other failures). */
export async function runCompare(args: CompareArgs, io: CompareIo): Promise<number> {
  try {
    if (args.json && args.csv) throw new InvalidArgumentError("compare: choose one of --json and --csv");
    const fs = await import("node:fs/promises");
    const tokenizers: TokenizerInput[] = [];
    for (const spec of args.encodings) {
      parseTokenizerSpec(spec); // fail on a bad spec before reading any file
      tokenizers.push(spec);
    }
    for (const path of args.tokenizerFiles) {
      if (path.endsWith(".model")) {
        // a SentencePiece model (src/sentencepiece)
        let bytes: Uint8Array;
        try {
          bytes = await fs.readFile(path);
        } catch (e) {
          throw new InvalidArgumentError(`cannot read tokenizer file ${JSON.stringify(path)}: ${(e as Error).message}`);
        }
        const sp = fromSentencePieceModel(bytes);
        tokenizers.push({ name: path, vocabSize: sp.vocabSize, encode: (t: string) => sp.encode(t) });
        continue;
      }
      const text = await readText(fs, path, "tokenizer file");
      tokenizers.push({ label: path, tokenizer: fromTokenizerJsonSync(text) });
    }
    if (tokenizers.length === 0) throw new InvalidArgumentError("compare: give at least one tokenizer (-e ENCODING or -t tokenizer.json)");
    if (args.corpora.length === 0) throw new InvalidArgumentError("compare: give at least one corpus (--corpus LABEL=FILE)");
    const corpora: CorpusInput[] = [];
    for (const c of args.corpora) corpora.push(...(await loadCorpus(fs, c, args.corpora.length)));
    const bar = io.stderr.isTTY ? progressBar(io.stderr) : undefined;
    const report = await compareTokenizers(tokenizers, corpora, {
      ...(args.reference !== undefined ? { reference: args.reference } : {}),
      ...(bar ? { onProgress: bar.update } : {}),
    });
    bar?.done();
    io.stdout.write(args.json ? renderJson(report) : args.csv ? renderCsv(report) : renderTable(report));
    if (args.html) {
      await fs.writeFile(args.html, renderHtml(report));
      io.stderr.write(`wrote ${args.html}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TokenmillError) {
      io.stderr.write(`tokenmill compare: ${e.message}\n`);
      return e instanceof InvalidArgumentError ? 2 : 1;
    }
    throw e;
  }
}

type Fs = typeof import("node:fs/promises");

async function readText(fs: Fs, path: string, what: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new InvalidArgumentError(`cannot read ${what} ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(path)} is not valid UTF-8`);
  }
}

async function loadCorpus(fs: Fs, c: { label: string; path: string }, count: number): Promise<CorpusInput[]> {
  if (!c || typeof c.label !== "string" || !c.label || typeof c.path !== "string") throw new InvalidArgumentError("compare: each corpus needs a label and a path (--corpus LABEL=FILE)");
  const text = await readText(fs, c.path, "corpus");
  if (!c.path.endsWith(".json")) return [{ label: c.label, text }];
  let data: { languages?: unknown; messages?: unknown };
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`corpus ${JSON.stringify(c.path)}: not JSON (${(e as Error).message})`);
  }
  const messages = data.messages as Record<string, unknown> | undefined;
  const langs = Array.isArray(data.languages) ? (data.languages as unknown[]) : undefined;
  if (!langs || !messages || typeof messages !== "object") {
    throw new InvalidArgumentError(`corpus ${JSON.stringify(c.path)}: expected a parallel corpus { languages, messages } (scripts/parallel-corpus.mjs)`);
  }
  let n: number | undefined;
  return langs.map((lang) => {
    const m = typeof lang === "string" ? messages[lang] : undefined;
    if (!Array.isArray(m) || !m.every((x) => typeof x === "string")) {
      throw new InvalidArgumentError(`corpus ${JSON.stringify(c.path)}: messages of ${JSON.stringify(lang)} are not a list of strings`);
    }
    if (n !== undefined && m.length !== n) throw new InvalidArgumentError(`corpus ${JSON.stringify(c.path)}: ${lang} has ${m.length} messages, not ${n}: not aligned`);
    n = m.length;
    return { label: count === 1 ? (lang as string) : `${c.label}/${lang as string}`, text: m as string[], language: lang as string };
  });
}

/** A one-line progress bar redrawn in place (TTY only), erased when done. */
function progressBar(out: CompareIo["stderr"]): { update: (done: number, total: number, what: string) => void; done: () => void } {
  const width = Math.max(10, Math.min(40, (out.columns ?? 80) - 50));
  return {
    update(done, total, what) {
      const filled = Math.round((done / total) * width);
      const label = what.length > 30 ? what.slice(0, 29) + "…" : what;
      out.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${label}\x1b[K`);
    },
    done() {
      out.write("\r\x1b[K");
    },
  };
}
