/**
 * An incremental token counter for text that a person edits (`Encoding.counter()`): after every
 * change `count` is the count of the whole text, but only the part around the change is encoded
 * again.
 *
 * The text is kept as segments that meet at cut points of src/text/cuts.ts (`isSafeCut`), where
 * encode(text) = encode(before) ++ encode(after) for every OpenAI pattern, so the count of the
 * text is the sum of its segments' counts. Whether a point is a cut depends only on the
 * characters at p - 2, p - 1 and p, so after an edit, a boundary whose three characters are
 * unchanged is still a cut and the segments between such boundaries keep their counts. An edit
 * that first changes character d re-encodes from the last boundary before d (its three
 * characters lie before d) to the first old boundary whose three characters lie in the
 * unchanged tail, cutting that stretch into new segments of about SEGMENT characters.
 *
 * Text with no cut points (one long line of Chinese, a custom pattern, special tokens holding
 * whitespace) is one segment: counted again whole, as `count` would.
 */
import { DisallowedSpecialTokenError, InvalidArgumentError } from "../errors.js";
import { isSafeCut } from "./cuts.js";

/**
 * Segments are cut at the first cut point at least this many UTF-16 units after their start: a
 * keystroke re-encodes about one segment (a few µs of encoding), and 1 MB of text is a few
 * thousand segments, whose bookkeeping after an edit costs less than that.
 */
const SEGMENT = 512;

/** The live counter `Encoding.counter()` returns. */
export interface TokenCounter {
  /** Tokens of `text`: always what `count(text, options)` gives. */
  readonly count: number;
  /** The text counted. */
  readonly text: string;
  /** Replaces the text (a keystroke, a paste, an undo: any edit); returns the new count. */
  set(newText: string): number;
  /** Adds `more` at the end; returns the new count. */
  append(more: string): number;
}

export class SegmentedCounter implements TokenCounter {
  private current = "";
  /** Start of each segment in `current` (starts[0] = 0); segment k ends where k + 1 starts. */
  private starts: number[] = [0];
  private counts: number[] = [0];
  /** The last segment's text, so that `append` never reads (and flattens) the whole text. */
  private tail = "";
  private total = 0;

  /**
   * `countOf` counts one segment (and throws DisallowedSpecialTokenError with an index into
   * it); `cuttable`: whether the text may be cut at isSafeCut's points.
   */
  constructor(
    private readonly countOf: (text: string) => number,
    private readonly cuttable: boolean,
    text: string,
  ) {
    if (text.length > 0) this.set(text);
  }

  get count(): number {
    return this.total;
  }

  get text(): string {
    return this.current;
  }

  set(newText: string): number {
    checkString(newText, "set");
    const old = this.current;
    if (newText === old) return this.total;
    const d = commonPrefix(old, newText);
    const same = commonSuffix(old, newText, Math.min(old.length, newText.length) - d);
    this.edit(newText, d, same, undefined);
    return this.total;
  }

  append(more: string): number {
    checkString(more, "append");
    if (more.length === 0) return this.total;
    const old = this.current;
    this.edit(old + more, old.length, 0, more);
    return this.total;
  }

  /**
   * The text becomes `next`, which agrees with the current text before `d` and in its last
   * `same` characters. `appended`: the edit only added these characters at the end.
   */
  private edit(next: string, d: number, same: number, appended: string | undefined): void {
    const { starts, counts } = this;
    const oldLen = this.current.length;
    const delta = next.length - oldLen;
    // the last segment starting before d (start 0 always qualifies)
    let k0 = upperBound(starts, d - 1) - 1;
    if (k0 < 0) k0 = 0;
    // the first later boundary whose characters p-2..p are all in the unchanged tail
    const tailFrom = oldLen - same;
    let k1 = k0 + 1;
    while (k1 < starts.length && starts[k1]! - 2 < tailFrom) k1++;
    const from = starts[k0]!;
    const to = k1 < starts.length ? starts[k1]! + delta : next.length;
    // The stretch to encode again; for an append that reaches the end, from the last segment's
    // own text, so that the whole (now concatenated) text is never flattened.
    const lastK = starts.length - 1;
    const region = appended !== undefined && k0 === lastK ? this.tail + appended : next.slice(from, to);
    const newStarts: number[] = [];
    const newCounts: number[] = [];
    let segFrom = 0;
    let added = 0;
    while (segFrom < region.length || newStarts.length === 0) {
      const cut = this.cuttable ? nextCut(region, segFrom + SEGMENT) : -1;
      const segTo = cut < 0 ? region.length : cut;
      const piece = segFrom === 0 && segTo === region.length ? region : region.slice(segFrom, segTo);
      let n: number;
      try {
        n = this.countOf(piece);
      } catch (err) {
        if (err instanceof DisallowedSpecialTokenError) throw new DisallowedSpecialTokenError(err.token, err.index + from + segFrom);
        throw err;
      }
      newStarts.push(from + segFrom);
      newCounts.push(n);
      added += n;
      if (segTo >= region.length) break;
      segFrom = segTo;
    }
    // commit (nothing above changed the counter, so an error leaves it as it was)
    let removed = 0;
    for (let k = k0; k < k1; k++) removed += counts[k]!;
    for (let k = k1; k < starts.length; k++) starts[k] = starts[k]! + delta;
    starts.splice(k0, k1 - k0, ...newStarts);
    counts.splice(k0, k1 - k0, ...newCounts);
    this.total += added - removed;
    this.current = next;
    // the last segment's text: the end of the region if the region reached the end, else as it was
    if (k1 > lastK) this.tail = region.slice(starts[starts.length - 1]! - from);
  }
}

function checkString(text: unknown, what: string): void {
  if (typeof text !== "string") throw new InvalidArgumentError(`counter.${what}: expected a string, got ${text === null ? "null" : typeof text}`);
}

/** The first cut point of `text` at or after `at` (≥ 2, so that its characters are in `text`), or -1. */
function nextCut(text: string, at: number): number {
  for (let p = Math.max(at, 2); p < text.length; p++) if (isSafeCut(text, p)) return p;
  return -1;
}

/** The number of entries of the sorted `a` that are ≤ x. */
function upperBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Comparing slices lets the engine compare whole runs of characters at memory speed; blocks
// double while they match, and a block that differs is halved down to the character.
const BLOCK = 256;

/** Length of the longest common prefix of a and b. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  let size = BLOCK;
  while (i < n) {
    const e = Math.min(n, i + size);
    if (e - i <= 16) {
      while (i < e && a.charCodeAt(i) === b.charCodeAt(i)) i++;
      if (i < e) return i;
      size = 32;
      continue;
    }
    if (a.slice(i, e) === b.slice(i, e)) {
      i = e;
      size *= 2;
    } else {
      size = (e - i) >>> 1;
    }
  }
  return i;
}

/** Length of the longest common suffix of a and b, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  let i = 0; // characters known equal at the ends
  let size = BLOCK;
  while (i < max) {
    const m = Math.min(max - i, size);
    if (m <= 16) {
      const e = i + m;
      while (i < e && a.charCodeAt(la - 1 - i) === b.charCodeAt(lb - 1 - i)) i++;
      if (i < e) return i;
      size = 32;
      continue;
    }
    if (a.slice(la - i - m, la - i) === b.slice(lb - i - m, lb - i)) {
      i += m;
      size *= 2;
    } else {
      size = m >>> 1;
    }
  }
  return i;
}
