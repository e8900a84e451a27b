/**
 * Where text can be cut without changing its tokens: encode(text) == encode(text[0:p]) ++
 * encode(text[p:]) for every OpenAI pattern family. The stream reader (stream.ts) cuts at the
 * last such point of what it holds; the worker pool (parallel/pool.ts) spreads one long text
 * over its threads at the first such point after each part's target size (splitPoints there:
 * a function of the pool's own, so that it stays out of the browser bundles).
 */

/**
 * Whether code unit `c` is certainly not whitespace for the patterns' `\s` (Unicode White_Space)
 * and not a line break. Errs on the side of "maybe whitespace" (format characters such as
 * U+200B and U+FEFF count as such): a rejected cut point only costs a later one.
 */
function solid(c: number): boolean {
  if (c <= 0x7e) return c >= 0x21;
  if (c < 0xa1) return false; // DEL, C1 controls incl. U+0085, U+00A0
  if (c >= 0x2000 && c <= 0x206f) return c >= 0x2010 && c !== 0x2028 && c !== 0x2029 && c !== 0x202f && c < 0x205f;
  return c !== 0x1680 && c !== 0x180e && c !== 0x3000 && c !== 0xfeff;
}

/**
 * The largest p in [lo, text.length) at which `text` can be cut without changing its tokens
 * (encode(text) == encode(text[0:p]) ++ encode(text[p:])), or -1 if there is none. Two kinds of
 * cut point, both safe for every OpenAI pattern (r50k/p50k, cl100k, o200k):
 *
 * 1. A U+0020 SPACE at p whose predecessor is printable non-space ASCII (U+0021..U+007E):
 *    - No piece ends with whitespace after non-whitespace: whitespace only ever *leads* a
 *      non-space piece (` ?\p{L}+`, `[^\r\n\p{L}\p{N}]?\p{L}+`, …), and the only trailing
 *      extensions, `[\r\n]*` / `[\r\n/]*` after punctuation and `'s|'t|…` after words, cannot
 *      take a space. So in the full text a piece boundary falls at p.
 *    - The pieces before p are decided by characters before p plus "the next character is
 *      whitespace / not a letter / not a digit / not an apostrophe", which holds equally at end
 *      of text; the only lookahead, `\s+(?!\S)`, belongs to whitespace runs, which end before p-1.
 *    - The patterns have no look-behind or anchors, so pieces from p on are found the same way
 *      in the suffix alone. BPE then works piece by piece.
 * 2. Just after a "\n" that has a solid (non-whitespace) character on both sides, the one after
 *    it not "/" (text without ASCII spaces, such as Chinese or Japanese, has these at line ends):
 *    - The "\n" is either the end of a punctuation run (` ?[^\s\p{L}\p{N}]+[\r\n]*`, in o200k
 *      `[\r\n/]*`: hence no "/" after it) or a piece of its own (`\s*[\r\n]+` in cl100k/o200k,
 *      `\s+` in r50k, as `\s+(?!\S)` fails before a solid character); both end at p, because
 *      the next character is neither whitespace nor "/". At end of text the same pieces are
 *      found: a run that starts at the "\n" is just "\n" either way (the character before it
 *      is solid, so no longer whitespace run reaches it: with " \n" before a letter, r50k's
 *      `\s+(?!\S)` would take " " alone, but " \n" at the end of text).
 *    - As in 1, no alternative looks past p except through those classes.
 *
 * Special tokens (when allowed or checked for) must contain no whitespace, so that none spans
 * a cut: the caller checks (see `cuttable`). A cut before "\n" would NOT be safe ("a.\nB":
 * cl100k/o200k glue ".\n"), nor one after whitespace in general (r50k: " \n" + "X" is " ",
 * "\n" but " \n" at the end of text is one piece). test/stream.test.ts checks every cut point it
 * picks on generated text against tiktoken itself.
 */
export function lastSafeSplit(text: string, lo = 1): number {
  for (let p = text.length - 1; p >= Math.max(lo, 1); p--) if (isSafeCut(text, p)) return p;
  return -1;
}

/** Whether `text` may be cut at p (0 < p < text.length) by the two rules of `lastSafeSplit`. */
export function isSafeCut(text: string, p: number): boolean {
  if (p < 1 || p >= text.length) return false;
  return safeCutBefore(p >= 2 ? text.charCodeAt(p - 2) : -1, text.charCodeAt(p - 1), text.charCodeAt(p));
}

/**
 * `isSafeCut` from the code units around the cut: `c` the one after it, `before` and `before2`
 * the two before it (-1 where the text has none), for readers that do not hold the text as one
 * string (stream.ts).
 */
export function safeCutBefore(before2: number, before: number, c: number): boolean {
  if (c === 0x20) return before >= 0x21 && before <= 0x7e;
  return before === 0x0a && c !== 0x2f && solid(c) && solid(before2);
}

// What `sureClass` says of a code unit: the pattern classes (DESIGN.md "Unicode classes") of the
// code points it is sure of, without the Unicode table (which the per-encoding entries, whose
// stream readers use this, do not carry).
const UNSURE = 0;
const SURE_LETTER = 1; // \p{L}: UPPER, LOWER or LETTER
const SURE_DIGIT = 2; // \p{N}
const SURE_PUNCT = 3; // OTHER, and not the apostrophe U+0027

