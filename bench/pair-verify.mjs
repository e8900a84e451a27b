#!/usr/bin/env node
// Analysis, not a timing: how much merge work a "guess, then verify by pairs" encoder would do
// on each writing system, compared with the merge loop tokenmill runs today. It backs the
// PERFORMANCE.md entry on the one idea left for CJK text (#37); nothing here is used by the
// library.
//
// The idea (the rust-gems `bpe` README, corollaries II–IIIa): a sequence of tokens that spells a
// text is that text's BPE encoding if and only if every adjacent pair (a, b) is "compatible",
// i.e. BPE(bytes(a) + bytes(b)) = [a, b]. So an encoder may guess a segmentation cheaply and
// only verify it. The guess here: at each character boundary take the longest token that ends
// on a character boundary, check it against the previous token, try the next shorter one if
// they are not compatible, step back a token if none is (a bitfield of dead positions keeps it
// linear). A piece with a character that is no token, or no compatible path, "fails" (the merge
// loop would do it). Compatibility is decided here by running BPE on the pair, memoized per
// distinct pair.
//
// For every piece that is not itself a token (pieces of ≤ 24 bytes counted once, as the piece
// cache does), per character of such pieces:
//   merges, lookups  — what the merge loop does now (a lookup per new pair after each merge)
//   ok / fail / wrong — pieces the guess gets right / gives up on / gets wrong (must be 0)
//   cand             — token lookups of the guess (candidates tried, longest first)
//   checks           — pair checks; `new pairs` = distinct ones (each a BPE run if uncached)
// The reference encoding of each piece is checked against tiktoken's.
//
//   node bench/pair-verify.mjs [o200k_base|cl100k_base ...]
import path from "node:path";
import { get_encoding } from "tiktoken";
import { loadCorpus } from "../scripts/corpus.mjs";
import { groupByScript } from "./lib/script-groups.mjs";
import { PATTERNS, readTkv } from "./lib/openai-as-hf.mjs";
import { ROOT, textTable } from "./lib/common.mjs";

const names = process.argv.slice(2).length ? process.argv.slice(2) : ["o200k_base", "cl100k_base"];
const groups = groupByScript(loadCorpus({}).multilingual, { minBytes: 20_000 });

for (const name of names) {
  // token bytes as latin1 strings: one char per byte
  const rank = new Map();
  let maxLen = 0;
  readTkv(path.join(ROOT, "vocab", `${name}.tkv`)).forEach((t, r) => {
    if (t.length === 0) return;
    rank.set(Buffer.from(t).toString("latin1"), r);
    maxLen = Math.max(maxLen, t.length);
  });
  const ref = get_encoding(name);
  const pattern = new RegExp(PATTERNS[name], "gu");
  const rows = [];
  for (const [script, text] of groups) {
    const w = { chars: 0, merges: 0, lookups: 0, pieces: 0, ok: 0, fail: 0, wrong: 0, cand: 0, checks: 0 };
    const pairs = new Map();
    // tiktoken's rule: merge the lowest-ranked adjacent pair (leftmost on ties) until none is a token
    const bpe = (s, count) => {
      const parts = [...s];
      const pr = [];
      for (let i = 0; i + 1 < parts.length; i++) pr.push(rank.get(parts[i] + parts[i + 1]) ?? Infinity);
      while (true) {
        let best = Infinity;
        let at = -1;
        for (let i = 0; i < pr.length; i++) if (pr[i] < best) [best, at] = [pr[i], i];
        if (at < 0) return parts;
        parts.splice(at, 2, parts[at] + parts[at + 1]);
        pr.splice(at, 1);
        if (count) w.merges++;
        if (at + 1 < parts.length) {
          pr[at] = rank.get(parts[at] + parts[at + 1]) ?? Infinity;
          if (count) w.lookups++;
        }
        if (at > 0) {
          pr[at - 1] = rank.get(parts[at - 1] + parts[at]) ?? Infinity;
          if (count) w.lookups++;
        }
      }
    };
    const compatible = (a, b) => {
      w.checks++;
      const key = `${a}\u0100${b}`;
      let v = pairs.get(key);
      if (v === undefined) {
        const e = bpe(a + b, false);
        v = e.length === 2 && e[0] === a;
        pairs.set(key, v);
      }
      return v;
    };
    const guess = (s) => {
      const bounds = [];
      for (let i = 0; i <= s.length; i++) if (i === s.length || (s.charCodeAt(i) & 0xc0) !== 0x80) bounds.push(i);
      const index = new Map(bounds.map((b, i) => [b, i]));
      // candidate ends at boundary j, longest first, looked up lazily
      const candidates = function* (j) {
        for (let k = bounds.length - 1; k > j; k--) {
          if (bounds[k] - bounds[j] > maxLen) continue;
          w.cand++;
          if (rank.has(s.slice(bounds[j], bounds[k]))) yield bounds[k];
        }
      };
      const stack = [];
      const dead = new Set();
      let pos = 0;
      let it = candidates(0);
      while (pos < s.length) {
        let placed = false;
        for (let r = it.next(); !r.done; r = it.next()) {
          const end = r.value;
          if (dead.has(end)) continue;
          const t = s.slice(pos, end);
          if (stack.length === 0 || compatible(stack.at(-1).t, t)) {
            stack.push({ start: pos, t, it });
            pos = end;
            it = pos < s.length ? candidates(index.get(pos)) : null;
            placed = true;
            break;
          }
        }
        if (placed) continue;
        dead.add(pos);
        if (stack.length === 0) return null;
        ({ start: pos, it } = stack.pop());
      }
      return stack.map((x) => x.t);
    };
    const seen = new Set();
    for (const m of text.matchAll(pattern)) {
      const s = Buffer.from(m[0]).toString("latin1");
      if (rank.has(s)) continue;
      if (s.length <= 24) {
        if (seen.has(s)) continue;
        seen.add(s);
      }
      w.pieces++;
      w.chars += [...m[0]].length;
      const want = bpe(s, true);
      const ids = want.map((t) => rank.get(t));
      if (ids.join() !== Array.from(ref.encode_ordinary(m[0])).join()) throw new Error(`${name}: reference BPE differs from tiktoken on ${JSON.stringify(m[0])}`);
      const g = guess(s);
      if (g === null) w.fail++;
      else if (g.join("\u0100") === want.join("\u0100")) w.ok++;
      else w.wrong++;
    }
    const per = (x) => (x / w.chars).toFixed(2);
    const pct = (x) => `${((100 * x) / w.pieces).toFixed(0)}%`;
    rows.push([script, w.pieces, per(w.merges), per(w.lookups), pct(w.ok), pct(w.fail), w.wrong, per(w.cand), per(w.checks), per(pairs.size)]);
  }
  ref.free();
  console.log(`\n${name}: per character of pieces that need merging`);
  console.log(textTable(["script", "pieces", "merges", "lookups", "ok", "fail", "wrong", "cand", "checks", "new pairs"], rows));
}
