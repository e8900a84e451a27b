#!/usr/bin/env node
// Exactness sweep: every man page (all languages, first 60 per language) and up to ~1500 text
// and source files of this machine, through both engines of tokenmill and through tiktoken, for
// o200k_base, cl100k_base and p50k_base. Prints each mismatch and a summary. Slower and wider
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

const utf8 = new TextDecoder();
let checks = 0;
let mismatches = 0;
let chars = 0;
for (const f of files) {
  let text;
  try {
    if (statSync(f).size > 400_000) continue;
    const raw = readFileSync(f);
    text = utf8.decode(f.endsWith(".gz") ? gunzipSync(raw) : raw);
  } catch {
    continue;
  }
  chars += text.length;
  for (const { name, engines, ref } of encodings) {
    const want = ref.encode(text, [], []);
    for (const enc of engines) {
      const got = enc.encodeOrdinary(text);
      checks++;
      if (got.length !== want.length || got.some((v, k) => v !== want[k])) {
        mismatches++;
        console.log(`MISMATCH ${name} ${enc.engine} ${f}`);
      }
    }
  }
}
console.log(`${files.length} files, ${chars} characters, ${checks} checks, ${mismatches} mismatches`);
process.exitCode = mismatches ? 1 : 0;
