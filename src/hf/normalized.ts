/**
 * A piece of text with its alignment to the original input, the equivalent of HuggingFace's
 * `NormalizedString` (tokenizers/src/tokenizer/normalizer.rs), kept in UTF-16 code units
 * instead of UTF-8 bytes.
 *
 * Each code unit of `s` aligns to a range [start, end) of the ORIGINAL input (absolute UTF-16
 * positions). `al === null` means the identity alignment: unit k ↔ [base + k, base + k + 1]
 * (valid while no transform has run; ranges handed out are always on code point boundaries,
 * so a surrogate pair as a whole maps to its two original units).
 *
 * `transformRange` is HF's `transform_range` with the same change convention, applied per code
 * point: 0 = replaces the current char, 1 = inserted (aligned like the char before it, or to
 * the empty range at `base` at the very start), -N = replaces the current char and removes the
 * N that follow (aligned to the current char only, as in HF).
 */
export class NStr {
  constructor(
    public s: string,
    public al: Int32Array | null,
    /** Original position of this piece's start (HF's `original_shift`). */
    public base: number,
    /**
     * Keep alignments through transforms. false (encode without offsets, when nothing in the
     * pipeline reads alignments): transforms only rewrite `s`, and origStart/origEnd are void.
     */
    public track = true,
  ) {}

  static of(text: string, base = 0, track = true): NStr {
    return new NStr(text, null, base, track);
  }

  get length(): number {
    return this.s.length;
  }

  /** The sub-piece of normalized units [i, j) (i < j, code point boundaries). */
  slice(i: number, j: number): NStr {
    if (this.al === null) return new NStr(this.s.slice(i, j), null, this.base + i, this.track);
    const al = this.al.subarray(2 * i, 2 * j);
    return new NStr(this.s.slice(i, j), al, al.length > 0 ? al[0]! : this.base, this.track);
  }

  /** Original range of the normalized units [i, j), j > i. */
  origStart(i: number): number {
    return this.al === null ? this.base + i : this.al[2 * i]!;
  }
  origEnd(j: number): number {
    return this.al === null ? this.base + j : this.al[2 * j - 1]!;
  }

