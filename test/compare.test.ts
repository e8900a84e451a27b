// Metrics on hand-computed examples and against independent computations; compareTokenizers
// on the committed parallel fixture; the renderers; runCompare end to end with files.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCompare } from "../src/analysis/cli.js";
import {
  InvalidArgumentError,
  compareTokenizers,
  getEncodingSync,
  metrics,
  renderCsv,
  renderHtml,
  renderJson,
  renderTable,
  segment,
  type CorpusInput,
  type Report,
} from "../src/index.js";

const FIXTURE = new URL("./fixtures/parallel/parallel.json", import.meta.url).pathname;
const parallel = JSON.parse(readFileSync(FIXTURE, "utf8")) as { languages: string[]; messages: Record<string, string[]> };
const CODE = "export function add(a: number, b: number): number {\n  return a + b; // sum\n}\n".repeat(20);

/** Σ_i Σ_j |x_i − x_j| / (2 n² μ), literally. */
function giniDirect(xs: number[]): number {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  let s = 0;
  for (const a of xs) for (const b of xs) s += Math.abs(a - b);
  return s / (2 * n * n * mean);
}

describe("metrics", () => {
  const { compression, gini, lorenzCurve, minTokenOverhead, normalizedSequenceLength, premiums, renyiEfficiency, renyiEntropy, textSize, vocabularyUtilisation } = metrics;

  it("text sizes count UTF-8 bytes, code points and whitespace-separated words", () => {
    expect(textSize("héllo wörld 👋")).toEqual({ bytes: 18, chars: 13, words: 3 });
    expect(textSize("")).toEqual({ bytes: 0, chars: 0, words: 0 });
    expect(textSize("  a\n\tb  ")).toEqual({ bytes: 8, chars: 8, words: 2 });
  });

  it("compression and NSL by hand", () => {
    expect(compression({ bytes: 10, chars: 8, words: 2 }, 4)).toEqual({ bytesPerToken: 2.5, charsPerToken: 2, wordsPerToken: 0.5, tokensPerByte: 0.4 });
    expect(normalizedSequenceLength(90, 100)).toBe(0.9);
    expect(() => compression({ bytes: 1, chars: 1, words: 1 }, -1)).toThrow(InvalidArgumentError);
  });

  it("Rényi entropy and efficiency by hand and against a direct computation", () => {
    expect(renyiEntropy([1, 1, 1, 1], 2.5)).toBeCloseTo(2, 12); // uniform: log2 n for every α
    expect(renyiEfficiency([1, 1, 1, 1], 4)).toBeCloseTo(1, 12);
    expect(renyiEfficiency([1, 1, 1, 1], 16)).toBeCloseTo(0.5, 12);
    expect(renyiEntropy([3, 1], 2)).toBeCloseTo(-Math.log2(0.625), 12);
    expect(renyiEntropy([1, 1], 1)).toBeCloseTo(1, 12);
    const counts = [50, 20, 20, 5, 3, 1, 1, 0];
    const total = counts.reduce((s, c) => s + c, 0);
    const direct = Math.log(counts.filter((c) => c > 0).reduce((s, c) => s + (c / total) ** 2.5, 0)) / (1 - 2.5) / Math.log(1000);
    expect(renyiEfficiency(counts, 1000, 2.5)).toBeCloseTo(direct, 12);
    // α → 1 approaches Shannon
    expect(renyiEntropy(counts, 1.000001)).toBeCloseTo(renyiEntropy(counts, 1), 4);
    expect(() => renyiEntropy([1], 0)).toThrow(InvalidArgumentError);
  });

  it("premiums, Gini and the Lorenz curve", () => {
    expect(premiums({ en: 10, de: 12, ja: 15 }, "en")).toEqual({ en: 1, de: 1.2, ja: 1.5 });
    expect(() => premiums({ de: 1 }, "en")).toThrow(/reference language/);
    expect(gini([1, 1, 1])).toBe(0);
    expect(gini([0, 0, 1])).toBeCloseTo(2 / 3, 12);
    expect(gini([1, 2, 3, 4])).toBeCloseTo(0.25, 12);
    const xs = [1.3, 0.9, 2.7, 1, 4.2, 1.1, 1.9];
    expect(gini(xs)).toBeCloseTo(giniDirect(xs), 12);
    expect(lorenzCurve([1, 3])).toEqual([[0, 0], [0.5, 0.25], [1, 1]]);
    // Gini = 1 − Σ (x_k − x_{k−1})(y_k + y_{k−1}): twice the area between curve and diagonal
    const L = lorenzCurve(xs);
    let area = 0;
    for (let k = 1; k < L.length; k++) area += (L[k]![0] - L[k - 1]![0]) * (L[k]![1] + L[k - 1]![1]);
    expect(1 - area).toBeCloseTo(gini(xs), 12);
  });

  it("utilisation and min-token overhead", () => {
    expect(vocabularyUtilisation(25, 100)).toBe(0.25);
    expect(minTokenOverhead(102, 100)).toBeCloseTo(0.02, 12);
    expect(minTokenOverhead(100, 100)).toBe(0);
    expect(() => minTokenOverhead(99, 100)).toThrow(InvalidArgumentError);
  });
});

