// Finding special-token strings in text, without a RegExp on the common path: every OpenAI
// special token starts with "<|", so one indexOf of the shared prefix finds each candidate and a
// map lookup per distinct token length confirms it.

export class SpecialMatcher {
  private readonly byText: Map<string, number>;
  private readonly lengths: number[];
  private readonly prefix: string;
  /** Only when the tokens share no prefix to search for (custom encodings). */
  private readonly regex?: RegExp;

  constructor(tokens: Iterable<[string, number]>) {
    this.byText = new Map([...tokens].filter(([t]) => t.length > 0));
    const texts = [...this.byText.keys()];
    // Longest first: at one position the longest special token wins.
    this.lengths = [...new Set(texts.map((t) => t.length))].sort((a, b) => b - a);
    this.prefix = commonPrefix(texts);
    if (!this.prefix && texts.length > 0) {
      const alternatives = texts.sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.regex = new RegExp(alternatives.join("|"), "gu");
    }
  }

  get size(): number {
    return this.byText.size;
  }

  /** The leftmost special token at or after `from`, or undefined. */
  find(text: string, from: number): { index: number; token: string; id: number } | undefined {
    if (this.byText.size === 0) return undefined;
    if (this.regex) {
      this.regex.lastIndex = from;
      const m = this.regex.exec(text);
      return m ? { index: m.index, token: m[0], id: this.byText.get(m[0])! } : undefined;
    }
    const prefix = this.prefix;
    let i = from;
    while (i < text.length) {
      const at = prefix ? text.indexOf(prefix, i) : i;
      if (at < 0) return undefined;
      for (const len of this.lengths) {
        if (at + len > text.length) continue;
        const candidate = text.substr(at, len);
        const id = this.byText.get(candidate);
        if (id !== undefined) return { index: at, token: candidate, id };
      }
      i = at + 1;
    }
    return undefined;
  }
}

function commonPrefix(texts: string[]): string {
  if (texts.length === 0) return "";
  let p = texts[0]!;
  for (const t of texts) {
    let k = 0;
    while (k < p.length && k < t.length && p.charCodeAt(k) === t.charCodeAt(k)) k++;
    p = p.slice(0, k);
    if (!p) break;
  }
  // Do not end on a lone high surrogate; indexOf would still work, but keep it tidy.
  if (p && (p.charCodeAt(p.length - 1) & 0xfc00) === 0xd800) p = p.slice(0, -1);
  return p;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
