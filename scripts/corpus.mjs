#!/usr/bin/env node
// Builds benchmark/test text corpora from real files on this machine (none written here).
//
//   node scripts/corpus.mjs [outDir] [--size BYTES]      (default outDir bench/corpus/, 1 MB each)
//
// Writes, in outDir:
//   prose.txt         English prose: /usr/share/common-licenses/*, /usr/share/doc/**/README*, *.txt,
//                     copyright files, and English man pages (man1, troff markup stripped roughly)
//   code.txt          JS/TS source from this repo's node_modules (pinned by package-lock; minified
//                     and generated data files skipped)
//   multilingual.txt  non-English text: /usr/share/man/<lang>/ man pages (troff stripped) and the
//                     msgstr strings of /usr/share/locale/<lang>/LC_MESSAGES/*.mo, round-robin
//                     over languages so that every script present (CJK, Cyrillic, Arabic, Hebrew,
//                     Devanagari, ...) gets a share
//   docs/{prose,code,multilingual}-docs.json   the same texts split at line boundaries into ~2 KB
//                     documents (JSON array of strings; their concatenation is the .txt file)
//   manifest.json     sizes, sha256, sources used, languages and scripts found
//
// Deterministic: every file list is sorted by code unit order, no randomness, every cut is at a
// line boundary. The result depends only on the files installed (the code corpus only on
// package-lock.json; the others on the Debian packages present).
//
// import { buildCorpus } from "../scripts/corpus.mjs";
//   const c = buildCorpus({ outDir, sizeBytes: 200_000 });   // c.prose, c.code, c.multilingual, c.docs.prose, ...
//   buildCorpus({ sizeBytes, write: false }) only returns the texts.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
export const DEFAULT_OUT_DIR = path.join(ROOT, "bench", "corpus");
export const DEFAULT_SIZE = 1_000_000;
export const DOC_SIZE = 2048;
export const CORPUS_VERSION = 1; // bump when the selection rules change

const utf8 = new TextDecoder("utf-8", { fatal: true });
const byteLen = (s) => Buffer.byteLength(s, "utf8");
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------- file helpers ----------

function listDir(dir) {
  try {
    return fs.readdirSync(dir).sort(cmp);
  } catch {
    return [];
  }
}

function statSafe(p) {
  try {
    return fs.statSync(p); // follows symlinks
  } catch {
    return null;
  }
}

/** Recursively list regular files under dir (sorted, symlinked dirs not followed). */
function walk(dir, filter, out = [], depth = 0) {
  if (depth > 8) return out;
  for (const name of listDir(dir)) {
    const p = path.join(dir, name);
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, filter, out, depth + 1);
    else if ((st.isFile() || st.isSymbolicLink()) && filter(p, name)) out.push(p);
  }
  return out;
}

/** Reads a file (gunzipping .gz) as strict UTF-8 text; null if binary / not UTF-8 / too big. */
function readText(p, maxBytes = 4 << 20) {
  const st = statSafe(p);
  if (!st || !st.isFile() || st.size > maxBytes) return null;
  let buf;
  try {
    buf = fs.readFileSync(p);
    if (p.endsWith(".gz")) buf = zlib.gunzipSync(buf);
  } catch {
    return null;
  }
  if (buf.length > maxBytes * 4 || buf.includes(0)) return null;
  try {
    return utf8.decode(buf).replace(/\r\n?/g, "\n");
  } catch {
    return null;
  }
}