function parallelCorpora(): CorpusInput[] {
  return parallel.languages.map((l) => ({ label: l, text: parallel.messages[l]!, language: l }));
}

describe("compareTokenizers", () => {
  const chars = { name: "code points", encode: (t: string) => Array.from(t, (c) => c.codePointAt(0)!), vocabSize: 0x110000 };
  let report: Report;

  it("measures every tokenizer on every corpus, matching independent counts", async () => {
    const o200k = getEncodingSync("o200k_base");
    const progress: number[] = [];
    report = await compareTokenizers(
      ["o200k_base", "cl100k_base", "o200k_base:min-tokens", "o200k_base:bytes", chars],
      [...parallelCorpora(), { label: "code", text: CODE, domain: "code" }],
      { onProgress: (d) => progress.push(d) },
    );
    const nCorpora = parallel.languages.length + 1;
    expect(report.rows).toHaveLength(5 * nCorpora);
    expect(progress).toEqual(Array.from({ length: 5 * nCorpora }, (_, i) => i + 1));
    expect(report.reference).toBe("o200k_base");
    for (const lang of parallel.languages) {
      const row = report.rows.find((r) => r.tokenizer === "o200k_base" && r.corpus === lang)!;
      const msgs = parallel.messages[lang]!;
      const ids = msgs.flatMap((m) => Array.from(o200k.encodeOrdinary(m)));
      expect(row.tokens).toBe(ids.length);
      expect(row.nsl).toBe(1);
      const bytes = msgs.reduce((s, m) => s + Buffer.byteLength(m), 0);
      expect(row.bytesPerToken).toBe(bytes / ids.length);
      const hist = new Map<number, number>();
      for (const id of ids) hist.set(id, (hist.get(id) ?? 0) + 1);
      expect(row.distinctTokens).toBe(hist.size);
      expect(row.vocabularyUtilisation).toBe(hist.size / o200k.nVocab);
      expect(row.renyiEfficiency).toBeCloseTo(metrics.renyiEfficiency(hist.values(), o200k.nVocab, 2.5), 12);
      const min = msgs.reduce((s, m) => s + segment(o200k, m, { segmentation: "min-tokens" }).length, 0);
      expect(row.minTokens).toBe(min);
      expect(row.minTokenOverhead).toBeCloseTo(ids.length / min - 1, 12);
      const minRow = report.rows.find((r) => r.tokenizer === "o200k_base:min-tokens" && r.corpus === lang)!;
      expect(minRow.tokens).toBe(min);
      expect(minRow.minTokenOverhead).toBe(0);
      const byteRow = report.rows.find((r) => r.tokenizer === "o200k_base:bytes" && r.corpus === lang)!;
      expect(byteRow.bytesPerToken).toBe(1);
      expect(byteRow.minTokens).toBeNull();
      const charRow = report.rows.find((r) => r.tokenizer === "code points" && r.corpus === lang)!;
      expect(charRow.charsPerToken).toBe(1);
      expect(charRow.minTokens).toBeNull();
    }
    const cl = report.rows.find((r) => r.tokenizer === "cl100k_base" && r.corpus === "code")!;
    const o = report.rows.find((r) => r.tokenizer === "o200k_base" && r.corpus === "code")!;
    expect(cl.nsl).toBe(cl.tokens / o.tokens);
  });

  it("gives per-language premiums and their Gini on parallel corpora", () => {
    expect(report.parity).not.toBeNull();
    expect(report.referenceLanguage).toBe("en");
    const p = report.parity!.find((x) => x.tokenizer === "cl100k_base")!;
    expect(p.premiums.en).toBe(1);
    const rows = report.rows.filter((r) => r.tokenizer === "cl100k_base");
    const en = rows.find((r) => r.corpus === "en")!.tokens;
    for (const lang of parallel.languages) expect(p.premiums[lang]).toBe(rows.find((r) => r.corpus === lang)!.tokens / en);
    expect(p.gini).toBeCloseTo(giniDirect(Object.values(p.premiums)), 12);
    expect(p.lorenz).toHaveLength(parallel.languages.length + 1);
    // o200k's larger multilingual vocabulary is fairer than cl100k's on these languages
    expect(report.parity!.find((x) => x.tokenizer === "o200k_base")!.gini).toBeLessThan(p.gini);
  });

  it("renders CSV with the rows' exact numbers, a table and JSON", () => {
    const csv = renderCsv(report).trimEnd().split("\n");
    expect(csv).toHaveLength(report.rows.length + 1);
    const head = csv[0]!.split(",");
    const first = csv[1]!.split(",");
    expect(first[0]).toBe(report.rows[0]!.tokenizer);
    expect(Number(first[head.indexOf("bytesPerToken")])).toBe(report.rows[0]!.bytesPerToken);
    expect(JSON.parse(renderJson(report))).toEqual(report);
    const table = renderTable(report);
    expect(table).toContain("o200k_base:min-tokens");
    expect(table).toContain("language premiums");
  });

  it("renders a self-contained HTML page", () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).toContain("default-src 'none'");
    const embedded = html.match(/<script type="application\/json" id="tokenmill-report">(.*?)<\/script>/s)![1]!;
    expect(JSON.parse(embedded)).toEqual(report);
  });

  it("rejects bad input with typed errors", async () => {
    await expect(compareTokenizers([], [{ label: "a", text: "x" }])).rejects.toThrow(InvalidArgumentError);
    await expect(compareTokenizers(["o200k_base"], [])).rejects.toThrow(InvalidArgumentError);
    await expect(compareTokenizers(["nope_base"], [{ label: "a", text: "x" }])).rejects.toThrow(/unknown encoding/);
    await expect(compareTokenizers(["o200k_base:fast"], [{ label: "a", text: "x" }])).rejects.toThrow(/unknown segmentation/);
    await expect(compareTokenizers(["o200k_base", "o200k_base"], [{ label: "a", text: "x" }])).rejects.toThrow(/labels must be unique/);
    await expect(compareTokenizers(["o200k_base"], [{ label: "a", text: "x" }], { reference: "cl100k_base" })).rejects.toThrow(/reference/);
    await expect(compareTokenizers([{} as never], [{ label: "a", text: "x" }])).rejects.toThrow(InvalidArgumentError);
    await expect(compareTokenizers(["o200k_base"], [{ label: "a", text: ["", ""] }])).rejects.toThrow(/empty/);
  });

  it("reads corpora from async streams of bytes", async () => {
    async function* parts() {
      const b = new TextEncoder().encode("héllo wörld");
      yield b.subarray(0, 2); // cuts é
      yield b.subarray(2);
    }
    const r = await compareTokenizers(["o200k_base"], [{ label: "s", text: parts() }]);
    expect(r.corpora[0]!.chars).toBe(11);
    expect(r.rows[0]!.tokens).toBe(getEncodingSync("o200k_base").encodeOrdinary("héllo wörld").length);
  });
});

