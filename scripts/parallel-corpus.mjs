#!/usr/bin/env node
// Builds a parallel corpus from the machine's gettext catalogs: for each locale under
// /usr/share/locale, the msgid → msgstr pairs of its .mo files. English (the msgid) is the
// reference; a message joins the corpus only if it is translated in every chosen language, so
// each language's text says the same things (what per-language premiums need: Petrov et al.'s
// premium, as used by Parity-aware BPE, arXiv 2508.04796, is measured on parallel text).
//
//   node scripts/parallel-corpus.mjs [--languages 60] [--min-messages 400] [--out build/parallel]
//                                     [--fixture test/fixtures/parallel --fixture-languages en,de,ja,ar,hi,ru --fixture-messages 40]
//
// Writes <out>/parallel.json ({ languages, domains, messages: { [lang]: string[] } }, arrays
// aligned by index), <out>/<lang>.txt (the messages of one language, one blank line between
// messages) and prints a summary. Build-time only (Node fs); the library never reads .mo files.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MAGIC = 0x950412de;

/**
 * The (msgctxt\u0004msgid, msgstr) pairs of a .mo catalog (GNU gettext format: a header of
 * u32 in either byte order, then two tables of (length, offset) for originals and
 * translations). Plural entries keep their singular msgid and first msgstr form.
 * Returns [] for a file that is not a catalog.
 */
export function readMo(file) {
  const b = readFileSync(file);
  if (b.length < 28) return [];
  const le = b.readUInt32LE(0) === MAGIC;
  if (!le && b.readUInt32BE(0) !== MAGIC) return [];
  const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const n = u32(8);
  const origTable = u32(12);
  const transTable = u32(16);
  const str = (table, i) => {
    const at = table + 8 * i;
    if (at + 8 > b.length) return undefined;
    const len = u32(at);
    const off = u32(at + 4);
    return off + len <= b.length ? b.toString("utf8", off, off + len) : undefined;
  };
  const out = [];
  for (let i = 0; i < n; i++) {
    const id = str(origTable, i);
    const tr = str(transTable, i);
    if (id === undefined || tr === undefined) continue;
    out.push([id.split("\0")[0], tr.split("\0")[0]]);
  }
  return out;
}

/** English text of a key: the msgid without its context. */
function english(key) {
  const at = key.indexOf("\u0004");
  return at < 0 ? key : key.slice(at + 1);
}

// Messages worth comparing: real text, not format strings alone, not accelerator-only labels.
function usable(en, tr) {
  if (!en || !tr) return false;
  if (tr.includes("\uFFFD")) return false; // a catalog not in UTF-8
  const letters = en.replace(/%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|[_&]/g, "").match(/\p{L}/gu);
  return letters !== null && letters.length >= 3;
}

function parseArgs(argv) {
  const opts = {
    languages: 60,
    minMessages: 400,
    out: "build/parallel",
    fixture: undefined,
    fixtureLanguages: "en,de,ja,ar,hi,ru,zh_CN,fi",
    fixtureMessages: 40,
    root: "/usr/share/locale",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--languages") opts.languages = Number(v());
    else if (a === "--min-messages") opts.minMessages = Number(v());
    else if (a === "--out") opts.out = v();
    else if (a === "--fixture") opts.fixture = v();
    else if (a === "--fixture-languages") opts.fixtureLanguages = v();
    else if (a === "--fixture-messages") opts.fixtureMessages = Number(v());
    else if (a === "--root") opts.root = v();
    else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.languages >= 2)) throw new Error("--languages must be ≥ 2");
  return opts;
}

/**
 * Locale tag → its messages: Map(domain\u0000key → translation). English variants (en_GB...)
 * are dropped: English is the msgid. Of several variants of one language (pt, pt_BR) only the
 * one with the most messages is kept, so "languages" are distinct languages.
 */