  /** Materializes the identity alignment (surrogate pairs share one range). */
  private ensureAl(): Int32Array {
    if (this.al !== null) return this.al;
    const n = this.s.length;
    const al = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      const c = this.s.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdbff && k + 1 < n) {
        const d = this.s.charCodeAt(k + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          const a = this.base + k;
          al[2 * k] = a;
          al[2 * k + 1] = a + 2;
          al[2 * k + 2] = a;
          al[2 * k + 3] = a + 2;
          k++;
          continue;
        }
      }
      al[2 * k] = this.base + k;
      al[2 * k + 1] = this.base + k + 1;
    }
    this.al = al;
    return al;
  }

  /**
   * Replaces the normalized units [start, end) by `dest` (code points with their change), after
   * dropping `initialOffset` code points at the start of the range.
   */
  transformRange(start: number, end: number, dest: ArrayLike<number>, changes: ArrayLike<number>, initialOffset: number): void {
    if (!this.track) {
      let mid = "";
      for (let t = 0; t < dest.length; t++) mid += String.fromCodePoint(dest[t]!);
      this.s = this.s.slice(0, start) + mid + this.s.slice(end);
      return;
    }
    const old = this.ensureAl();
    const s = this.s;
    let offset = start;
    for (let k = 0; k < initialOffset && offset < end; k++) offset += unitLen(s, offset);
    let out = "";
    const al: number[] = [];
    for (let t = 0; t < dest.length; t++) {
      const c = dest[t]!;
      const change = changes[t]!;
      let a0: number;
      let a1: number;
      if (change > 0) {
        if (offset < 1) {
          a0 = a1 = this.base;
        } else {
          a0 = old[2 * (offset - 1)]!;
          a1 = old[2 * (offset - 1) + 1]!;
        }
      } else {
        a0 = old[2 * offset]!;
        a1 = old[2 * offset + 1]!;
        offset += unitLen(s, offset); // the replaced char
        for (let r = 0; r < -change && offset < end; r++) offset += unitLen(s, offset);
      }
      const ch = String.fromCodePoint(c);
      out += ch;
      for (let u = 0; u < ch.length; u++) al.push(a0, a1);
    }
    const next = new Int32Array(old.length - 2 * (end - start) + al.length);
    next.set(old.subarray(0, 2 * start), 0);
    next.set(al, 2 * start);
    next.set(old.subarray(2 * end), 2 * start + al.length);
    this.al = next;
    this.s = s.slice(0, start) + out + s.slice(end);
  }

  /**
   * Several transformRange calls (initial offset 0) on disjoint ranges given in increasing order,
   * in one pass over the string and alignments.
   */
  transformRegions(regs: Array<{ a: number; b: number; cps: number[]; changes: number[] }>): void {
    if (regs.length === 0) return;
    if (!this.track) {
      for (let r = regs.length - 1; r >= 0; r--) this.transformRange(regs[r]!.a, regs[r]!.b, regs[r]!.cps, regs[r]!.changes, 0);
      return;
    }
    const old = this.ensureAl();
    const s = this.s;
    let extra = 0;
    for (const r of regs) extra += 2 * r.cps.length - (r.b - r.a);
    const al = new Int32Array(2 * (s.length + Math.max(0, extra)));
    let o = 0;
    let out = "";
    let prev = 0;
    for (const r of regs) {
      al.set(old.subarray(2 * prev, 2 * r.a), 2 * o);
      o += r.a - prev;
      out += s.slice(prev, r.a);
      let offset = r.a;
      for (let t = 0; t < r.cps.length; t++) {
        const change = r.changes[t]!;
        let a0: number;
        let a1: number;
        if (change > 0) {
          if (offset < 1) a0 = a1 = this.base;
          else {
            a0 = old[2 * (offset - 1)]!;
            a1 = old[2 * (offset - 1) + 1]!;
          }
        } else {
          a0 = old[2 * offset]!;
          a1 = old[2 * offset + 1]!;
          offset += unitLen(s, offset);
          for (let k = 0; k < -change && offset < r.b; k++) offset += unitLen(s, offset);
        }
        const c = r.cps[t]!;
        out += String.fromCodePoint(c);
        al[2 * o] = a0;
        al[2 * o + 1] = a1;
        o++;
        if (c > 0xffff) {
          al[2 * o] = a0;
          al[2 * o + 1] = a1;
          o++;
        }
      }
      prev = r.b;
    }
    al.set(old.subarray(2 * prev), 2 * o);
    o += s.length - prev;
    out += s.slice(prev);
    this.al = al.subarray(0, 2 * o);
    this.s = out;
  }

  /** Whole-string transform (HF `transform`). */
  transform(dest: ArrayLike<number>, changes: ArrayLike<number>, initialOffset: number): void {
    this.transformRange(0, this.s.length, dest, changes, initialOffset);
  }

  /** HF `prepend`: the first char of `p` replaces the first char, the rest are insertions. */
  prepend(p: string): void {
    if (this.s.length === 0) return;
    const first = this.s.codePointAt(0)!;
    const cps = [...p].map((c) => c.codePointAt(0)!);
    const ch = cps.map((_, i) => (i === 0 ? 0 : 1));
    cps.push(first);
    ch.push(1);
    this.transformRange(0, first > 0xffff ? 2 : 1, cps, ch, 0);
  }

  /** HF `append`. */
  append(p: string): void {
    if (this.s.length === 0) return;
    let b = this.s.length - 1;
    const lo = this.s.charCodeAt(b);
    if (lo >= 0xdc00 && lo <= 0xdfff && b > 0) b--;
    const last = this.s.codePointAt(b)!;
    const cps = [last, ...[...p].map((c) => c.codePointAt(0)!)];
    const ch = cps.map((_, i) => (i === 0 ? 0 : 1));
    this.transformRange(b, this.s.length, cps, ch, 0);
  }

  /** Whether `same` holds for every code point (a pass without allocation: most text is left as is). */
  private unchanged(same: (cp: number) => boolean): boolean {
    const s = this.s;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (!same(c)) return false;
    }
    return true;
  }

  /** Maps each code point to one code point (change 0). */
  mapChars(f: (cp: number) => number): void {
    if (this.unchanged((c) => f(c) === c)) return;
    // Every char to a char of the same UTF-16 length (the usual case: whitespace to " "): each
    // keeps its alignment (change 0), so only the string changes.
    let out = "";
    let sameUnits = true;
    for (const ch of this.s) {
      const d = String.fromCodePoint(f(ch.codePointAt(0)!));
      if (d.length !== ch.length) {
        sameUnits = false;
        break;
      }
      out += d;
    }
    if (sameUnits) {
      this.s = out;
      return;
    }
    const cps: number[] = [];
    let changed = false;
    for (const ch of this.s) {
      const c = ch.codePointAt(0)!;
      const d = f(c);
      if (d !== c) changed = true;
      cps.push(d);
    }
    if (!changed) return;
    // Same lengths in UTF-16 only if both are in the same plane; transform handles the rest.
    this.transform(cps, new Array(cps.length).fill(0), 0);
  }

  /** HF `filter`: keeps the chars for which `keep` is true. */
  filter(keep: (cp: number) => boolean): void {
    if (this.unchanged(keep)) return;
    this.keepOnly(keep);
  }

  /**
   * What HF's filter amounts to: each kept char has change -N (the N removed chars after it) or
   * 0, and leading removed chars are the initial offset, so transform gives every kept char its
   * own alignment and drops the rest. Done here directly: the kept runs of the string, and of
   * the alignments.
   */
  private keepOnly(keep: (cp: number) => boolean): void {
    const s = this.s;
    const old = this.track ? this.ensureAl() : null;
    const al = old === null ? null : new Int32Array(old.length);
    let out = "";
    let run = 0; // start of the current run of kept units
    let o = 0; // units kept so far
    const flush = (end: number) => {
      if (end <= run) return;
      out += s.slice(run, end);
      if (al !== null) al.set(old!.subarray(2 * run, 2 * end), 2 * o);
      o += end - run;
    };
    for (let i = 0; i < s.length; ) {
      let c = s.charCodeAt(i);
      let w = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          w = 2;
        }
      }
      if (!keep(c)) {
        flush(i);
        run = i + w;
      }
      i += w;
    }
    flush(s.length);
    this.s = out;
    if (al !== null) this.al = al.subarray(0, 2 * o);
  }

  /**
   * HF `replace` with a list of matches [start, end) in normalized units (non-overlapping, in
   * order), in one pass. HF replaces match by match with `transform_range(match, content as
   * insertions, initial_offset = removed chars)`, so every unit of `content` takes the
   * alignment of the last unit of the match it replaces.
   */
  replaceMatches(matches: Array<[number, number]>, content: string): void {
    if (matches.length === 0) return;
    if (!this.track) {
      let out = "";
      let prev = 0;
      for (const [a, b] of matches) {
        out += this.s.slice(prev, a) + content;
        prev = b;
      }
      this.s = out + this.s.slice(prev);
      return;
    }
    const old = this.ensureAl();
    const s = this.s;
    const n = s.length + matches.length * content.length;
    const al = new Int32Array(2 * n);
    let o = 0;
    let out = "";
    let prev = 0;
    for (const [a, b] of matches) {
      if (a > prev) {
        al.set(old.subarray(2 * prev, 2 * a), 2 * o);
        o += a - prev;
        out += s.slice(prev, a);
      }
      const a0 = old[2 * (b - 1)]!;
      const a1 = old[2 * (b - 1) + 1]!;
      for (let u = 0; u < content.length; u++) {
        al[2 * o] = a0;
        al[2 * o + 1] = a1;
        o++;
      }
      out += content;
      prev = b;
    }
    if (prev < s.length) {
      al.set(old.subarray(2 * prev), 2 * o);
      o += s.length - prev;
      out += s.slice(prev);
    }
    this.al = al.subarray(0, 2 * o);
    this.s = out;
  }
}