describe("runCompare", () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
  }
  const dir = mkdtempSync(join(tmpdir(), "tokenmill-compare-"));
  writeFileSync(join(dir, "code.ts"), CODE);

  it("prints a table, JSON or CSV, and writes the HTML report", async () => {
    const hfFile = new URL("./fixtures/hf/unigram-trained.json", import.meta.url).pathname;
    const a = io();
    const args = { encodings: ["o200k_base", "cl100k_base:min-tokens"], tokenizerFiles: [hfFile], corpora: [{ label: "code", path: join(dir, "code.ts") }] };
    expect(await runCompare(args, a.io)).toBe(0);
    expect(a.out.join("")).toContain("cl100k_base:min-tokens");
    expect(a.out.join("")).toContain(hfFile);
    const b = io();
    const html = join(dir, "r.html");
    expect(await runCompare({ ...args, json: true, html, corpora: [{ label: "p", path: FIXTURE }] }, b.io)).toBe(0);
    const report = JSON.parse(b.out.join("")) as Report;
    expect(report.corpora.map((c) => c.label)).toEqual(parallel.languages);
    expect(report.parity).toHaveLength(3);
    expect(existsSync(html)).toBe(true);
    expect(b.err.join("")).toContain(`wrote ${html}`);
    const c = io();
    expect(await runCompare({ ...args, csv: true }, c.io)).toBe(0);
    expect(c.out.join("").split("\n")[0]).toMatch(/^tokenizer,corpus,tokens,/);
  });

  it("draws a progress bar on a TTY only", async () => {
    const a = io();
    const tty = { ...a.io, stderr: { ...a.io.stderr, isTTY: true, columns: 100 } };
    expect(await runCompare({ encodings: ["o200k_base"], tokenizerFiles: [], corpora: [{ label: "code", path: join(dir, "code.ts") }] }, tty)).toBe(0);
    expect(a.err.join("")).toContain("1/1");
  });

  it("exits 2 with a message for bad arguments", async () => {
    for (const args of [
      { encodings: ["nope"], tokenizerFiles: [], corpora: [{ label: "x", path: join(dir, "code.ts") }] },
      { encodings: ["o200k_base"], tokenizerFiles: [], corpora: [{ label: "x", path: join(dir, "missing.txt") }] },
      { encodings: [], tokenizerFiles: [], corpora: [{ label: "x", path: join(dir, "code.ts") }] },
      { encodings: ["o200k_base"], tokenizerFiles: [], corpora: [] },
      { encodings: ["o200k_base"], tokenizerFiles: [], corpora: [{ label: "x", path: join(dir, "code.ts") }], json: true, csv: true },
    ]) {
      const a = io();
      expect(await runCompare(args, a.io)).toBe(2);
      expect(a.err.join("")).toMatch(/^tokenmill compare: /);
    }
  });
});
