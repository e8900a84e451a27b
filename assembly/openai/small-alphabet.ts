// Long pieces over a small alphabet (runs of whitespace, of punctuation, of one character)
// encoded in one left-to-right pass instead of the bucket merge, exactly.
//
// The pass rests on a property of tiktoken's merge rule (DESIGN.md "BPE", the pair theorem):
// a segmentation e_1..e_m of a text into tokens, each the encoding of its own bytes, is the
// encoding of the text iff every adjacent pair is "compatible": BPE(e_k e_k+1) = [e_k, e_k+1].
// So, with last[i] the last token of the encoding of the first i bytes, last[i] is the one
// token t ending at byte i such that i = |t|, or last[i - |t|] and t are compatible: the real
// last token passes (its predecessor is last[i - |t|] by corollary II, and the pair of them is
// a run of the encoding), and any token that passes gives a segmentation whose pairs are all
// compatible, which is the encoding, so it is the real one. (This is the "appendable encoder"
// of the rust-gems `bpe` crate; DESIGN.md proves the theorem for tiktoken's rule, which picks
// any adjacent pair that is a token, lowest rank, leftmost on ties.)
//
// The tokens ending at byte i come from an Aho-Corasick automaton over the vocabulary's tokens
// made only of the piece's bytes (58 for newlines and tabs in o200k, 176 for spaces and
// newlines), built when a long piece needs it and kept while pieces stay in that alphabet. A
// pair's compatibility is decided once by the merge loop (mergeRaw on the two tokens' bytes)
// and kept in a dense byte table indexed by the two tokens' local indices (it depends on the
// vocabulary alone; 1 MB of random newlines and tabs checks ~3.7 K distinct pairs, of spaces
// and newlines ~37 K). Per byte: one transition, and for each token ending there, longest first
// (1.2-1.4 per byte on those inputs), a load of last[] and of one table byte, until one passes.
// A hashed memo by rank pair instead cost 228 M instructions per MB of newlines and tabs
// against 157 M for the table (PERFORMANCE.md W17).
//
// The automaton is not built when the alphabet has more than MAX_CLASSES bytes or its tokens
// need more than MAX_NODES trie nodes (random letters, base64: tens of thousands of tokens);
// that alphabet is remembered so that its superset alphabets are refused without another scan
// of the vocabulary, and scans are spaced out (SCAN_GAP bytes of long pieces between two), so
// input that changes alphabet at every window cannot make the scan the cost.

import { nTokens, tokenStart, bytesPtr } from "./vocab";
import { mergeRaw as merge } from "./bpe";
import { ensureMemory } from "../shared/memory";

const NONE: u32 = 0xffffffff;
const MAX_CLASSES: u32 = 32; // row stride of the transition table (5 bits)
const MAX_NODES: u32 = 4096;
/** Most tokens over one alphabet (their pair table is MAX_LOCAL^2 bytes of address space). */
const MAX_LOCAL: u32 = 1024;
const MAX_TOKEN: u32 = 255; // longer tokens are left out (the pass then reports NONE if one is needed)
/** Bytes of long-piece input between two scans of the vocabulary for a new alphabet. */
const SCAN_GAP: u32 = 64 * 1024;
/** Shortest span for which an automaton is built (a cached one serves any length). */
export const BUILD_MIN: u32 = 4096;