function loadLocales(root) {
  const byLocale = new Map();
  for (const loc of readdirSync(root).sort()) {
    if (/^en([_@]|$)/.test(loc)) continue;
    let files;
    try {
      files = readdirSync(join(root, loc, "LC_MESSAGES")).filter((f) => f.endsWith(".mo")).sort();
    } catch {
      continue;
    }
    const msgs = new Map();
    for (const f of files) {
      const domain = f.slice(0, -3);
      for (const [key, tr] of readMo(join(root, loc, "LC_MESSAGES", f))) {
        const en = english(key);
        if (usable(en, tr)) msgs.set(`${domain}\u0000${key}`, tr);
      }
    }
    if (msgs.size > 0) byLocale.set(loc, msgs);
  }
  const best = new Map();
  for (const [loc, msgs] of byLocale) {
    const base = loc.split(/[_@.]/)[0];
    const cur = best.get(base);
    if (!cur || msgs.size > byLocale.get(cur).size) best.set(base, loc);
  }
  return new Map([...best.values()].sort().map((loc) => [loc, byLocale.get(loc)]));
}

/**
 * Greedy choice of `k` languages keeping the shared message set large: start from the
 * best-covered language, then repeatedly add the language whose addition keeps the most
 * shared messages. Returns the languages and the shared keys (in catalog order).
 */
function choose(locales, k) {
  const entries = [...locales].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  let shared = new Set(entries[0][1].keys());
  const chosen = [entries[0][0]];
  const left = new Map(entries.slice(1));
  while (chosen.length < k && left.size > 0) {
    let bestLoc;
    let bestCount = -1;
    for (const [loc, msgs] of left) {
      let c = 0;
      for (const key of shared) if (msgs.has(key)) c++;
      if (c > bestCount) {
        bestCount = c;
        bestLoc = loc;
      }
    }
    const msgs = left.get(bestLoc);
    shared = new Set([...shared].filter((key) => msgs.has(key)));
    chosen.push(bestLoc);
    left.delete(bestLoc);
  }
  return { chosen, shared: [...shared] };
}

function build(locales, chosen, keys) {
  const messages = { en: keys.map((key) => english(key.slice(key.indexOf("\u0000") + 1))) };
  for (const loc of chosen) messages[loc] = keys.map((key) => locales.get(loc).get(key));
  const domains = [...new Set(keys.map((key) => key.slice(0, key.indexOf("\u0000"))))].sort();
  return { source: "gettext .mo catalogs of /usr/share/locale (msgid = en)", languages: ["en", ...chosen], domains, messages };
}

function write(dir, corpus) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "parallel.json"), JSON.stringify(corpus, null, 1) + "\n");
  for (const lang of corpus.languages) writeFileSync(join(dir, `${lang}.txt`), corpus.messages[lang].join("\n\n") + "\n");
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const locales = loadLocales(opts.root);
  if (locales.size < opts.languages) {
    throw new Error(`only ${locales.size} languages have catalogs under ${opts.root}; asked for ${opts.languages}`);
  }
  const { chosen, shared } = choose(locales, opts.languages);
  if (shared.length < opts.minMessages) {
    console.error(`warning: only ${shared.length} messages are translated in all ${chosen.length} languages`);
  }
  const corpus = build(locales, chosen, shared);
  write(opts.out, corpus);
  const chars = Object.values(corpus.messages).reduce((s, m) => s + m.reduce((t, x) => t + x.length, 0), 0);
  console.log(
    `${corpus.languages.length} languages (en + ${chosen.length}) × ${shared.length} aligned messages from ${corpus.domains.length} catalogs ` +
      `(${(chars / 1e6).toFixed(2)} M characters) → ${opts.out}/`,
  );
  console.log(`languages: ${corpus.languages.join(" ")}`);
  if (opts.fixture) {
    const langs = opts.fixtureLanguages.split(",").filter((l) => corpus.languages.includes(l));
    // An even spread over the shared set, so every catalog has a chance to appear.
    const step = Math.max(1, Math.floor(shared.length / opts.fixtureMessages));
    const idx = [];
    for (let i = 0; i < shared.length && idx.length < opts.fixtureMessages; i += step) idx.push(i);
    const small = {
      source: corpus.source,
      languages: langs,
      domains: corpus.domains,
      messages: Object.fromEntries(langs.map((l) => [l, idx.map((i) => corpus.messages[l][i])])),
    };
    mkdirSync(opts.fixture, { recursive: true });
    writeFileSync(join(opts.fixture, "parallel.json"), JSON.stringify(small, null, 1) + "\n");
    console.log(`fixture: ${langs.join(" ")} × ${idx.length} messages → ${opts.fixture}/parallel.json`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
