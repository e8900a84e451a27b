// The word-counting kernel. It must stay self-contained (no imports, no outer names): its
// source text is also the body of the counting workers (count-workers.ts), so the main thread
// and the workers cannot count differently.

/**
 * Adds the pre-tokens of `text` to `counts` and returns how many there were. With `lines`,
 * each line (with its "\n") is a sequence of its own; otherwise the whole text is one. Pieces
 * are HF Split "Isolated": the matches, and the text between matches as words of their own.
 * `re` must be global ("gu").
 */
export function countInto(re: RegExp, text: string, lines: boolean, counts: Map<string, number>): number {
  let n = 0;
  let start = 0;
  const end = text.length;
  while (start < end) {
    let stop = end;
    if (lines) {
      const nl = text.indexOf("\n", start);
      if (nl >= 0) stop = nl + 1;
    }
    const seq = start === 0 && stop === end ? text : text.slice(start, stop);
    re.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(seq)) !== null) {
      const s = m[0];
      const at = m.index;
      if (s.length === 0) {
        // a custom pattern that matches empty somewhere: step over one code point
        re.lastIndex = at + ((seq.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
        continue;
      }
      if (at > last) {
        const gap = seq.slice(last, at);
        counts.set(gap, (counts.get(gap) ?? 0) + 1);
        n++;
      }
      counts.set(s, (counts.get(s) ?? 0) + 1);
      n++;
      last = at + s.length;
    }
    if (last < seq.length) {
      const gap = seq.slice(last);
      counts.set(gap, (counts.get(gap) ?? 0) + 1);
      n++;
    }
    start = stop;
  }
  return n;
}
