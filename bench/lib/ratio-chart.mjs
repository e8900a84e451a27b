// An SVG bar chart of speed ratios (tokenmill / peer), one group of bars per benchmark row and
// one bar per peer, on a log scale (ratios span 1× to 100×+). Plain SVG text: no dependency.

const COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"];

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * groups: [{ label, bars: [{ series, value }] }] (value = ratio, or null when not measured);
 * marks: ratios to draw as vertical guide lines (e.g. the targets 10 and 20).
 */
export function ratioChartSvg({ title, subtitle = "", groups, series, marks = [1, 10, 20] }) {
  const barH = 9;
  const gap = 8;
  const labelW = 230;
  const plotW = 560;
  // legend: items laid out by label length, wrapped to rows within the plot's width
  const legend = [];
  let lx = 0;
  let row = 0;
  for (const [i, name] of series.entries()) {
    const w = 24 + name.length * 6.5;
    if (lx > 0 && lx + w > 560) {
      lx = 0;
      row++;
    }
    legend.push({ i, name, x: 230 + lx, y: 42 + row * 16 });
    lx += w;
  }
  const top = 58 + row * 16;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const lo = Math.min(0.5, ...values);
  const hi = Math.max(10, ...values) * 1.15;
  const x = (v) => labelW + (Math.log10(v / lo) / Math.log10(hi / lo)) * plotW;
  const groupH = series.length * barH + gap;
  const height = top + groups.length * groupH + 40;
  const width = labelW + plotW + 60;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`);
  if (subtitle) out.push(`<text x="10" y="34" fill="#555">${esc(subtitle)}</text>`);
  for (const { i, name, x: lx, y: ly } of legend) {
    out.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="${ly + 9}">${esc(name)}</text>`);
  }
  const ticks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500].filter((t) => t >= lo && t <= hi);
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    const strong = marks.includes(t);
    out.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 30}" stroke="${strong ? "#888" : "#ddd"}"${strong ? ' stroke-dasharray="4 3"' : ""}/>`);
    out.push(`<text x="${tx}" y="${height - 16}" text-anchor="middle" fill="#555">${t}×</text>`);
  }
  groups.forEach((g, gi) => {
    const gy = top + gi * groupH;
    out.push(`<text x="${labelW - 8}" y="${gy + (series.length * barH) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    series.forEach((s, si) => {
      const b = g.bars.find((bar) => bar.series === s);
      if (!b || !(b.value > 0)) return;
      const y = gy + si * barH;
      const w = Math.max(1, x(b.value) - labelW);
      out.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 1}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g.label} vs ${s}: ${b.value.toFixed(2)}×`)}</title></rect>`);
      out.push(`<text x="${(labelW + w + 3).toFixed(1)}" y="${y + barH - 1.5}" font-size="8" fill="#333">${b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(1)}</text>`);
    });
  });
  out.push(`<text x="${labelW + plotW / 2}" y="${height - 3}" text-anchor="middle" fill="#555">tokenmill encode throughput ÷ peer's (log scale; &gt; 1× = tokenmill faster)</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
