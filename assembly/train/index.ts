// The BPE trainer's merge loop, the WASM half (build/tokenmill-train.wasm, asconfig.train.json).
// It runs HF BpeTrainer's loop step for step (the rules are in src/train/core.ts; the pure-TS
// twin is src/train/core-js.ts): pair counts, a max-heap of (count, pair, words) entries with
// lazy invalidation, and in-place word rewrites that touch only the words of the popped entry.
// The driver (src/train/train.ts) names the merged tokens: next() finds a pair, apply(id)
// merges it.
//
// Counts are i64: a pair's count is a sum over the corpus and passes 2^31 on a few GB of
// text (HF keeps it in an i32).
//
// Memory: one bump allocator (no frees). Tables that grow are copied into a new block, so the
// dead copies add at most as much again as the live ones.
//   words: sym u32[total symbols] (rewritten in place), start u32[n + 1], len u32[n], count i64[n]
//   pair table: 16-byte slots, u64 key (a << 32 | b; EMPTY = all ones), i64 count
//   heap: 24-byte entries, i64 count, u64 key, u32 start and u32 length of its word list
//   word lists: u32 arena, append only
//   gained (one step's pairs that gained an occurrence, with their words): a table of u32
//     record index + 1, records of 24 bytes (u64 key, u32 slot, u32 first node, u32 last node,
//     u32 last word), nodes of 8 bytes (u32 word, u32 next)

import { ensureMemory } from "../shared/memory";

const EMPTY: u64 = 0xffffffffffffffff;
const NIL: u32 = 0xffffffff;

let top: usize = 0;

function take(bytes: usize): usize {
  if (top == 0) top = (__heap_base + 15) & ~<usize>15;
  const p = top;
  top = (top + bytes + 15) & ~<usize>15;
  ensureMemory(top);
  return p;
}

/** Room for JS to write the words; returns its address. */
export function alloc(bytes: u32): usize {
  return take(<usize>bytes);
}

@inline function hash(key: u64, bits: u32): u32 {
  return <u32>((key * 0x9e3779b97f4a7c15) >>> (64 - <u64>bits));
}

// ---- words
let nWords: u32 = 0;
let sym: usize = 0;
let start: usize = 0;
let len: usize = 0;
let wcount: usize = 0;

// ---- pair counts
let pairTab: usize = 0;
let pairBits: u32 = 0;
let pairUsed: u32 = 0;

function pairTabInit(bits: u32): void {
  pairBits = bits;
  const size = <usize>16 << bits;
  pairTab = take(size);
  memory.fill(pairTab, 0xff, size);
  pairUsed = 0;
}

/** Slot of key, inserted with count 0 if absent. */
function pairSlot(key: u64): usize {
  const mask = (<u32>1 << pairBits) - 1;
  let i = hash(key, pairBits);
  while (true) {
    const p = pairTab + (<usize>i << 4);
    const k = load<u64>(p);
    if (k == key) return p;
    if (k == EMPTY) {
      if ((pairUsed + 1) * 2 > (<u32>1 << pairBits)) {
        pairGrow();
        return pairSlot(key);
      }
      store<u64>(p, key);
      store<i64>(p, 0, 8);
      pairUsed++;
      return p;
    }
    i = (i + 1) & mask;
  }
}

function pairGrow(): void {
  const old = pairTab;
  const oldN = <u32>1 << pairBits;
  pairTabInit(pairBits + 1);
  const mask = (<u32>1 << pairBits) - 1;
  for (let j: u32 = 0; j < oldN; j++) {
    const q = old + (<usize>j << 4);
    const k = load<u64>(q);
    if (k == EMPTY) continue;
    let i = hash(k, pairBits);
    while (load<u64>(pairTab + (<usize>i << 4)) != EMPTY) i = (i + 1) & mask;
    const p = pairTab + (<usize>i << 4);
    store<u64>(p, k);
    store<i64>(p, load<i64>(q, 8), 8);
    pairUsed++;
  }
}

@inline function pairCount(key: u64): i64 {
  return load<i64>(pairSlot(key), 8);
}

// ---- heap of entries
let heap: usize = 0;
let heapLen: u32 = 0;
let heapCap: u32 = 0;

@inline function hp(i: u32): usize {
  return heap + <usize>i * 24;
}

@inline function above(i: u32, j: u32): bool {
  const ci = load<i64>(hp(i));
  const cj = load<i64>(hp(j));
  return ci > cj || (ci == cj && load<u64>(hp(i), 8) < load<u64>(hp(j), 8));
}

@inline function swapEntries(i: u32, j: u32): void {
  const a = hp(i);
  const b = hp(j);
  const c0 = load<i64>(a);
  const k0 = load<u64>(a, 8);
  const s0 = load<u64>(a, 16);
  store<i64>(a, load<i64>(b));
  store<u64>(a, load<u64>(b, 8), 8);
  store<u64>(a, load<u64>(b, 16), 16);
  store<i64>(b, c0);
  store<u64>(b, k0, 8);
  store<u64>(b, s0, 16);
}

