// The lines of a multilingual text grouped by their main writing system: the script with the
// most letters in the line (at least 5). Lines with no such script are left out. Used by
// bench/scripts.mjs (throughput per script) and bench/pair-verify.mjs (merge work per script).

export const SCRIPTS = [
  "Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Arabic", "Devanagari", "Bengali", "Tamil",
  "Thai", "Hangul", "Han", "Hiragana+Katakana",
];

const scriptRe = (s) =>
  new RegExp(s === "Hiragana+Katakana" ? "[\\p{Script=Hiragana}\\p{Script=Katakana}]" : `\\p{Script=${s}}`, "gu");

/** [script, text] for every script whose lines make at least `minBytes` of UTF-8, in SCRIPTS order. */
export function groupByScript(text, { minBytes = 20_000 } = {}) {
  const groups = new Map(SCRIPTS.map((s) => [s, []]));
  const res = SCRIPTS.map((s) => [s, scriptRe(s)]);
  for (const line of text.split("\n")) {
    let best = null;
    let most = 4;
    for (const [s, re] of res) {
      const n = line.match(re)?.length ?? 0;
      if (n > most) {
        most = n;
        best = s;
      }
    }
    if (best) groups.get(best).push(line);
  }
  return [...groups].map(([s, lines]) => [s, lines.join("\n")]).filter(([, t]) => Buffer.byteLength(t) >= minBytes);
}