export function unitLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** HF `split` of one piece by matches: `matches` are [start, end, isMatch] covering the piece. */
export type SplitBehavior = "Removed" | "Isolated" | "MergedWithPrevious" | "MergedWithNext" | "Contiguous";

/**
 * Turns the full list of (range, isMatch) segments into the ranges to keep, following
 * `NormalizedString::split` exactly. Returns [start, end] pairs; empty ranges are dropped.
 */
export function applyBehavior(segs: Array<[number, number, boolean]>, behavior: SplitBehavior): Array<[number, number]> {
  const acc: Array<[number, number, boolean]> = [];
  switch (behavior) {
    case "Isolated":
      for (const [a, b] of segs) acc.push([a, b, false]);
      break;
    case "Removed":
      for (const s of segs) acc.push(s);
      break;
    case "Contiguous": {
      let prev = false;
      for (const [a, b, m] of segs) {
        if (m === prev && acc.length > 0) acc[acc.length - 1]![1] = b;
        else acc.push([a, b, false]);
        prev = m;
      }
      break;
    }
    case "MergedWithPrevious": {
      let prev = false;
      for (const [a, b, m] of segs) {
        if (m && !prev && acc.length > 0) acc[acc.length - 1]![1] = b;
        else acc.push([a, b, false]);
        prev = m;
      }
      break;
    }
    case "MergedWithNext": {
      let prev = false;
      for (let k = segs.length - 1; k >= 0; k--) {
        const [a, b, m] = segs[k]!;
        if (m && !prev && acc.length > 0) acc[acc.length - 1]![0] = a;
        else acc.push([a, b, false]);
        prev = m;
      }
      acc.reverse();
      break;
    }
  }
  const out: Array<[number, number]> = [];
  for (const [a, b, remove] of acc) if (!remove && b > a) out.push([a, b]);
  return out;
}

