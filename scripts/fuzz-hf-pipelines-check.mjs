#!/usr/bin/env node
// Compares tokenmill (dist/, both engines) with the reference (npm `tokenizers`, HF's Rust core)
// on the tokenizer.json files scripts/fuzz-hf-pipelines.py trains: ids, offsets, count, decode
// with and without skipping special tokens, and pairs (ids, type ids, offsets), on real documents
// (multilingual, code, prose) and hostile strings (bench/lib/inputs.mjs kinds, emoji, combining
// marks, CRLF, NUL, lone surrogates, the file's added tokens glued to words).
//
//   npm run build:js      (the check loads dist/index.js)
//   node scripts/fuzz-hf-pipelines-check.mjs [dir=build/fuzz-pipelines] [--corpus build/corpus] [--only NAME] [--texts N]
//
// Prints one line per pipeline that mismatches (its first mismatch, minimal context) and a
// summary; exit code 1 when any mismatched. A load that tokenmill refuses counts as a mismatch.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KINDS, makeInput } from "../bench/lib/inputs.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const hf = require("tokenizers");
const { fromTokenizerJsonSync } = await import(path.join(ROOT, "dist", "index.js"));

const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? args.splice(i, 2)[1] : d;
};
const corpusDir = opt("--corpus", path.join(ROOT, "build", "corpus"));
const only = opt("--only", null);
const nDocs = Number(opt("--texts", 3));
const dir = args[0] ?? path.join(ROOT, "build", "fuzz-pipelines");

const docs = {};
for (const k of ["multilingual", "code", "prose"]) {
  const p = path.join(corpusDir, "docs", `${k}-docs.json`);
  docs[k] = fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, "utf8")) : [];
}

const HOSTILE = [
  "", " ", "  ", "\n", "\r\n", "a\r\nb", "\t\tx", "\0", "a\0b", "\ud800", "x\udc00y", "\ud83d", "😀", "👨‍👩‍👧", "🇫🇷",
  "e\u0301", "\u0301", "é", "ﬁ", "Å", "ǅ", "İstanbul", "ß", "ﾊﾝｶｸ", "①②", "x\u200by", "\ufeffbom", "\u00a0nbsp\u3000",
  "hello world", " hello  world ", "Hello, World! 123 4567", "don't you're", "日本語のテキスト", "中文 字符", "Привет мир",
  "مرحبا بالعالم", "שלום", "नमस्ते", "ไทย", "한국어", "a.b,c;d", "x=1; y = [2, 3]; // ok", "  leading", "trailing  ",
  "<unk>", "<pad> <s></s>", "[CLS] x [SEP]", "▁a▁b", "Ġhello", "##ing", "<0x41>", "\u{10FFFF}", "\u{E0100}",
];
const HOSTILE_KINDS = ["spaces", "crlf", "unicode-spaces", "whitespace-random", "words-ws", "punct", "punct-newlines", "combining", "han", "emoji", "random-bmp", "random-bytes", "unicode-digits", "tabs"];

function toUtf16(text, offs) {
  const u = [0];
  for (const c of text) u.push(u[u.length - 1] + c.length);
  return offs.map(([a, b]) => [u[a], u[b]]);
}

function textsFor(json, seed) {
  const out = [...HOSTILE];
  for (const k of HOSTILE_KINDS) if (k in KINDS) out.push(makeInput(k, 40 + (seed % 7) * 13));
  for (const [k, list] of Object.entries(docs)) {
    for (let i = 0; i < nDocs && list.length; i++) {
      const d = list[(seed * 31 + i * 97 + k.length) % list.length];
      const from = (seed * 17 + i * 101) % Math.max(1, d.length - 600);
      out.push(d.slice(from, from + 600));
    }
  }
  // the added tokens glued to words, at both ends, doubled, with spaces around
  for (const a of json.added_tokens ?? []) {
    const c = a.content;
    out.push(`x${c}y`, `${c}${c}`, ` ${c} `, `hello${c} world`, `${c}hello`, `a ${c}\n${c}b`, `Hello ${c.toUpperCase()} ${c}`);
  }
  return out;
}

