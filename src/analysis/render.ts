// Renderings of a compare Report: JSON (everything), CSV (one line per tokenizer × corpus) and
// a text table for terminals.

import type { Report, ReportRow } from "./compare.js";

/** The whole report as JSON (numbers at full precision). */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

const CSV_COLUMNS: Array<keyof ReportRow> = [
  "tokenizer",
  "corpus",
  "tokens",
  "bytesPerToken",
  "charsPerToken",
  "wordsPerToken",
  "tokensPerByte",
  "nsl",
  "renyiEfficiency",
  "distinctTokens",
  "vocabularyUtilisation",
  "minTokens",
  "minTokenOverhead",
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per tokenizer × corpus (RFC 4180 quoting; empty fields for null), then nothing else. */
export function renderCsv(report: Report): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of report.rows) lines.push(CSV_COLUMNS.map((c) => csvField(r[c])).join(","));
  return lines.join("\n") + "\n";
}

function fmt(v: number | null, digits: number): string {
  return v === null || Number.isNaN(v) ? "–" : v.toFixed(digits);
}

function pct(v: number | null): string {
  return v === null || Number.isNaN(v) ? "–" : `${(v * 100).toFixed(2)}%`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** A terminal table per tokenizer × corpus, the totals, and the language premiums if any. */
export function renderTable(report: Report): string {
  const head = ["tokenizer", "corpus", "tokens", "bytes/tok", "chars/tok", "words/tok", "NSL", `Rényi(${report.alpha})`, "vocab used", "min tokens", "BPE overhead"];
  const rowCells = (r: { tokenizer: string; corpus: string } & Omit<ReportRow, "tokenizer" | "corpus">) => [
    r.tokenizer,
    r.corpus,
    String(r.tokens),
    fmt(r.bytesPerToken, 3),
    fmt(r.charsPerToken, 3),
    fmt(r.wordsPerToken, 3),
    fmt(r.nsl, 3),
    fmt(r.renyiEfficiency, 4),
    pct(r.vocabularyUtilisation),
    r.minTokens === null ? "–" : String(r.minTokens),
    pct(r.minTokenOverhead),
  ];
  let out = table(head, report.rows.map(rowCells));
  if (report.corpora.length > 1) {
    out +=
      "\n\nall corpora\n" +
      table(
        ["tokenizer", "", "tokens", "bytes/tok", "NSL", `Rényi(${report.alpha})`, "vocab used", "min tokens", "BPE overhead"],
        report.totals.map((t) => [
          t.tokenizer,
          "",
          String(t.tokens),
          fmt(t.bytesPerToken, 3),
          fmt(t.nsl, 3),
          fmt(t.renyiEfficiency, 4),
          pct(t.vocabularyUtilisation),
          t.minTokens === null ? "–" : String(t.minTokens),
          pct(t.minTokenOverhead),
        ]),
      );
  }
  out += `\n\nNSL against ${report.reference}.`;
  if (report.parity) {
    out += `\n\nlanguage premiums (tokens relative to ${report.referenceLanguage} on parallel text)\n`;
    out += table(
      ["tokenizer", "Gini", "lowest", "highest"],
      report.parity.map((p) => {
        const sorted = Object.entries(p.premiums).sort((a, b) => a[1] - b[1]);
        const show = (xs: Array<[string, number]>) => xs.map(([l, v]) => `${l} ${v.toFixed(2)}`).join(", ");
        return [p.tokenizer, p.gini.toFixed(4), show(sorted.slice(0, 3)), show(sorted.slice(-3).reverse())];
      }),
    );
  }
  return out + "\n";
}
