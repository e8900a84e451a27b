// One self-contained HTML page for a compare Report: inline SVG charts and tables, no script,
// no CDN, no network (a Content-Security-Policy forbids any fetch). Every mark of every chart
// carries its exact number in data-value (with data-tokenizer / data-corpus / data-language),
// so tests — and readers with devtools — can check the picture against the JSON, which is
// embedded too (<script type="application/json" id="tokenmill-report">).

import type { Report } from "./compare.js";

// Okabe & Ito's colour-blind-safe palette, then darker variants for more series.
const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#005a8c", "#a36f00", "#006e50", "#8f4f75"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Round for drawing only (data-value keeps the exact number). */
function px(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks = [0];
  while (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function fmtTick(t: number): string {
  return Math.abs(t) >= 1000 ? t.toFixed(0) : Number(t.toPrecision(3)).toString();
}

interface Mark {
  category: string;
  series: string;
  value: number;
  attrs: Record<string, string>;
}

/**
 * Grouped vertical bars (categories on x, one bar per series), or one dot per series when
 * there are too many bars to see. `refLine` draws a dashed horizontal line (e.g. premium 1).
 */
function groupedChart(opts: {
  id: string;
  title: string;
  yLabel: string;
  categories: string[];
  series: string[];
  marks: Mark[];
  refLine?: number;
  width?: number;
}): string {
  const { categories, series, marks } = opts;
  const W = opts.width ?? Math.max(640, Math.min(1400, 120 + categories.length * Math.max(18, series.length * 10)));
  const rotate = categories.length > 8 || categories.some((c) => c.length > 12);
  const longest = Math.max(...categories.map((c) => c.length), 1);
  const H = 300;
  const left = 64;
  const top = 16;
  const bottom = rotate ? Math.min(140, 16 + longest * 6.5) : 36;
  const plotW = W - left - 16;
  const plotH = H - top - 10;
  const max = Math.max(opts.refLine ?? 0, ...marks.map((m) => (Number.isFinite(m.value) ? m.value : 0)), 0);
  const ticks = niceTicks(max);
  const yMax = ticks[ticks.length - 1]! || 1;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const slot = plotW / Math.max(1, categories.length);
  const dots = categories.length * series.length > 90;
  const barW = Math.max(1.5, (slot * 0.8) / series.length);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + bottom}" width="${W}" height="${H + bottom}" role="img" aria-label="${esc(opts.title)}" data-chart="${esc(opts.id)}">`;
  for (const t of ticks) {
    svg += `<line x1="${left}" x2="${W - 16}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#ddd"/>`;
    svg += `<text x="${left - 6}" y="${px(y(t) + 4)}" text-anchor="end" font-size="11">${fmtTick(t)}</text>`;
  }
  svg += `<text x="14" y="${px(top + plotH / 2)}" transform="rotate(-90 14 ${px(top + plotH / 2)})" text-anchor="middle" font-size="12">${esc(opts.yLabel)}</text>`;
  if (opts.refLine !== undefined) {
    svg += `<line x1="${left}" x2="${W - 16}" y1="${px(y(opts.refLine))}" y2="${px(y(opts.refLine))}" stroke="#555" stroke-dasharray="4 3"/>`;
  }
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const serIndex = new Map(series.map((s, i) => [s, i]));
  for (const m of marks) {
    if (!Number.isFinite(m.value)) continue; // nothing to draw (an undefined ratio)
    const ci = catIndex.get(m.category)!;
    const si = serIndex.get(m.series)!;
    const attrs = Object.entries(m.attrs).map(([k, v]) => ` data-${k}="${esc(v)}"`).join("") + ` data-value="${m.value}"`;
    const tip = `<title>${esc(m.series)} · ${esc(m.category)}: ${m.value.toPrecision(5)}</title>`;
    if (dots) {
      const cx = left + slot * (ci + 0.5);
      svg += `<circle cx="${px(cx)}" cy="${px(y(m.value))}" r="3.2" fill="${COLORS[si % COLORS.length]}" fill-opacity="0.85"${attrs}>${tip}</circle>`;
    } else {
      const x = left + slot * ci + slot * 0.1 + barW * si;
      svg += `<rect x="${px(x)}" y="${px(y(m.value))}" width="${px(barW)}" height="${px(Math.max(0, top + plotH - y(m.value)))}" fill="${COLORS[si % COLORS.length]}"${attrs}>${tip}</rect>`;
    }
  }
  svg += `<line x1="${left}" x2="${W - 16}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`;
  categories.forEach((c, i) => {
    const cx = left + slot * (i + 0.5);
    svg += rotate
      ? `<text x="${px(cx)}" y="${top + plotH + 12}" transform="rotate(-55 ${px(cx)} ${top + plotH + 12})" text-anchor="end" font-size="11">${esc(c)}</text>`
      : `<text x="${px(cx)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${esc(c)}</text>`;
  });
  return svg + "</svg>";
}

function legend(series: string[], extra?: (s: string) => string): string {
  return (
    `<div class="legend">` +
    series.map((s, i) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s)}${extra ? extra(s) : ""}</span>`).join("") +
    `</div>`
  );
}

function lorenzChart(report: Report): string {
  const S = 360;
  const pad = 44;
  const plot = S - pad - 12;
  const x = (v: number) => pad + v * plot;
  const y = (v: number) => 12 + plot - v * plot;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${S} ${S}" width="${S}" height="${S}" role="img" aria-label="Lorenz curves" data-chart="lorenz">`;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg += `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="12" y2="${12 + plot}" stroke="#eee"/><line x1="${pad}" x2="${pad + plot}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#eee"/>`;
    svg += `<text x="${px(x(t))}" y="${12 + plot + 14}" text-anchor="middle" font-size="10">${t}</text><text x="${pad - 5}" y="${px(y(t) + 3)}" text-anchor="end" font-size="10">${t}</text>`;
  }
  svg += `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`;
  svg += `<text x="${pad + plot / 2}" y="${S - 2}" text-anchor="middle" font-size="11">share of languages (cheapest first)</text>`;
  svg += `<text x="10" y="${12 + plot / 2}" transform="rotate(-90 10 ${12 + plot / 2})" text-anchor="middle" font-size="11">share of tokens</text>`;
  report.parity!.forEach((p, i) => {
    const pts = p.lorenz.map(([a, b]) => `${px(x(a))},${px(y(b))}`).join(" ");
    svg += `<polyline points="${pts}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" data-tokenizer="${esc(p.tokenizer)}" data-gini="${p.gini}"><title>${esc(p.tokenizer)}: Gini ${p.gini.toFixed(4)}</title></polyline>`;
  });
  return svg + "</svg>";
}

