// The parallel corpus builder's .mo reader against GNU gettext's own compiler (msgfmt, both
// byte orders), and the committed fixture's alignment.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs without types
import { readMo } from "../scripts/parallel-corpus.mjs";

const PO = `msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Open file"
msgstr "Datei öffnen"

msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d Datei"
msgstr[1] "%d Dateien"

msgid "Emoji 👋 and\\nnewline"
msgstr "Emoji 👋 und\\nZeilenumbruch"
`;

describe.skipIf(!existsSync("/usr/bin/msgfmt"))("readMo", () => {
  it("reads what msgfmt writes, in either byte order", () => {
    const dir = mkdtempSync(join(tmpdir(), "tokenmill-mo-"));
    writeFileSync(join(dir, "de.po"), PO);
    for (const endianness of ["little", "big"]) {
      const mo = join(dir, `de-${endianness}.mo`);
      execFileSync("/usr/bin/msgfmt", [`--endianness=${endianness}`, "-o", mo, join(dir, "de.po")]);
      const pairs = new Map(readMo(mo) as Array<[string, string]>);
      expect(pairs.get("Open file")).toBe("Datei öffnen");
      expect(pairs.get("menu\u0004Open")).toBe("Öffnen");
      expect(pairs.get("%d file")).toBe("%d Datei");
      expect(pairs.get("Emoji 👋 and\nnewline")).toBe("Emoji 👋 und\nZeilenumbruch");
      expect(pairs.get("")).toMatch(/charset=UTF-8/); // the header entry
      expect(pairs.size).toBe(5);
    }
    writeFileSync(join(dir, "junk.mo"), "not a catalog at all, just text");
    expect(readMo(join(dir, "junk.mo"))).toEqual([]);
  });
});

describe("the committed parallel fixture", () => {
  it("is aligned: the same number of non-empty messages in every language, English first", () => {
    const f = JSON.parse(readFileSync(new URL("./fixtures/parallel/parallel.json", import.meta.url), "utf8")) as {
      languages: string[];
      messages: Record<string, string[]>;
    };
    expect(f.languages[0]).toBe("en");
    expect(f.languages.length).toBeGreaterThanOrEqual(6);
    const n = f.messages.en!.length;
    expect(n).toBeGreaterThanOrEqual(20);
    for (const l of f.languages) {
      expect(f.messages[l], l).toHaveLength(n);
      for (const m of f.messages[l]!) expect(m.length, l).toBeGreaterThan(0);
    }
    // translations, not copies of the English
    expect(f.messages.de!.filter((m, i) => m !== f.messages.en![i]).length).toBeGreaterThan(n / 2);
  });
});
