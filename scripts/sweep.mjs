#!/usr/bin/env node
// Exactness sweep: every man page (all languages, first 60 per language), the translations of
// every locale (the strings of its gettext .mo catalogs, up to ~400 KB per locale: ~170
// languages, Malayalam to Zulu) and up to ~1500 text and source files of this machine, through
// both engines of tokenmill and through tiktoken, for o200k_base, cl100k_base and p50k_base. Prints each mismatch and a summary. Slower and wider
// than the test suite; run it after changing a scanner or the merge loop: `node scripts/sweep.mjs`
// (needs `npm run build` first).
import { getEncodingSync } from "../dist/index.js";
import { get_encoding } from "tiktoken";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const NAMES = ["o200k_base", "cl100k_base", "p50k_base"];
const encodings = NAMES.map((n) => ({
  name: n,
  engines: [getEncodingSync(n), getEncodingSync(n, { engine: "js" })],
  ref: get_encoding(n),
}));

const files = [];
for (const lang of readdirSync("/usr/share/man").sort()) {
  try {
    for (const f of readdirSync(`/usr/share/man/${lang}/man1`).sort().slice(0, 60)) files.push(`/usr/share/man/${lang}/man1/${f}`);
  } catch {}
}
function walk(dir, depth) {
  if (files.length > 2500 || depth > 6) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(p, depth + 1);
    else if (/\.(js|ts|md|json|py|c|h|txt|css|html)$/.test(e.name)) files.push(p);
  }
}
walk(new URL("../node_modules", import.meta.url).pathname, 0);
walk("/usr/share/doc", 0);

/** The translated strings of a gettext .mo catalog (either byte order), one per line. */
function moTranslations(file) {
  const b = readFileSync(file);
  if (b.length < 28) return "";
  const le = b.readUInt32LE(0) === 0x950412de;
  if (!le && b.readUInt32BE(0) !== 0x950412de) return "";
  const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const n = u32(8);
  const table = u32(16);
  const out = [];
  for (let i = 0; i < n && table + 8 * i + 8 <= b.length; i++) {
    const len = u32(table + 8 * i);
    const off = u32(table + 8 * i + 4);
    if (off + len <= b.length) out.push(b.toString("utf8", off, off + len));
  }
  return out.join("\n");
}

// texts: [label, () => text]
const texts = files.map((f) => [
  f,
  () => {
    if (statSync(f).size > 400_000) return null;
    const raw = readFileSync(f);
    return new TextDecoder().decode(f.endsWith(".gz") ? gunzipSync(raw) : raw);
  },
]);
const LOCALES = "/usr/share/locale";
let locales = [];
try {
  locales = readdirSync(LOCALES).sort();
} catch {}
for (const lang of locales) {
  texts.push([
    `${LOCALES}/${lang} (translations)`,
    () => {
      let text = "";
      for (const f of readdirSync(`${LOCALES}/${lang}/LC_MESSAGES`).sort()) {
        if (f.endsWith(".mo")) text += moTranslations(`${LOCALES}/${lang}/LC_MESSAGES/${f}`) + "\n";
        if (text.length > 400_000) break;
      }
      return text.length > 0 ? text : null;
    },
  ]);
}

let checks = 0;
let mismatches = 0;
let chars = 0;
let sources = 0;
for (const [label, load] of texts) {
  let text;
  try {
    text = load();
  } catch {
    continue;
  }
  if (text == null) continue;
  sources++;
  chars += text.length;
  for (const { name, engines, ref } of encodings) {
    const want = ref.encode(text, [], []);
    for (const enc of engines) {
      const got = enc.encodeOrdinary(text);
      checks++;
      if (got.length !== want.length || got.some((v, k) => v !== want[k])) {
        mismatches++;
        console.log(`MISMATCH ${name} ${enc.engine} ${label}`);
      }
    }
  }
}
console.log(`${sources} texts (${files.length} files, ${locales.length} locales), ${chars} characters, ${checks} checks, ${mismatches} mismatches`);
process.exitCode = mismatches ? 1 : 0;