function totalsTable(report: Report): string {
  const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(2)}%`);
  const num = (v: number | null, d: number) => (v === null ? "–" : v.toFixed(d));
  let t = `<table><thead><tr><th>tokenizer</th><th>vocabulary</th><th>tokens</th><th>bytes/token</th><th>NSL</th><th>Rényi eff. (α=${report.alpha})</th><th>vocab used</th><th>min tokens</th><th>BPE overhead</th>${report.parity ? "<th>Gini</th>" : ""}</tr></thead><tbody>`;
  report.totals.forEach((r, i) => {
    const info = report.tokenizers[i]!;
    const g = report.parity?.[i]?.gini;
    t += `<tr><td>${esc(r.tokenizer)}</td><td>${info.vocabSize ?? "–"}</td><td>${r.tokens}</td><td>${num(r.bytesPerToken, 3)}</td><td>${num(r.nsl, 3)}</td><td>${num(r.renyiEfficiency, 4)}</td><td>${pct(r.vocabularyUtilisation)}</td><td>${r.minTokens ?? "–"}</td><td>${pct(r.minTokenOverhead)}</td>${report.parity ? `<td>${g === undefined ? "–" : g.toFixed(4)}</td>` : ""}</tr>`;
  });
  return t + "</tbody></table>";
}

/** The report as one HTML page (UTF-8), viewable offline. */
export function renderHtml(report: Report, title = "tokenmill compare"): string {
  const tokLabels = report.tokenizers.map((t) => t.label);
  const corpusLabels = report.corpora.map((c) => c.label);
  const sections: string[] = [];
  sections.push(`<section><h2>Summary</h2>${totalsTable(report)}<p class="note">NSL: tokens relative to <b>${esc(report.reference)}</b> (Dagan et al., arXiv 2402.01035). Rényi efficiency: H<sub>α</sub>/log|V| (Zouhar et al., ACL 2023). Min tokens: the fewest tokens of the same vocabulary per pre-token (PathPiece, arXiv 2402.18376).</p></section>`);
  sections.push(
    `<section><h2>Tokens per byte</h2><p class="note">Lower is cheaper: tokens each UTF-8 byte of the corpus costs (the inverse of bytes per token; Roberts et al., arXiv 2601.11518).</p>${legend(tokLabels)}` +
      groupedChart({
        id: "tokens-per-byte",
        title: "Tokens per byte by corpus and tokenizer",
        yLabel: "tokens per byte",
        categories: corpusLabels,
        series: tokLabels,
        marks: report.rows.map((r) => ({ category: r.corpus, series: r.tokenizer, value: r.tokensPerByte, attrs: { tokenizer: r.tokenizer, corpus: r.corpus } })),
      }) +
      `</section>`,
  );
  if (report.parity) {
    const first = report.parity[0]!.premiums;
    const langs = Object.keys(first).sort((a, b) => first[a]! - first[b]! || (a < b ? -1 : 1));
    const marks: Mark[] = [];
    for (const p of report.parity) for (const l of langs) marks.push({ category: l, series: p.tokenizer, value: p.premiums[l]!, attrs: { tokenizer: p.tokenizer, language: l } });
    sections.push(
      `<section><h2>Per-language premium</h2><p class="note">Tokens for the same content relative to <b>${esc(report.referenceLanguage ?? "")}</b> (dashed line: parity), sorted by ${esc(report.parity[0]!.tokenizer)}'s premium (Petrov et al., NeurIPS 2023; Parity-aware BPE, arXiv 2508.04796).</p>${legend(tokLabels)}` +
        groupedChart({ id: "premiums", title: "Per-language token premium", yLabel: "premium", categories: langs, series: tokLabels, marks, refLine: 1 }) +
        `</section>`,
    );
    sections.push(
      `<section><h2>Inequality across languages</h2><p class="note">Lorenz curve of the premiums: the further below the diagonal, the more unequal; Gini = twice the area between.</p><div class="row">${lorenzChart(report)}${legend(
        report.parity.map((p) => p.tokenizer),
        (s) => ` — Gini <b data-gini-label="${esc(s)}">${report.parity!.find((p) => p.tokenizer === s)!.gini.toFixed(4)}</b>`,
      )}</div></section>`,
    );
  }
  const withMin = report.rows.filter((r) => r.minTokenOverhead !== null);
  if (withMin.length > 0) {
    const series = tokLabels.filter((t) => withMin.some((r) => r.tokenizer === t));
    sections.push(
      `<section><h2>Overhead over the fewest possible tokens</h2><p class="note">tokens / min tokens − 1, per corpus: how many more tokens than the same vocabulary needs at least (0 for min-tokens itself).</p>${legend(series)}` +
        groupedChart({
          id: "min-token-overhead",
          title: "Overhead over the minimum token count",
          yLabel: "overhead (fraction)",
          categories: corpusLabels,
          series,
          marks: withMin.map((r) => ({ category: r.corpus, series: r.tokenizer, value: r.minTokenOverhead!, attrs: { tokenizer: r.tokenizer, corpus: r.corpus } })),
        }) +
        `</section>`,
    );
  }
  const corporaTable =
    `<section><h2>Corpora</h2><details${report.corpora.length <= 12 ? " open" : ""}><summary>${report.corpora.length} corpora, ${report.corpora.reduce((s, c) => s + c.bytes, 0)} bytes</summary><table><thead><tr><th>corpus</th><th>language</th><th>documents</th><th>bytes</th><th>characters</th><th>words</th></tr></thead><tbody>` +
    report.corpora.map((c) => `<tr><td>${esc(c.label)}</td><td>${esc(c.language ?? "")}</td><td>${c.documents}</td><td>${c.bytes}</td><td>${c.chars}</td><td>${c.words}</td></tr>`).join("") +
    `</tbody></table></details></section>`;
  sections.push(corporaTable);
  const json = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1440px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:right}td:first-child,th:first-child{text-align:left}
.note{color:#555;margin:2px 0 8px;max-width:900px}.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0 6px;flex-direction:row}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.row{display:flex;gap:24px;align-items:flex-start}.row .legend{flex-direction:column}svg{max-width:100%;height:auto;font-family:inherit}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="note">${report.tokenizers.length} tokenizers × ${report.corpora.length} corpora. Generated by tokenmill; the numbers are in the embedded JSON.</p>
${sections.join("\n")}
<script type="application/json" id="tokenmill-report">${json}</script>
</body></html>
`;
}