function heapPush(count: i64, key: u64, posStart: u32, posLen: u32): void {
  if (heapLen == heapCap) {
    const cap: u32 = heapCap < 1024 ? 1024 : heapCap * 2;
    const n = take(<usize>cap * 24);
    if (heapLen) memory.copy(n, heap, <usize>heapLen * 24);
    heap = n;
    heapCap = cap;
  }
  let i = heapLen++;
  const p = hp(i);
  store<i64>(p, count);
  store<u64>(p, key, 8);
  store<u32>(p, posStart, 16);
  store<u32>(p, posLen, 20);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!above(i, parent)) break;
    swapEntries(i, parent);
    i = parent;
  }
}

/** Moves the top entry to index heapLen (just past the heap) and restores the heap. */
function heapPop(): void {
  const last = heapLen - 1;
  swapEntries(0, last);
  heapLen = last;
  let i: u32 = 0;
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= last) break;
    const r: u32 = l + 1;
    const c = r < last && above(r, l) ? r : l;
    if (!above(c, i)) break;
    swapEntries(i, c);
    i = c;
  }
}

// ---- word lists
let arena: usize = 0;
let arenaLen: u32 = 0;
let arenaCap: u32 = 0;

function arenaReserve(n: u32): void {
  if (arenaLen + n <= arenaCap) return;
  let cap: u32 = arenaCap < 4096 ? 4096 : arenaCap * 2;
  while (cap < arenaLen + n) cap *= 2;
  const p = take(<usize>cap << 2);
  if (arenaLen) memory.copy(p, arena, <usize>arenaLen << 2);
  arena = p;
  arenaCap = cap;
}

// ---- gained pairs of the current step
let gTab: usize = 0;
let gBits: u32 = 0;
let recs: usize = 0;
let nRecs: u32 = 0;
let recCap: u32 = 0;
let nodes: usize = 0;
let nNodes: u32 = 0;
let nodeCap: u32 = 0;

function gTabInit(bits: u32): void {
  gBits = bits;
  const size = <usize>4 << bits;
  gTab = take(size);
  memory.fill(gTab, 0, size);
}

@inline function rec(i: u32): usize {
  return recs + <usize>i * 24;
}

function gained(key: u64, w: u32): void {
  if ((nRecs + 1) * 2 > (<u32>1 << gBits)) gRehash();
  const mask = (<u32>1 << gBits) - 1;
  let i = hash(key, gBits);
  let r: u32 = NIL;
  while (true) {
    const v = load<u32>(gTab + (<usize>i << 2));
    if (v == 0) break;
    if (load<u64>(rec(v - 1)) == key) {
      r = v - 1;
      break;
    }
    i = (i + 1) & mask;
  }
  if (r == NIL) {
    if (nRecs == recCap) {
      const cap: u32 = recCap < 1024 ? 1024 : recCap * 2;
      const p = take(<usize>cap * 24);
      if (nRecs) memory.copy(p, recs, <usize>nRecs * 24);
      recs = p;
      recCap = cap;
    }
    r = nRecs++;
    store<u32>(gTab + (<usize>i << 2), r + 1);
    const q = rec(r);
    store<u64>(q, key);
    store<u32>(q, i, 8);
    store<u32>(q, NIL, 12);
    store<u32>(q, NIL, 16);
    store<u32>(q, NIL, 20);
  }
  const q = rec(r);
  if (load<u32>(q, 20) == w) return; // a word's changes come together: this dedupes it
  if (nNodes == nodeCap) {
    const cap: u32 = nodeCap < 4096 ? 4096 : nodeCap * 2;
    const p = take(<usize>cap << 3);
    if (nNodes) memory.copy(p, nodes, <usize>nNodes << 3);
    nodes = p;
    nodeCap = cap;
  }
  const n = nNodes++;
  store<u32>(nodes + (<usize>n << 3), w);
  store<u32>(nodes + (<usize>n << 3), NIL, 4);
  const last = load<u32>(q, 16);
  if (last == NIL) store<u32>(q, n, 12);
  else store<u32>(nodes + (<usize>last << 3), n, 4);
  store<u32>(q, n, 16);
  store<u32>(q, w, 20);
}

function gRehash(): void {
  gTabInit(gBits + 1);
  const mask = (<u32>1 << gBits) - 1;
  for (let r: u32 = 0; r < nRecs; r++) {
    const q = rec(r);
    let i = hash(load<u64>(q), gBits);
    while (load<u32>(gTab + (<usize>i << 2)) != 0) i = (i + 1) & mask;
    store<u32>(gTab + (<usize>i << 2), r + 1);
    store<u32>(q, i, 8);
  }
}

/** Each gained pair whose count is positive gets an entry with the words that gained it. */
function pushGained(): void {
  for (let r: u32 = 0; r < nRecs; r++) {
    const q = rec(r);
    const key = load<u64>(q);
    store<u32>(gTab + (<usize>load<u32>(q, 8) << 2), 0);
    const c = pairCount(key);
    if (c <= 0) continue;
    let n: u32 = 0;
    for (let x = load<u32>(q, 12); x != NIL; x = load<u32>(nodes + (<usize>x << 3), 4)) n++;
    arenaReserve(n);
    const s = arenaLen;
    for (let x = load<u32>(q, 12); x != NIL; x = load<u32>(nodes + (<usize>x << 3), 4)) {
      store<u32>(arena + (<usize>arenaLen << 2), load<u32>(nodes + (<usize>x << 3)));
      arenaLen++;
    }
    heapPush(c, key, s, n);
  }
  nRecs = 0;
  nNodes = 0;
}