// Tables, laid out once by initSmallAlphabet. The alphabet's tokens get local indices
// 0..nLocal-1, so that a pair's compatibility is one byte of a dense table (no hashing):
let classOf: usize = 0; // u8[256]: byte -> class, 0xff if the byte is not in the alphabet
let gotoT: usize = 0; // u16[MAX_NODES * MAX_CLASSES]: automaton transitions (node 0 = root)
let tokAt: usize = 0; // u16[MAX_NODES]: local index of the token ending at the node, 0xffff if none
let firstAt: usize = 0; // u16[MAX_NODES]: the node itself if it ends a token, else dictAt (0: none)
let dictAt: usize = 0; // u16[MAX_NODES]: nearest proper suffix node that ends a token (0: none)
let failAt: usize = 0; // u16[MAX_NODES]: Aho-Corasick failure links
let queue: usize = 0; // u16[MAX_NODES]: BFS order
let locTok: usize = 0; // u32[MAX_LOCAL]: rank | length << 24 of each local token
let pairTab: usize = 0; // u8[nLocal * nLocal]: 0 not known yet, 1 not compatible, 2 compatible
let nodes: u32 = 0;
let nLocal: u32 = 0;
let ready = false; // classOf and the automaton describe one alphabet
// The last alphabet refused (too many tokens or nodes): its supersets are refused too.
let refused0: u64 = 0;
let refused1: u64 = 0;
let refused2: u64 = 0;
let refused3: u64 = 0;
let hasRefused = false;
// The alphabet of the automaton (256-bit set)
let alphabet0: u64 = 0;
let alphabet1: u64 = 0;
let alphabet2: u64 = 0;
let alphabet3: u64 = 0;
let sinceScan: u32 = SCAN_GAP;

/** Lays out the tables from `at`; returns their end. Pages stay non-resident until used. */
export function initSmallAlphabet(at: usize): usize {
  classOf = (at + 15) & ~<usize>15;
  gotoT = classOf + 256;
  tokAt = gotoT + ((<usize>MAX_NODES * MAX_CLASSES) << 1);
  firstAt = tokAt + (<usize>MAX_NODES << 1);
  dictAt = firstAt + (<usize>MAX_NODES << 1);
  failAt = dictAt + (<usize>MAX_NODES << 1);
  queue = failAt + (<usize>MAX_NODES << 1);
  locTok = queue + (<usize>MAX_NODES << 1);
  pairTab = locTok + (<usize>MAX_LOCAL << 2);
  let end = pairTab + <usize>MAX_LOCAL * MAX_LOCAL;
  ensureMemory(end);
  ready = false;
  hasRefused = false;
  sinceScan = SCAN_GAP;
  return end;
}

/**
 * Encodes [p, p+n) (n >= 2) by the pass above into out; returns the count, or NONE if the
 * alphabet does not qualify (the caller merges as usual). `work` holds (n + 1) u16 of last[]
 * then 512 u32 of pair-check output (2n + 2050 bytes); merges it starts use scratch above that.
 */
export function encodeSmallAlphabet(p: usize, n: u32, out: usize, work: usize): u32 {
  if (!covered(p, n)) {
    if (n < BUILD_MIN || !build(p, n, work)) {
      sinceScan = min(sinceScan + n, SCAN_GAP);
      return NONE;
    }
  }
  sinceScan = min(sinceScan + n, SCAN_GAP);
  let last = work; // u16: local index of the last token of the first i bytes' encoding
  let tmp = (work + ((<usize>n + 1) << 1) + 3) & ~<usize>3;
  let k = nLocal;
  let budget = (n >>> 1) + 64; // pair checks this span may make
  let node: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let c = <usize>load<u8>(classOf + <usize>load<u8>(p + i));
    node = <u32>load<u16>(gotoT + (((<usize>node << 5) | c) << 1));
    let m = <u32>load<u16>(firstAt + (<usize>node << 1));
    let found: u32 = 0xffff;
    while (m != 0) {
      let t = <u32>load<u16>(tokAt + (<usize>m << 1));
      let len = load<u32>(locTok + (<usize>t << 2)) >>> 24;
      let j = i + 1 - len;
      if (j == 0) {
        found = t;
        break;
      }
      let u = <u32>load<u16>(last + (<usize>j << 1));
      let at = pairTab + <usize>(u * k + t);
      let st = <u32>load<u8>(at);
      if (st == 0) {
        // Each new pair costs a merge. Past the budget (random punctuation: hundreds of
        // thousands of distinct pairs) the alphabet is refused like one with too many tokens,
        // and the merge loop does this span and the next ones.
        if (budget == 0) {
          refuse(alphabet0, alphabet1, alphabet2, alphabet3);
          ready = false;
          return NONE;
        }
        budget--;
        st = check(p + j, u, t, tmp);
        store<u8>(at, <u8>st);
      }
      if (st == 2) {
        found = t;
        break;
      }
      m = <u32>load<u16>(dictAt + (<usize>m << 1));
    }
    if (found == 0xffff) return NONE; // cannot happen (the real last token passes); merge instead
    store<u16>(last + ((<usize>i + 1) << 1), <u16>found);
  }
  // the encoding, read backwards from the end
  let count: u32 = 0;
  let i = n;
  while (i > 0) {
    count++;
    i -= load<u32>(locTok + (<usize>load<u16>(last + (<usize>i << 1)) << 2)) >>> 24;
  }
  i = n;
  for (let q = count; q > 0; q--) {
    let t = load<u32>(locTok + (<usize>load<u16>(last + (<usize>i << 1)) << 2));
    store<u32>(out + (<usize>(q - 1) << 2), t & 0xffffff);
    i -= t >>> 24;
  }
  return count;
}

