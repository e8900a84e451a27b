// tokenmill compare: tokenizers side by side on corpora (src/analysis/): a table, --json, --csv,
// and --html report.html.

import { runCompare } from "../../analysis/cli.js";
import { parseFlags } from "../flags.js";
import { UsageError, type CliIO } from "../io.js";

export const COMPARE_USAGE = `Usage: tokenmill compare [options]

Measures tokenizers on corpora: bytes, characters and words per token, normalized sequence
length, Renyi efficiency, vocabulary utilisation, per-language premiums and their Gini, and
BPE's overhead over the fewest tokens (README "Comparing tokenizers").

Options:
  -e, --encoding SPEC     a built-in encoding, optionally with a segmentation:
                          o200k_base, o200k_base:min-tokens, cl100k_base:dropout:0.1 (repeatable)
  -t, --tokenizer PATH    a tokenizer.json or SentencePiece .model (repeatable)
      --corpus LABEL=PATH a text file (repeatable); a .json parallel corpus (scripts/parallel-corpus.mjs)
                          becomes one corpus per language
      --reference LABEL   the tokenizer normalized sequence length is measured against (default: the first)
      --json | --csv      machine-readable output instead of the table
      --html PATH         also write a self-contained HTML report with charts
`;

export async function compareCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags("compare", argv, {
    encoding: { short: "e", kind: "strings" },
    tokenizer: { short: "t", kind: "strings" },
    corpus: { kind: "strings" },
    reference: { kind: "string" },
    json: { kind: "boolean" },
    csv: { kind: "boolean" },
    html: { kind: "string" },
    help: { short: "h", kind: "boolean" },
  });
  if (values.help) {
    io.stdout.write(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`compare: unexpected argument ${JSON.stringify(positionals[0])} (corpora are given with --corpus LABEL=PATH)`);
  const corpora = ((values.corpus as string[] | undefined) ?? []).map((c) => {
    const eq = c.indexOf("=");
    if (eq <= 0 || eq === c.length - 1) throw new UsageError(`compare: --corpus takes LABEL=PATH, got ${JSON.stringify(c)}`);
    return { label: c.slice(0, eq), path: c.slice(eq + 1) };
  });
  return runCompare(
    {
      encodings: (values.encoding as string[] | undefined) ?? [],
      tokenizerFiles: (values.tokenizer as string[] | undefined) ?? [],
      corpora,
      ...(values.reference !== undefined ? { reference: values.reference as string } : {}),
      ...(values.json ? { json: true } : {}),
      ...(values.csv ? { csv: true } : {}),
      ...(values.html !== undefined ? { html: values.html as string } : {}),
    },
    { stdout: io.stdout, stderr: io.stderr as unknown as { write(s: string): unknown; isTTY?: boolean; columns?: number } },
  );
}