/**
 * The class of code unit `c` where it is known without the Unicode table: ASCII, the CJK
 * ideographs (all Lo), kana and Hangul syllables (Lo), CJK and fullwidth punctuation (P*, S*:
 * OTHER) and fullwidth digits and Latin letters; UNSURE for everything else, surrogates and
 * marks (MARK is \p{L}-like in o200k but punctuation in the others) included.
 * test/audit-openai.test.ts checks every BMP code unit against the table.
 */
function sureClass(c: number): number {
  if (c < 0x80) {
    if (c >= 0x30 && c <= 0x39) return SURE_DIGIT;
    const l = c | 0x20;
    if (l >= 0x61 && l <= 0x7a) return SURE_LETTER;
    return c >= 0x21 && c <= 0x7e && c !== 0x27 ? SURE_PUNCT : UNSURE;
  }
  if (c < 0x3001) return UNSURE;
  if (c >= 0x4e00 && c <= 0x9fff) return SURE_LETTER; // CJK Unified Ideographs
  if (c <= 0x30ff) {
    if (c <= 0x3003 || (c >= 0x3008 && c <= 0x3011)) return SURE_PUNCT; // 、。〃 and the brackets 〈〉《》「」『』【】
    if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa)) return SURE_LETTER; // hiragana, katakana (not the marks 3099-309A)
    return UNSURE;
  }
  if (c >= 0xac00 && c <= 0xd7a3) return SURE_LETTER; // Hangul syllables
  if (c >= 0xff01 && c <= 0xff64) {
    if (c >= 0xff10 && c <= 0xff19) return SURE_DIGIT; // fullwidth digits (Nd)
    if ((c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a)) return SURE_LETTER; // fullwidth Latin letters
    return SURE_PUNCT; // fullwidth ASCII punctuation, 。「」、･
  }
  return UNSURE;
}

/**
 * Whether text may be cut between code units `before` and `c` by the class-change rule: both
 * sure of their classes (`sureClass`), and either exactly one a digit, or a letter followed by
 * punctuation other than "'". Exact for every OpenAI pattern; the proof is in DESIGN.md ("Where
 * text may be cut"): no piece can hold both code points, every test a match begun before the
 * cut makes at `c` fails as at the end of text (`(?!\S)` only follows whitespace), and no
 * pattern looks behind. A special token may contain such a point (`t|` in "<|endoftext|>"):
 * the caller must not cut inside one (stream.ts checks the cut it picks).
 */
export function isClassCut(before: number, c: number): boolean {
  const x = sureClass(before);
  const y = sureClass(c);
  if (x === UNSURE || y === UNSURE) return false;
  return (x === SURE_DIGIT) !== (y === SURE_DIGIT) || (x === SURE_LETTER && y === SURE_PUNCT);
}

// sureClass of each ASCII code unit, and whether isClassCut holds for (class before, class after)
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, c) => sureClass(c));
const CLASS_CUT = Uint8Array.from({ length: 16 }, (_, k) => {
  const x = k >> 2;
  const y = k & 3;
  return Number(x !== UNSURE && y !== UNSURE && ((x === SURE_DIGIT) !== (y === SURE_DIGIT) || (x === SURE_LETTER && y === SURE_PUNCT)));
});

/**
 * A scan for cut points with `scanCuts`' contract: the last cut point of each kind in s (given
 * the two code units before it, -1 where none), in `out`; returns the code units examined.
 */
export type CutScanner = (s: string, before: number, before2: number, out: FoundCuts) => number;

/** Where `scanCuts` found the last cut point of each rule (-1: none). */
export interface FoundCuts {
  safe: number;
  cls: number;
}

/**
 * The last cut point of each rule in text t + s at positions in s (index in s), where t is the
 * text before s, of which `before`/`before2` are the last two code units (-1: none). Scans from
 * the end and stops at the first `safeCutBefore` point (an earlier one of either rule is of no
 * use to a reader that cuts at the last); returns how many code units it examined.
 */
export function scanCuts(s: string, before: number, before2: number, out: FoundCuts): number {
  out.safe = -1;
  out.cls = -1;
  let j = s.length - 1;
  if (j < 0) return 0;
  let c = s.charCodeAt(j);
  let cc = c < 0x80 ? ASCII_CLASS[c]! : sureClass(c);
  for (; j >= 0; j--) {
    const b1 = j >= 1 ? s.charCodeAt(j - 1) : before;
    if (b1 < 0) break; // the start of the text: no cut there
    const cb = b1 < 0x80 ? ASCII_CLASS[b1]! : sureClass(b1);
    if (out.cls < 0 && CLASS_CUT[(cb << 2) | cc] === 1) out.cls = j;
    if (c === 0x20 || b1 === 0x0a) {
      const b2 = j >= 2 ? s.charCodeAt(j - 2) : j === 1 ? before : before2;
      if (safeCutBefore(b2, b1, c)) {
        out.safe = j;
        return s.length - j;
      }
    }
    c = b1;
    cc = cb;
  }
  return s.length;
}

/** `sureClass` by name, for the test that checks it against the Unicode table. @internal */
export function sureClassName(c: number): "letter" | "digit" | "punct" | undefined {
  return ([undefined, "letter", "digit", "punct"] as const)[sureClass(c)];
}

/**
 * Whether text for an encoding with these special tokens may be cut at `lastSafeSplit`'s points:
 * only if no special token holds whitespace (else one could span a cut and go unrecognised).
 */
export function cuttable(specialTokens: Iterable<string>): boolean {
  for (const t of specialTokens) if (/\s/u.test(t)) return false;
  return true;
}
