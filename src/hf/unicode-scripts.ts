/**
 * The script classes of HF's UnicodeScripts pre-tokenizer (tokenizers/src/pre_tokenizers/
 * unicode_scripts): its own table from an old Unicode version, with Hiragana, Katakana and
 * U+30FC counted as Han, and " " plus every code point the table lacks as "Any". The table is
 * read back from the reference by scripts/gen-hf-scripts.mjs (src/hf/unicode-scripts-hf.ts).
 */
import { SCRIPT_RUNS } from "./unicode-scripts-hf.js";

/** Script number of "Any": never starts a piece and leaves the current script as it is. */
export const ANY_SCRIPT = 0;

let starts: Uint32Array | null = null;
let ends: Uint32Array | null = null;
let scripts: Uint16Array | null = null;

function load(): void {
  const parts = SCRIPT_RUNS.split(" ");
  const n = parts.length / 3;
  starts = new Uint32Array(n);
  ends = new Uint32Array(n);
  scripts = new Uint16Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = prev += parseInt(parts[3 * i]!, 36);
    ends[i] = prev += parseInt(parts[3 * i + 1]!, 36);
    scripts[i] = parseInt(parts[3 * i + 2]!, 36);
  }
}

/** The script number of a code point as UnicodeScripts sees it (ANY_SCRIPT for "Any"). */
export function scriptOf(cp: number): number {
  if (starts === null) load();
  let lo = 0;
  let hi = starts!.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < starts![mid]!) hi = mid - 1;
    else if (cp > ends![mid]!) lo = mid + 1;
    else return scripts![mid]!;
  }
  return ANY_SCRIPT;
}

/**
 * Where UnicodeScripts cuts a string, as UTF-16 offsets of piece starts, then the string's end.
 * A cut falls before every char whose script is not Any and differs from the last non-Any
 * script before it, including the first such char: chars before it (all Any) belong to no
 * piece and are dropped, as in the reference (whose cut list starts there).
 */
export function scriptCuts(s: string): number[] {
  const cuts: number[] = [];
  let last = -1;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const sc = scriptOf(cp);
    if (sc !== ANY_SCRIPT && sc !== last) {
      cuts.push(i);
      last = sc;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  cuts.push(s.length);
  return cuts;
}