@inline function change(key: u64, delta: i64, w: u32): void {
  const p = pairSlot(key);
  store<i64>(p, load<i64>(p, 8) + delta * load<i64>(wcount + (<usize>w << 3)), 8);
  if (delta > 0) gained(key, w);
}

@inline function pk(a: u32, b: u32): u64 {
  return (<u64>a << 32) | <u64>b;
}

/**
 * Takes the words JS wrote: symbols at symPtr, nWords + 1 u32 starts at startsPtr, nWords f64
 * counts at countsPtr (rewritten in place as i64). Counts every pair and fills the heap.
 */
export function init(symPtr: usize, startsPtr: usize, countsPtr: usize, n: u32): void {
  nWords = n;
  sym = symPtr;
  start = startsPtr;
  wcount = countsPtr;
  for (let w: u32 = 0; w < n; w++) {
    const p = wcount + (<usize>w << 3);
    store<i64>(p, <i64>load<f64>(p));
  }
  len = take(<usize>n << 2);
  const total = load<u32>(start + (<usize>n << 2));
  let bits: u32 = 10;
  while ((<u64>1 << bits) < <u64>total) bits++;
  pairTabInit(bits);
  gTabInit(bits);
  for (let w: u32 = 0; w < n; w++) {
    const s = load<u32>(start + (<usize>w << 2));
    const e = load<u32>(start + (<usize>(w + 1) << 2));
    store<u32>(len + (<usize>w << 2), e - s);
    for (let i = s; i + 1 < e; i++) {
      change(pk(load<u32>(sym + (<usize>i << 2)), load<u32>(sym + (<usize>(i + 1) << 2))), 1, w);
    }
  }
  pushGained();
}

let topA: u32 = 0;
let topB: u32 = 0;
let topCount: i64 = 0;
let topStart: u32 = 0;
let topLen: u32 = 0;

/** Finds the next merge (see MergeCore.next): 1 and the pair in nextA(), nextB(), nextCount(); or 0. */
export function next(minFrequency: f64): i32 {
  const minF = <i64>minFrequency;
  while (heapLen > 0) {
    heapPop();
    const p = hp(heapLen);
    const count = load<i64>(p);
    const key = load<u64>(p, 8);
    const ps = load<u32>(p, 16);
    const pl = load<u32>(p, 20);
    const current = pairCount(key);
    if (count != current) {
      heapPush(current, key, ps, pl);
      continue;
    }
    if (count < 1 || minF > count) return 0;
    topA = <u32>(key >>> 32);
    topB = <u32>key;
    topCount = count;
    topStart = ps;
    topLen = pl;
    return 1;
  }
  return 0;
}

export function nextA(): u32 {
  return topA;
}
export function nextB(): u32 {
  return topB;
}
export function nextCount(): f64 {
  return <f64>topCount;
}

/** Merges (a, b) into id in every word of the entry next() found (HF Word::merge). */
// Occurrences the last apply() merged, weighted by word counts (Scaffold-BPE's token
// frequencies need it: a pair's count overstates the merges in runs such as "aaa").
let appliedCount: i64 = 0;

/** Weighted number of merges the last apply() made. */
export function applied(): f64 {
  return <f64>appliedCount;
}

export function apply(id: u32): void {
  const ca = topA;
  const cb = topB;
  appliedCount = 0;
  for (let k: u32 = 0; k < topLen; k++) {
    const w = load<u32>(arena + (<usize>(topStart + k) << 2));
    const s = load<u32>(start + (<usize>w << 2));
    const e = s + load<u32>(len + (<usize>w << 2));
    let j = s;
    let i = s;
    while (i < e) {
      const x = load<u32>(sym + (<usize>i << 2));
      if (x == ca && i + 1 < e && load<u32>(sym + (<usize>(i + 1) << 2)) == cb) {
        if (j > s) {
          const prev = load<u32>(sym + (<usize>(j - 1) << 2));
          change(pk(prev, ca), -1, w);
          change(pk(prev, id), 1, w);
        }
        if (i + 2 < e) {
          const nx = load<u32>(sym + (<usize>(i + 2) << 2));
          change(pk(cb, nx), -1, w);
          change(pk(id, nx), 1, w);
        }
        store<u32>(sym + (<usize>j << 2), id);
        appliedCount += load<i64>(wcount + (<usize>w << 3));
        j++;
        i += 2;
      } else {
        store<u32>(sym + (<usize>j << 2), x);
        j++;
        i++;
      }
    }
    store<u32>(len + (<usize>w << 2), j - s);
  }
  pushGained();
}

/** Bytes of linear memory in use (for memory figures). */
export function memoryBytes(): f64 {
  return <f64>(<usize>memory.size() << 16);
}