/**
 * 2 if local tokens u then t (u's bytes end at q, t's follow) are compatible: the merge loop
 * on their bytes gives exactly [u, t]; else 1.
 */
function check(q: usize, u: u32, t: u32, tmp: usize): u32 {
  let a = load<u32>(locTok + (<usize>u << 2));
  let b = load<u32>(locTok + (<usize>t << 2));
  let la = a >>> 24;
  let k = merge(q - la, la + (b >>> 24), tmp);
  return k == 2 && load<u32>(tmp) == (a & 0xffffff) && load<u32>(tmp, 4) == (b & 0xffffff) ? 2 : 1;
}

/** Whether every byte of [p, p+n) is in the current alphabet. */
function covered(p: usize, n: u32): bool {
  if (!ready) return false;
  let bad: u32 = 0;
  for (let i: u32 = 0; i < n; i++) bad |= <u32>load<u8>(classOf + <usize>load<u8>(p + i)) & 0x80;
  return bad == 0;
}

/**
 * Makes the automaton for the alphabet of [p, p+n). False if the alphabet is refused (too
 * large, a superset of the last refused one, or a scan too soon after the last).
 */
function build(p: usize, n: u32, work: usize): bool {
  let s0: u64 = 0;
  let s1: u64 = 0;
  let s2: u64 = 0;
  let s3: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let b = <u32>load<u8>(p + i);
    let bit = <u64>1 << <u64>(b & 63);
    let w = b >>> 6;
    if (w == 0) s0 |= bit;
    else if (w == 1) s1 |= bit;
    else if (w == 2) s2 |= bit;
    else s3 |= bit;
  }
  if (<u32>(popcnt(s0) + popcnt(s1) + popcnt(s2) + popcnt(s3)) > MAX_CLASSES) return false;
  if (hasRefused && (refused0 & ~s0) == 0 && (refused1 & ~s1) == 0 && (refused2 & ~s2) == 0 && (refused3 & ~s3) == 0) return false;
  if (sinceScan < SCAN_GAP) return false;
  sinceScan = 0;
  ready = false;
  // classes in byte order
  let k: u32 = 0;
  for (let b: u32 = 0; b < 256; b++) {
    let w = b >>> 6;
    let set = w == 0 ? s0 : w == 1 ? s1 : w == 2 ? s2 : s3;
    let inSet = ((set >>> <u64>(b & 63)) & 1) != 0;
    store<u8>(classOf + b, inSet ? <u8>(k++) : <u8>0xff);
  }
  if (!buildTrie(work)) {
    refuse(s0, s1, s2, s3);
    return false;
  }
  alphabet0 = s0;
  alphabet1 = s1;
  alphabet2 = s2;
  alphabet3 = s3;
  buildLinks();
  ready = true;
  return true;
}