const ASTRAL = /[\ud800-\udfff]/;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (s) => JSON.stringify(s.length > 120 ? s.slice(0, 120) + "…" : s);

async function checkOne(name, jsonText) {
  const json = JSON.parse(jsonText);
  let engines;
  try {
    engines = [fromTokenizerJsonSync(jsonText), fromTokenizerJsonSync(jsonText, { engine: "js" })];
  } catch (e) {
    return { name, what: "load", detail: `${e.name}: ${e.message}` };
  }
  const ref = hf.Tokenizer.fromString(jsonText);
  const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const texts = textsFor(json, seed);
  let n = 0;
  for (const text of texts) {
    for (const add of [true, false]) {
      let r;
      try {
        r = await ref.encode(text, null, { addSpecialTokens: add });
      } catch (e) {
        // the reference refuses (e.g. Unigram without unk_id meets an unknown piece): ours must throw too
        for (const t of engines) {
          let threw = false;
          try {
            t.encode(text, { addSpecialTokens: add });
          } catch {
            threw = true;
          }
          if (!threw) return { name, what: `reference throws, ours not [${t.engine}] add=${add}`, text, ours: [...t.encode(text, { addSpecialTokens: add })], theirs: String(e) };
        }
        continue;
      }
      const ids = r.getIds();
      const offs = toUtf16(text, r.getOffsets());
      const dec = await ref.decode(ids, false);
      const decSkip = await ref.decode(ids, true);
      for (const t of engines) {
        const ctx = (what, ours, theirs) => ({ name, what: `${what} [${t.engine}] add=${add}`, text, ours, theirs });
        let o;
        try {
          o = t.encodeWithOffsets(text, { addSpecialTokens: add });
        } catch (e) {
          return ctx("encode throws", `${e.name}: ${e.message}`, ids);
        }
        if (!same([...o.ids], ids)) return ctx("ids", [...o.ids], ids);
        if (!same([...t.encode(text, { addSpecialTokens: add })], ids)) return ctx("encode ids", [...t.encode(text, { addSpecialTokens: add })], ids);
        if (!same(o.offsets, offs)) return ctx("offsets", o.offsets, offs);
        if (t.count(text, { addSpecialTokens: add }) !== ids.length) return ctx("count", t.count(text, { addSpecialTokens: add }), ids.length);
        let d, ds;
        try {
          d = t.decode(ids);
          ds = t.decode(ids, { skipSpecialTokens: true });
        } catch (e) {
          return ctx("decode throws", `${e.name}: ${e.message}`, dec);
        }
        if (d !== dec) return ctx("decode", d, dec);
        if (ds !== decSkip) return ctx("decode skip", ds, decSkip);
      }
      n++;
    }
  }
  // pairs: a few (a, b) of the texts
  for (let i = 0; i + 1 < texts.length; i += 5) {
    const a = texts[i], b = texts[(i * 7 + 3) % texts.length];
    for (const add of [true, false]) {
      let r = null, refErr = null;
      try {
        r = await ref.encode(a, b, { addSpecialTokens: add });
      } catch (e) {
        refErr = e;
      }
      for (const t of engines) {
        const ctx = (what, ours, theirs) => ({ name, what: `pair ${what} [${t.engine}] add=${add}`, text: `${a} ||| ${b}`, ours, theirs });
        let o = null, ourErr = null;
        try {
          o = t.encodePair(a, b, { addSpecialTokens: add });
        } catch (e) {
          ourErr = e;
        }
        if (refErr || ourErr) {
          if (!refErr || !ourErr) return ctx("error", String(ourErr), String(refErr));
          continue;
        }
        if (!same([...o.ids], r.getIds())) return ctx("ids", [...o.ids], r.getIds());
        if (!same([...o.typeIds], r.getTypeIds())) return ctx("typeIds", [...o.typeIds], r.getTypeIds());
        if (!same([...o.specialTokensMask], r.getSpecialTokensMask())) return ctx("specialTokensMask", [...o.specialTokensMask], r.getSpecialTokensMask());
        if (!ASTRAL.test(a + b) && !same(o.offsets, r.getOffsets())) return ctx("offsets", o.offsets, r.getOffsets());
      }
      n++;
    }
  }
  return { name, ok: true, n };
}