/** Reads at most maxBytes of a file, cut back to the last newline (UTF-8 safe). */
function readHead(p, maxBytes) {
  let fd;
  try {
    fd = fs.openSync(p, "r");
    const buf = Buffer.allocUnsafe(maxBytes);
    const n = fs.readSync(fd, buf, 0, maxBytes, 0);
    let b = buf.subarray(0, n);
    if (n === maxBytes) {
      const nl = b.lastIndexOf(10);
      b = nl >= 0 ? b.subarray(0, nl + 1) : b.subarray(0, 0);
    }
    if (b.includes(0)) return null;
    return utf8.decode(b);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Cut text to at most maxBytes UTF-8 bytes at a line boundary (keeps whole lines). */
function cutLines(text, maxBytes) {
  if (byteLen(text) <= maxBytes) return text;
  let out = "";
  let n = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    end = end < 0 ? text.length : end + 1;
    const line = text.slice(start, end);
    const lb = byteLen(line);
    if (n + lb > maxBytes) break;
    out += line;
    n += lb;
    start = end;
  }
  return out;
}

// ---------- troff → text (rough) ----------

const TROFF_NAMED = {
  em: "—", en: "–", hy: "-", aq: "'", dq: '"', lq: "“", rq: "”", oq: "‘", cq: "’", bu: "•",
  co: "©", rg: "®", tm: "™", de: "°", mu: "×", di: "÷", "+-": "±", "<=": "≤", ">=": "≥", "!=": "≠",
  "->": "→", "<-": "←", ua: "↑", da: "↓", Fo: "«", Fc: "»", fo: "‹", fc: "›", ti: "~", ha: "^",
  rs: "\\", ba: "|", sl: "/", ga: "`", aa: "´", "lh": "☜", "rh": "☞", sc: "§", ps: "¶", ct: "¢",
  Eu: "€", eu: "€", Po: "£", Ye: "¥", "12": "½", "14": "¼", "34": "¾", pc: "·", "`a": "à", "'e": "é",
  ":u": "ü", ":o": "ö", ":a": "ä", ss: "ß", ",c": "ç", "~n": "ñ",
};
const TEXT_MACROS = new Set([
  "SH", "SS", "B", "I", "BR", "BI", "IB", "IR", "RB", "RI", "SM", "SB", "IP", "TP", "UR", "MT",
  "Nm", "Nd", "Sh", "Ss", "Pa", "Ar", "Fl", "Op", "Xr", "Dq", "Ql", "Em", "Sy", "Cm", "Ic", "Va",
  "Ev", "Li", "Dv", "Er", "Fn", "Fa", "Ft", "Qq", "Sq", "Pq", "It", "Ta", "Tn", "Ad", "An", "Lk",
  "%A", "%T", "%B", "%J", "%N", "%P", "%V", "%I", "%O", "Rs", "Re",
]);

function troffInline(s) {
  return s
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, "") // font changes
    .replace(/\\s[+-]?\d+/g, "") // size changes
    .replace(/\\\*(?:\[[^\]]*\]|\(..|.)/g, "") // strings
    .replace(/\\\[([^\]]+)\]/g, (m, n) => TROFF_NAMED[n] ?? (/^u[0-9A-F]{4,6}$/.test(n) ? String.fromCodePoint(parseInt(n.slice(1), 16)) : ""))
    .replace(/\\\((..)/g, (m, n) => TROFF_NAMED[n] ?? "")
    .replace(/\\[kwhvlLxXDbonzR]'[^']*'/g, "")
    .replace(/\\[&|^%:,/)]/g, "")
    .replace(/\\c$/g, "")
    .replace(/\\ /g, " ")
    .replace(/\\[-]/g, "-")
    .replace(/\\[e\\]/g, "\\")
    .replace(/\\\./g, ".")
    .replace(/\\'/g, "´")
    .replace(/\\`/g, "`")
    .replace(/\\"/g, "")
    .replace(/\\(.)/g, "$1");
}

/** Turns man(7)/mdoc(7) source into readable plain text: requests dropped, text-bearing macro
 * arguments kept, inline escapes resolved. Rough, but no markup remains. */
export function stripTroff(src) {
  const out = [];
  let inDe = false;
  for (let line of src.split("\n")) {
    if (inDe) {
      if (/^\.\.\s*$/.test(line)) inDe = false;
      continue;
    }
    if (/^['.]\s*\\"/.test(line) || line.startsWith('\\"')) continue; // comment
    line = line.replace(/\\".*$/, ""); // trailing comment
    const m = /^['.]\s*([^\s]+)\s*(.*)$/.exec(line);
    if (m) {
      const [, mac, args] = m;
      if (mac === "de" || mac === "am" || mac === "ig") {
        inDe = true;
        continue;
      }
      if (mac === "PP" || mac === "LP" || mac === "P" || mac === "Pp" || mac === "sp") {
        if (out.length && out[out.length - 1] !== "") out.push("");
        continue;
      }
      if (!TEXT_MACROS.has(mac) || !args) continue;
      // drop nested mdoc macro names (Capitalised 2-letter words) and quotes
      let a = args.replace(/"/g, "");
      if (/^[A-Z][a-z%]$/.test(mac)) a = a.replace(/(^|\s)(?:[A-Z][a-z]|Ns|No|Pf)(?=\s|$)/g, "$1").replace(/\s+/g, " ").trim();
      if (mac === "Fl") a = "-" + a;
      line = a;
      if (mac === "SH" || mac === "Sh") {
        if (out.length && out[out.length - 1] !== "") out.push("");
      }
    }
    const t = troffInline(line);
    out.push(t);
  }
  return out
    .join("\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim() + "\n";
}

// ---------- .mo parser ----------

/** Returns the translated strings (msgstr, plural forms split) of a GNU .mo file, or []. */
export function parseMo(buf) {
  if (buf.length < 28) return [];
  const magic = buf.readUInt32LE(0);
  let rd;
  if (magic === 0x950412de) rd = (o) => buf.readUInt32LE(o);
  else if (magic === 0xde120495) rd = (o) => buf.readUInt32BE(o);
  else return [];
  const n = rd(8);
  const origTab = rd(12);
  const transTab = rd(16);
  const out = [];
  let charsetOk = true;
  for (let i = 0; i < n; i++) {
    const ol = rd(origTab + 8 * i);
    const tl = rd(transTab + 8 * i);
    const to = rd(transTab + 8 * i + 4);
    if (to + tl > buf.length) break;
    const bytes = buf.subarray(to, to + tl);
    if (ol === 0) {
      // header entry: check the charset
      const hdr = bytes.toString("latin1");
      const cs = /charset=([\w-]+)/i.exec(hdr);
      if (cs && !/^utf-?8$/i.test(cs[1]) && !/^(us-)?ascii$/i.test(cs[1])) charsetOk = false;
      continue;
    }
    if (!charsetOk) return [];
    let s;
    try {
      s = utf8.decode(bytes);
    } catch {
      continue;
    }
    for (const part of s.split("\0")) if (part.trim()) out.push(part.replace(/\r\n?/g, "\n"));
  }
  return out;
}

// ---------- sources ----------

/** A source is a generator of text chunks (one per file, each ≤ fileCap bytes). */
function* chunksOf(files, toText, fileCap, seen) {
  for (const f of files) {
    let t = toText(f);
    if (!t) continue;
    if (seen) t = dedupeParagraphs(t, seen);
    t = cutLines(t, fileCap);
    if (t.trim().length < 40) continue;
    if (!t.endsWith("\n")) t += "\n";
    yield { file: f, text: t + "\n" };
  }
}

function dedupeParagraphs(text, seen) {
  const parts = text.split(/\n[ \t]*\n/);
  const kept = [];
  for (const p of parts) {
    const key = p.replace(/\s+/g, " ").trim();
    if (!key) continue;
    if (key.length >= 30) {
      const h = crypto.createHash("sha1").update(key).digest("base64");
      if (seen.has(h)) continue;
      seen.add(h);
    }
    kept.push(p.replace(/^\n+|\n+$/g, ""));
  }
  return kept.join("\n\n") + "\n";
}

/** Round-robin over sources, one chunk each turn (`weight` chunks for a weighted source),
 * until sizeBytes is reached. Chunks may carry `label` to account them under another name. */
function fill(sources, sizeBytes) {
  const parts = [];
  let n = 0;
  const used = {};
  const live = sources.map((s) => ({ ...s, it: s.gen[Symbol.iterator]() }));
  outer: while (n < sizeBytes && live.length) {
    for (let i = 0; i < live.length; ) {
      let done = false;
      for (let w = 0; w < (live[i].weight ?? 1); w++) {
        if (n >= sizeBytes) break outer;
        const r = live[i].it.next();
        if (r.done) {
          done = true;
          break;
        }
        let t = r.value.text;
        if (n + byteLen(t) > sizeBytes) t = cutLines(t, sizeBytes - n);
        const tb = byteLen(t);
        if (tb === 0) break outer; // nothing more fits at a line boundary
        parts.push(t);
        n += tb;
        const u = (used[r.value.label ?? live[i].name] ??= { files: 0, bytes: 0 });
        u.files++;
        u.bytes += tb;
      }
      if (done) live.splice(i, 1);
      else i++;
    }
  }
  return { text: parts.join(""), used };
}

function proseSources() {
  const seen = new Set();
  const licenses = listDir("/usr/share/common-licenses").map((n) => path.join("/usr/share/common-licenses", n));
  // dedupe symlinks (GPL -> GPL-3 etc.) by real path
  const realSeen = new Set();
  const lic = licenses.filter((p) => {
    try {
      const r = fs.realpathSync(p);
      if (realSeen.has(r)) return false;
      realSeen.add(r);
      return true;
    } catch {
      return false;
    }
  });
  const docRoot = "/usr/share/doc";
  const pkgs = listDir(docRoot);
  const readmes = [];
  const copyrights = [];
  for (const pkg of pkgs) {
    const dir = path.join(docRoot, pkg);
    const st = statSafe(dir);
    if (!st || !st.isDirectory()) continue;
    if (fs.lstatSync(dir).isSymbolicLink()) continue;
    copyrights.push(path.join(dir, "copyright"));
    walk(dir, (p, name) => /^(README|readme|Readme)([._-].*)?$/.test(name) || /\.(txt|txt\.gz|md|md\.gz)$/.test(name), readmes);
  }
  const textFilter = (p) => {
    if (/\.(html?|xml|json|ya?ml|sh|py|pl|c|h|css|js)(\.gz)?$/i.test(p)) return null;
    const t = readText(p);
    if (!t) return null;
    // keep mostly-ASCII English-looking text
    let nonAscii = 0;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 127) nonAscii++;
    return nonAscii / Math.max(1, t.length) < 0.02 ? t : null;
  };
  const man1 = listDir("/usr/share/man/man1")
    .filter((n) => n.endsWith(".gz"))
    .map((n) => path.join("/usr/share/man/man1", n));
  const manText = (p) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return null; // aliases of other pages
    const t = readText(p);
    if (!t || /^\.so /m.test(t.slice(0, 200))) return null;
    return stripTroff(t);
  };
  return [
    { name: "common-licenses", gen: chunksOf(lic, textFilter, 12_000, seen) },
    { name: "doc README/txt/md", gen: chunksOf(readmes, textFilter, 8_000, seen) },
    { name: "doc copyright", gen: chunksOf(copyrights, textFilter, 6_000, seen) },
    { name: "man1 (troff stripped)", gen: chunksOf(man1, manText, 8_000, seen) },
  ];
}

function codeSources() {
  const nm = path.join(ROOT, "node_modules");
  const pkgDirs = [];
  for (const name of listDir(nm)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) for (const sub of listDir(path.join(nm, name))) pkgDirs.push(path.join(nm, name, sub));
    else pkgDirs.push(path.join(nm, name));
  }
  const hashes = new Set();
  const toText = (p) => {
    const t = readHead(p, 48_000);
    if (!t) return null;
    const lines = t.split("\n");
    let max = 0;
    for (const l of lines) if (l.length > max) max = l.length;
    if (max > 400 || t.length / lines.length > 100) return null; // minified / generated data
    const h = crypto.createHash("sha1").update(t).digest("base64");
    if (hashes.has(h)) return null;
    hashes.add(h);
    return t;
  };
  const sources = [];
  for (const dir of pkgDirs) {
    const st = statSafe(dir);
    if (!st || !st.isDirectory()) continue;
    const files = walk(dir, (p, name) => /\.(m?js|cjs|ts|mts|cts)$/.test(name) && !/\.min\.js$/.test(name) && !p.includes("/node_modules/", dir.length));
    if (!files.length) continue;
    sources.push({ name: path.relative(nm, dir), gen: chunksOf(files, toText, 12_000, null) });
  }
  return sources;
}

const SCRIPTS = [
  ["Latin", /\p{Script=Latin}/u], ["Cyrillic", /\p{Script=Cyrillic}/u], ["Greek", /\p{Script=Greek}/u],
  ["Han", /\p{Script=Han}/u], ["Hiragana/Katakana", /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ["Hangul", /\p{Script=Hangul}/u], ["Arabic", /\p{Script=Arabic}/u], ["Hebrew", /\p{Script=Hebrew}/u],
  ["Devanagari", /\p{Script=Devanagari}/u], ["Bengali", /\p{Script=Bengali}/u], ["Tamil", /\p{Script=Tamil}/u],
  ["Thai", /\p{Script=Thai}/u], ["Georgian", /\p{Script=Georgian}/u], ["Armenian", /\p{Script=Armenian}/u],
  ["Ethiopic", /\p{Script=Ethiopic}/u], ["Gurmukhi", /\p{Script=Gurmukhi}/u], ["Gujarati", /\p{Script=Gujarati}/u],
  ["Khmer", /\p{Script=Khmer}/u], ["Sinhala", /\p{Script=Sinhala}/u], ["Telugu", /\p{Script=Telugu}/u],
  ["Kannada", /\p{Script=Kannada}/u], ["Malayalam", /\p{Script=Malayalam}/u], ["Tibetan", /\p{Script=Tibetan}/u],
];

export function scriptHistogram(text) {
  const counts = {};
  const letter = /\p{L}/u;
  for (const ch of text) {
    if (!letter.test(ch)) continue;
    let name = "other";
    for (const [n, re] of SCRIPTS)
      if (re.test(ch)) {
        name = n;
        break;
      }
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

function multilingualSources(minBytesPerLang) {
  const manRoot = "/usr/share/man";
  const locRoot = "/usr/share/locale";
  const isLang = (n) => /^[a-z]{2,3}([_@].*)?$/.test(n) && !/^en([_@]|$)/.test(n) && !/^man/.test(n);
  const langs = new Set([...listDir(manRoot).filter(isLang), ...listDir(locRoot).filter(isLang)]);
  const seen = new Set();
  const groups = {};
  for (const lang of [...langs].sort(cmp)) {
    const manFiles = [];
    for (const sec of listDir(path.join(manRoot, lang)))
      if (/^man\d/.test(sec)) for (const n of listDir(path.join(manRoot, lang, sec))) manFiles.push(path.join(manRoot, lang, sec, n));
    const moFiles = listDir(path.join(locRoot, lang, "LC_MESSAGES"))
      .filter((n) => n.endsWith(".mo") && !/^iso_/.test(n)) // iso_* are mostly lists of names
      .map((n) => path.join(locRoot, lang, "LC_MESSAGES", n));
    const isoFiles = listDir(path.join(locRoot, lang, "LC_MESSAGES"))
      .filter((n) => /^iso_(639-3|3166-1)\.mo$/.test(n))
      .map((n) => path.join(locRoot, lang, "LC_MESSAGES", n));
    // rough size estimate to skip languages with almost nothing
    let est = 0;
    for (const f of manFiles) est += (statSafe(f)?.size ?? 0) * 3;
    for (const f of moFiles) est += (statSafe(f)?.size ?? 0) / 2;
    if (est < minBytesPerLang) continue;
    const manText = (p) => {
      if (fs.lstatSync(p).isSymbolicLink()) return null;
      const t = readText(p);
      if (!t || /^\.so /m.test(t.slice(0, 200))) return null;
      return stripTroff(t);
    };
    const moText = (p) => {
      let buf;
      try {
        buf = fs.readFileSync(p);
      } catch {
        return null;
      }
      const strs = parseMo(buf).filter((s) => /\p{L}{2}/u.test(s));
      return strs.length ? strs.join("\n") + "\n" : null;
    };
    // interleave man pages and .mo files within the language
    function* langGen() {
      const a = chunksOf(manFiles, manText, 6_000, seen)[Symbol.iterator]();
      const b = chunksOf([...moFiles, ...isoFiles], moText, 6_000, seen)[Symbol.iterator]();
      let da = false;
      let db = false;
      while (!da || !db) {
        if (!da) {
          const r = a.next();
          if (r.done) da = true;
          else yield r.value;
        }
        if (!db) {
          const r = b.next();
          if (r.done) db = true;
          else yield r.value;
        }
      }
    }
    // peek the first chunk to find the language's dominant script
    const it = langGen();
    const first = it.next();
    if (first.done) continue;
    const hist = scriptHistogram(first.value.text);
    // man pages quote many Latin option names: a language counts as non-Latin when a
    // non-Latin script has at least 20% of the letters
    const total = Object.values(hist).reduce((a, b) => a + b, 0);
    const nonLatin = Object.keys(hist).find((k) => k !== "Latin" && hist[k] >= 0.2 * total);
    const script = nonLatin ?? (hist.Latin ? "Latin" : "other");
    function* withFirst() {
      yield first.value;
      yield* it;
    }
    const group = SCRIPT_GROUP[script] ?? "other scripts";
    (groups[group] ??= []).push({ lang, gen: withFirst() });
  }
  // one source per script group, round-robin over its languages; weights give the mix
  const sources = [];
  for (const [group, langsOf] of Object.entries(groups).sort((a, b) => cmp(a[0], b[0]))) {
    function* groupGen() {
      const its = langsOf.map((l) => ({ lang: l.lang, it: l.gen[Symbol.iterator]() }));
      while (its.length) {
        for (let i = 0; i < its.length; ) {
          const r = its[i].it.next();
          if (r.done) {
            its.splice(i, 1);
            continue;
          }
          yield { ...r.value, label: its[i].lang };
          i++;
        }
      }
    }
    sources.push({ name: group, gen: groupGen(), weight: GROUP_WEIGHT[group] ?? 1, langs: langsOf.map((l) => l.lang) });
  }
  return sources;
}

// Script groups of the multilingual corpus and their share (chunks per round).
const SCRIPT_GROUP = {
  Latin: "Latin", Cyrillic: "Cyrillic", Greek: "Greek", Han: "CJK", "Hiragana/Katakana": "CJK", Hangul: "CJK",
  Arabic: "Arabic", Hebrew: "Hebrew", Devanagari: "Indic", Bengali: "Indic", Tamil: "Indic", Gurmukhi: "Indic",
  Gujarati: "Indic", Telugu: "Indic", Kannada: "Indic", Malayalam: "Indic", Sinhala: "Indic",
};
const GROUP_WEIGHT = { Latin: 4, Cyrillic: 2, CJK: 3, Arabic: 1, Hebrew: 1, Indic: 1, Greek: 1, "other scripts": 1 };

export function splitDocs(text, docSize = DOC_SIZE) {
  const docs = [];
  let cur = "";
  let n = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    end = end < 0 ? text.length : end + 1;
    const line = text.slice(start, end);
    const lb = byteLen(line);
    if (n > 0 && n + lb > docSize) {
      docs.push(cur);
      cur = "";
      n = 0;
    }
    cur += line;
    n += lb;
    start = end;
  }
  if (cur) docs.push(cur);
  return docs;
}

const sha256 = (s) => crypto.createHash("sha256").update(s).digest("hex");

/**
 * Builds the three corpora (each ≤ sizeBytes UTF-8 bytes, cut at a line boundary).
 * Returns { prose, code, multilingual, docs: { prose, code, multilingual }, manifest }.
 * Writes them to outDir unless write === false.
 */
export function buildCorpus({ outDir = DEFAULT_OUT_DIR, sizeBytes = DEFAULT_SIZE, write = true, docSize = DOC_SIZE } = {}) {
  const t0 = performance.now();
  const prose = fill(proseSources(), sizeBytes);
  const code = fill(codeSources(), sizeBytes);
  const multiSources = multilingualSources(Math.min(20_000, sizeBytes / 50));
  const multi = fill(multiSources, sizeBytes);
  const result = { prose: prose.text, code: code.text, multilingual: multi.text };
  const docs = {};
  for (const k of Object.keys(result)) docs[k] = splitDocs(result[k], docSize);
  const manifest = {
    version: CORPUS_VERSION,
    sizeBytes,
    docSize,
    corpora: {},
    troff: "man pages are converted to plain text (requests dropped, macro arguments kept, escapes resolved)",
  };
  const used = { prose: prose.used, code: code.used, multilingual: multi.used };
  for (const k of Object.keys(result)) {
    manifest.corpora[k] = {
      bytes: byteLen(result[k]),
      chars: result[k].length,
      sha256: sha256(result[k]),
      docs: docs[k].length,
      sources: used[k],
    };
  }
  manifest.corpora.multilingual.languages = Object.keys(multi.used);
  manifest.corpora.multilingual.groups = Object.fromEntries(multiSources.map((s) => [s.name, { weight: s.weight, languages: s.langs }]));
  manifest.corpora.multilingual.scripts = scriptHistogram(multi.text);
  manifest.buildMs = Math.round(performance.now() - t0);
  if (write) {
    fs.mkdirSync(path.join(outDir, "docs"), { recursive: true });
    for (const k of Object.keys(result)) {
      fs.writeFileSync(path.join(outDir, `${k}.txt`), result[k]);
      fs.writeFileSync(path.join(outDir, "docs", `${k}-docs.json`), JSON.stringify(docs[k]));
    }
    fs.writeFileSync(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  }
  return { ...result, docs, manifest };
}

/**
 * Loads the corpus from outDir if its manifest matches sizeBytes/version, else builds it.
 */
export function loadCorpus({ outDir = DEFAULT_OUT_DIR, sizeBytes = DEFAULT_SIZE } = {}) {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8"));
    if (manifest.version === CORPUS_VERSION && manifest.sizeBytes === sizeBytes) {
      const r = { docs: {}, manifest };
      for (const k of ["prose", "code", "multilingual"]) {
        r[k] = fs.readFileSync(path.join(outDir, `${k}.txt`), "utf8");
        r.docs[k] = JSON.parse(fs.readFileSync(path.join(outDir, "docs", `${k}-docs.json`), "utf8"));
        if (sha256(r[k]) !== manifest.corpora[k].sha256) throw new Error("stale");
      }
      return r;
    }
  } catch {
    /* rebuild */
  }
  return buildCorpus({ outDir, sizeBytes });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let outDir = DEFAULT_OUT_DIR;
  let sizeBytes = DEFAULT_SIZE;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--size") sizeBytes = Number(args[++i]);
    else if (args[i] === "-h" || args[i] === "--help") {
      console.log("usage: node scripts/corpus.mjs [outDir] [--size BYTES]");
      process.exit(0);
    } else outDir = path.resolve(args[i]);
  }
  const { manifest } = buildCorpus({ outDir, sizeBytes });
  for (const [k, c] of Object.entries(manifest.corpora)) {
    console.log(`${k.padEnd(13)} ${String(c.bytes).padStart(8)} bytes ${String(c.docs).padStart(5)} docs  from ${Object.entries(c.sources).map(([s, u]) => `${s}:${u.files}`).slice(0, 12).join(" ")}${Object.keys(c.sources).length > 12 ? " …" : ""}`);
  }
  console.log(`languages: ${manifest.corpora.multilingual.languages.join(" ")}`);
  console.log(`scripts (letters): ${Object.entries(manifest.corpora.multilingual.scripts).map(([s, n]) => `${s} ${n}`).join(", ")}`);
  console.log(`written to ${path.relative(process.cwd(), outDir) || "."} in ${manifest.buildMs} ms`);
}