function refuse(s0: u64, s1: u64, s2: u64, s3: u64): void {
  refused0 = s0;
  refused1 = s1;
  refused2 = s2;
  refused3 = s3;
  hasRefused = true;
}

function newNode(): u32 {
  let v = nodes++;
  memory.fill(gotoT + ((<usize>v * MAX_CLASSES) << 1), 0, <usize>MAX_CLASSES << 1);
  store<u16>(tokAt + (<usize>v << 1), 0xffff);
  store<u16>(firstAt + (<usize>v << 1), 0);
  store<u16>(dictAt + (<usize>v << 1), 0);
  store<u16>(failAt + (<usize>v << 1), 0);
  return v;
}

/** The trie of the tokens over the alphabet that are the encoding of their own bytes. */
function buildTrie(tmp: usize): bool {
  nodes = 0;
  nLocal = 0;
  newNode();
  let start = tokenStart(0);
  for (let r: u32 = 0; r < nTokens; r++) {
    let end = tokenStart(r + 1);
    let len = end - start;
    let q = bytesPtr + start;
    start = end;
    if (len > MAX_TOKEN) continue;
    let inside = true;
    for (let i: u32 = 0; i < len && inside; i++) inside = load<u8>(classOf + <usize>load<u8>(q + i)) != 0xff;
    if (!inside) continue;
    // A token that the merge loop never makes from its bytes is in no encoding
    if (len >= 2 && (merge(q, len, tmp) != 1 || load<u32>(tmp) != r)) continue;
    let v: u32 = 0;
    for (let i: u32 = 0; i < len; i++) {
      let at = gotoT + (((<usize>v << 5) | <usize>load<u8>(classOf + <usize>load<u8>(q + i))) << 1);
      let w = <u32>load<u16>(at);
      if (w == 0) {
        if (nodes == MAX_NODES) return false;
        w = newNode();
        store<u16>(at, <u16>w);
      }
      v = w;
    }
    if (load<u16>(tokAt + (<usize>v << 1)) == 0xffff) {
      if (nLocal == MAX_LOCAL) return false;
      store<u32>(locTok + (<usize>nLocal << 2), r | (len << 24));
      store<u16>(tokAt + (<usize>v << 1), <u16>nLocal);
      store<u16>(firstAt + (<usize>v << 1), <u16>v);
      nLocal++;
    }
  }
  memory.fill(pairTab, 0, <usize>nLocal * nLocal);
  return true;
}

/** Failure links, full transitions and dictionary links, in BFS order. */
function buildLinks(): void {
  let head: u32 = 0;
  let tail: u32 = 0;
  for (let c: u32 = 0; c < MAX_CLASSES; c++) {
    let w = <u32>load<u16>(gotoT + (<usize>c << 1));
    if (w != 0) store<u16>(queue + (<usize>(tail++) << 1), <u16>w); // fail and dict of depth 1: root (0)
  }
  while (head < tail) {
    let v = <u32>load<u16>(queue + (<usize>(head++) << 1));
    let f = <u32>load<u16>(failAt + (<usize>v << 1));
    for (let c: u32 = 0; c < MAX_CLASSES; c++) {
      let at = gotoT + (((<usize>v << 5) | c) << 1);
      let w = <u32>load<u16>(at);
      let fw = <u32>load<u16>(gotoT + (((<usize>f << 5) | c) << 1));
      if (w != 0) {
        store<u16>(failAt + (<usize>w << 1), <u16>fw);
        let d = load<u16>(tokAt + (<usize>fw << 1)) != 0xffff ? fw : <u32>load<u16>(dictAt + (<usize>fw << 1));
        store<u16>(dictAt + (<usize>w << 1), <u16>d);
        if (load<u16>(tokAt + (<usize>w << 1)) == 0xffff) store<u16>(firstAt + (<usize>w << 1), <u16>d);
        store<u16>(queue + (<usize>(tail++) << 1), <u16>w);
      } else {
        store<u16>(at, <u16>fw);
      }
    }
  }
}