const metaPath = path.join(dir, "meta.json");
const meta = fs.existsSync(metaPath) ? JSON.parse(fs.readFileSync(metaPath, "utf8")) : {};
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "meta.json" && (!only || f === only)).sort();
const from = Number(opt("--from", 0));

/** The first index where two arrays differ, and a window around it. */
function diff(ours, theirs) {
  if (!Array.isArray(ours) || !Array.isArray(theirs)) return [ours, theirs];
  let i = 0;
  while (i < ours.length && i < theirs.length && same(ours[i], theirs[i])) i++;
  const w = (a) => `@${i}: ${JSON.stringify(a.slice(Math.max(0, i - 2), i + 4))} (len ${a.length})`;
  return [w(ours), w(theirs)];
}

if (args.includes("--child")) {
  // one process checks files from `from` on, printing each name before it starts: HF's binding
  // aborts the whole process on a Rust panic, and the parent then knows which file did it
  for (let k = from; k < files.length; k++) {
    const f = files[k];
    process.stderr.write(`START ${k}\n`);
    const res = await checkOne(f, fs.readFileSync(path.join(dir, f), "utf8"));
    if (res.ok) {
      console.log(`AGREED ${res.n}`);
      continue;
    }
    const m = meta[f] ? JSON.stringify(meta[f]) : "";
    const [o, t] = diff(res.ours ?? res.detail, res.theirs);
    console.log(`MISMATCH ${f} ${res.what}${res.text !== undefined ? ` text=${show(res.text)}` : ""}\n  ours=${String(typeof o === "string" ? o : JSON.stringify(o)).slice(0, 400)}\n  hf  =${String(typeof t === "string" ? t : JSON.stringify(t)).slice(0, 400)}\n  ${m}`);
  }
  console.log("RESULT");
  process.exit(0);
}

const { spawnSync } = await import("node:child_process");
let bad = 0, checked = 0, panics = 0;
for (let k = 0; k < files.length; ) {
  const passOn = [...process.argv.slice(2).filter((a) => a !== dir), "--corpus", corpusDir, "--texts", String(nDocs)];
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), dir, "--child", "--from", String(k), ...(only ? ["--only", only] : [])].concat(passOn.filter((a) => !["--child"].includes(a))), { encoding: "utf8", maxBuffer: 1 << 28 });
  const lines = child.stdout.split("\n");
  for (const l of lines) if (l.startsWith("AGREED ")) checked += Number(l.slice(7));
  bad += lines.filter((l) => l.startsWith("MISMATCH")).length;
  const out = lines.filter((l) => l && !l.startsWith("RESULT") && !l.startsWith("AGREED "));
  if (out.length) console.log(out.join("\n"));
  if (lines.includes("RESULT")) break;
  const starts = [...child.stderr.matchAll(/START (\d+)/g)];
  const at = starts.length ? Number(starts[starts.length - 1][1]) : k;
  console.log(`HF PANIC ${files[at]} (the reference aborted; skipped): ${child.stderr.split("\n").find((l) => /panicked|panic/.test(l)) ?? ""}`);
  panics++;
  k = at + 1;
}
console.log(`${files.length} pipelines, ${checked} (text, add) runs agreed, ${bad} pipelines mismatched, ${panics} the reference panicked on`);
process.exit(bad ? 1 : 0);
