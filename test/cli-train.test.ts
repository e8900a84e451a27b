// `tokenmill train`, run in-process (test/helpers/cli.ts): the files it writes load and give
// train()'s ids, flags reach train(), bad usage is exit 2, bad input exit 1, and the progress
// bar is drawn only on a terminal.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { main } from "../src/cli/main.js";
import { trainProgressBar } from "../src/cli/commands/train.js";
import { fromTokenizerJsonSync, parseTiktokenFile } from "../src/index.js";
import { train } from "../src/train/index.js";
import { cli, Sink } from "./helpers/cli.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tm-cli-train-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const corpus = buildCorpus({ sizeBytes: 60_000, write: false }) as Record<string, string>;
const a = path.join(dir, "a.txt");
const b = path.join(dir, "b.txt");
fs.writeFileSync(a, corpus.prose!);
fs.writeFileSync(b, corpus.multilingual!);
const sample = "Hello wörld, 12345 <|eot|> добрый день";

describe("tokenmill train", () => {
  it("writes a .tiktoken file with train()'s ranks (format from the extension)", async () => {
    const out = path.join(dir, "m.tiktoken");
    const r = await cli(["train", "--vocab-size", "800", "--pattern", "cl100k", "-o", out, a, b]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`wrote ${out} (tiktoken)\n`); // stderr is not a TTY: no bar
    const ranks = parseTiktokenFile(fs.readFileSync(out, "utf8"));
    const t = await train({ files: [a, b] }, { vocabSize: 800, pattern: "cl100k" });
    expect(ranks.size).toBe(800);
    expect(t.toTiktokenFile()).toBe(fs.readFileSync(out, "utf8"));
  });

  it("writes a tokenizer.json with the special tokens, min frequency and threads given", async () => {
    const out = path.join(dir, "m.json");
    const r = await cli([
      "train", "--vocab-size=700", "--special", "<|eot|>", "--special", "<|pad|>", "--min-frequency", "3",
      "--threads", "1", "-o", out, "--", a,
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("(tokenizer.json)");
    const t = await train({ files: [a] }, { vocabSize: 700, specialTokens: ["<|eot|>", "<|pad|>"], minFrequency: 3 });
    expect(fs.readFileSync(out, "utf8")).toBe(t.toTokenizerJson());
    expect(Array.from(fromTokenizerJsonSync(fs.readFileSync(out, "utf8")).encode(sample))).toEqual(
      Array.from(t.encode(sample, { allowedSpecial: "all" })),
    );
  });

  it("--format overrides the extension; --superbpe-transition trains SuperBPE", async () => {
    const out = path.join(dir, "sb.out");
    const r = await cli(["train", "--vocab-size", "900", "--superbpe-transition", "700", "--format", "tokenizer.json", "-o", out, a]);
    expect(r.code).toBe(0);
    const t = await train({ files: [a] }, { vocabSize: 900, superBpe: { transitionVocabSize: 700 } });
    expect(fs.readFileSync(out, "utf8")).toBe(t.toTokenizerJson());
  });

  it("--language / --dev / --global-merges train Parity-aware BPE", async () => {
    const en = path.join(dir, "en.txt");
    const ru = path.join(dir, "ru.txt");
    const devEn = path.join(dir, "dev-en.txt");
    const devRu = path.join(dir, "dev-ru.txt");
    fs.writeFileSync(en, corpus.prose!);
    fs.writeFileSync(ru, "Привет, мир! Это проверка.\nДобрый день, как дела?\n".repeat(50));
    fs.writeFileSync(devEn, "Hello, world! This is a test.\nGood day, how are you?\n");
    fs.writeFileSync(devRu, "Привет, мир! Это проверка.\nДобрый день, как дела?\n");
    const out = path.join(dir, "parity.json");
    const r = await cli([
      "train", "--vocab-size", "500", "--language", `en=${en}`, "--language", `ru=${ru}`,
      "--dev", `en=${devEn}`, "--dev", `ru=${devRu}`, "--global-merges", "10", "-o", out,
    ]);
    expect(r.code, r.err).toBe(0);
    const t = await train(
      { languages: { en: { files: [en] }, ru: { files: [ru] } } },
      { vocabSize: 500, parity: { dev: { en: { files: [devEn] }, ru: { files: [devRu] } }, globalMerges: 10 } },
    );
    expect(fs.readFileSync(out, "utf8")).toBe(t.toTokenizerJson());
    expect(t.mergeLanguages!.slice(10)).toContain("ru");
    // counting progress runs on over the languages' files
    const seen: number[] = [];
    await train(
      { languages: { en: { files: [en] }, ru: { files: [ru] } } },
      { vocabSize: 300, parity: {}, onProgress: (p) => p.phase === "count" && seen.push(p.bytes) },
    );
    expect(seen.at(-1)).toBe(fs.statSync(en).size + fs.statSync(ru).size);
    expect(seen.every((b, i) => i === 0 || b >= seen[i - 1]!)).toBe(true);
    expect((await cli(["train", "--vocab-size", "500", "--language", `en=${en}`, "-o", out, a])).code).toBe(2);
    expect((await cli(["train", "--vocab-size", "500", "--dev", `en=${en}`, "-o", out, a])).err).toMatch(/need --language/);
    expect((await cli(["train", "--vocab-size", "500", "--language", "en", "-o", out])).err).toMatch(/LANG=FILE/);
    const one = await cli(["train", "--vocab-size", "500", "--language", `en=${en}`, "-o", out]);
    expect(one.code).toBe(1);
    expect(one.err).toMatch(/at least two languages/);
  });

  it("usage errors are exit 2 and name the flag; bad input is exit 1", async () => {
    const out = path.join(dir, "x.tiktoken");
    const usage = async (args: string[], msg: RegExp): Promise<void> => {
      const r = await cli(["train", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).toContain("tokenmill train --help");
    };
    await usage(["-o", out, a], /--vocab-size is required/);
    await usage(["--vocab-size", "300", a], /--output is required/);
    await usage(["--vocab-size", "300", "-o", out], /at least one corpus file/);
    await usage(["--vocab-size", "lots", "-o", out, a], /--vocab-size needs a number/);
    await usage(["--vocab-size", "300", "--format", "bin", "-o", out, a], /--format/);
    await usage(["--vocab-size", "300", "--bogus", "-o", out, a], /unknown option "--bogus"/);
    await usage(["--vocab-size", "300", "--invalid-utf8", "drop", "-o", out, a], /--invalid-utf8/);
    let r = await cli(["train", "--vocab-size", "100", "-o", out, a]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/vocabSize 100 is invalid/);
    r = await cli(["train", "--vocab-size", "300", "-o", out, path.join(dir, "missing.txt")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.txt/);
    const bad = path.join(dir, "bad.txt");
    fs.writeFileSync(bad, Buffer.from([0x61, 0x62, 0x0a, 0x63, 0xff, 0x64]));
    r = await cli(["train", "--vocab-size", "300", "-o", out, bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.txt.*byte 4/s);
    expect((await cli(["train", "--vocab-size", "300", "--invalid-utf8", "replace", "-o", out, bad])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "never.tiktoken"))).toBe(false);
  });

  it("--help prints the usage, and the top-level help lists train", async () => {
    const r = await cli(["train", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--vocab-size", "--format", "--pattern", "--min-frequency", "--special", "--threads", "--superbpe-transition", "--language", "--dev", "--global-merges"]) {
      expect(r.out).toContain(flag);
    }
    expect((await cli(["--help"])).out).toMatch(/train \[options\] files/);
  });

  it("draws a progress bar on stderr when it is a TTY, and clears it at the end", async () => {
    const out = path.join(dir, "tty.tiktoken");
    const stderr = new Sink();
    stderr.isTTY = true;
    const stdout = new Sink();
    const code = await main(["train", "--vocab-size", "1200", "-o", out, a, b], {
      stdin: (async function* () {})(),
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/\rcounting \[[#.]+\] [\d.]+\/[\d.]+ MB, [\d,]+ words/);
    expect(stderr.text).toMatch(/\rmerging \[[#.]+\] [\d,]+ merges, vocab \d+\/1200/);
    expect(stderr.text).toContain("\r\x1b[K");
  });

  it("the bar's rate and ETA come from elapsed time", () => {
    const lines: string[] = [];
    let t = 0;
    const bar = trainProgressBar({ write: (s) => lines.push(s), columns: 100 }, 10e6, () => t);
    bar.update({ phase: "count", words: 0, distinct: 0, bytes: 0 });
    t = 2000;
    bar.update({ phase: "count", words: 123456, distinct: 1000, bytes: 5e6 });
    expect(lines.at(-1)).toContain("5.0/10.0 MB, 123,456 words, 2.5 MB/s ETA 0:02");
    bar.update({ phase: "merge", merges: 0, vocab: 256, vocabSize: 1256, count: 9 });
    t = 12000;
    bar.update({ phase: "merge", merges: 250, vocab: 506, vocabSize: 1256, count: 5 });
    expect(lines.at(-1)).toContain("250 merges, vocab 506/1256, 25/s ETA 0:30");
    bar.done();
    expect(lines.at(-1)).toBe("\r\x1b[K");
  });
});
