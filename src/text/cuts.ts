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
  const c = text.charCodeAt(p);
  const before = text.charCodeAt(p - 1);
  if (c === 0x20) return before >= 0x21 && before <= 0x7e;
  return before === 0x0a && p >= 2 && c !== 0x2f && solid(c) && solid(text.charCodeAt(p - 2));
}

/**
 * Whether text for an encoding with these special tokens may be cut at `lastSafeSplit`'s points:
 * only if no special token holds whitespace (else one could span a cut and go unrecognised).
 */
export function cuttable(specialTokens: Iterable<string>): boolean {
  for (const t of specialTokens) if (/\s/u.test(t)) return false;
  return true;
}