/** Segments of [0, n) given non-overlapping matches in order (HF `Pattern::find_matches`). */
export function segmentsOf(matches: Array<[number, number]>, n: number): Array<[number, number, boolean]> {
  if (n === 0) return [[0, 0, false]];
  const out: Array<[number, number, boolean]> = [];
  let prev = 0;
  for (const [a, b] of matches) {
    if (a > prev) out.push([prev, a, false]);
    out.push([a, b, true]);
    prev = b;
  }
  if (prev < n) out.push([prev, n, false]);
  return out;
}

/**
 * UTF-16 ↔ code point positions in one text. HF's offsets are char (code point) offsets by the
 * time post-processors see them (the binding converts bytes to chars before post-processing),
 * so offset arithmetic such as ByteLevel's trim (`process_offsets`) counts code points: trimming
 * one char off [0, 2) of an astral char gives [0, 0), not [0, 1). A cursor walks either way, so
 * the mostly increasing positions of an encoding cost O(text) in all.
 */
export class CodePointPositions {
  private unit = 0;
  private cp = 0;
  constructor(private readonly text: string) {}

  private stepBack(): void {
    this.unit -= this.unit >= 2 && unitLen(this.text, this.unit - 2) === 2 ? 2 : 1;
    this.cp--;
  }

  /** Code point index of UTF-16 offset u (a code point boundary). */
  toCodePoint(u: number): number {
    while (this.unit > u) this.stepBack();
    while (this.unit < u) {
      this.unit += unitLen(this.text, this.unit);
      this.cp++;
    }
    return this.cp;
  }

  /** UTF-16 offset of code point index c (clamped to the text). */
  toUnit(c: number): number {
    while (this.cp > c) this.stepBack();
    while (this.cp < c && this.unit < this.text.length) {
      this.unit += unitLen(this.text, this.unit);
      this.cp++;
    }
    return this.unit;
  }
}
