// Added tokens whose content holds '-' (T5's `<extra_id_0>` spelled `<extra-id-0>`, `[foo-bar]`,
// `-->`): the added-token matcher builds one `u`-flag RegExp of the escaped contents, and an
// escaped '-' ("\-") is a syntax error outside a character class in `u` mode, so such files did
// not load at all. Compared with HF `tokenizers` on text around the tokens.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { hf } from "./helpers/hf-reference.js";

const BASE = JSON.parse(fs.readFileSync(new URL("./fixtures/hf/unigram-trained.json", import.meta.url), "utf8"));

function withAdded(contents: Array<{ content: string; special: boolean }>): string {
  const j = structuredClone(BASE);
  let id = j.model.vocab.length;
  for (const { content, special } of contents) {
    j.added_tokens.push({ id: id++, content, single_word: false, lstrip: false, rstrip: false, normalized: !special, special });
  }
  return JSON.stringify(j);
}

describe("added tokens containing '-' and other RegExp syntax", () => {
  const json = withAdded([
    { content: "<extra-id-0>", special: true },
    { content: "[foo-bar]", special: false },
    { content: "-->", special: true },
    { content: "a.b*c+(d)|e$^{}?\\/", special: true },
  ]);
  const texts = [
    "x<extra-id-0>y [foo-bar] -- --> ---> a.b*c+(d)|e$^{}?\\/ end",
    "<extra-id-0><extra-id-0>-->[foo-bar]",
    "no added tokens - here - at all",
  ];

  it("load and encode as HF does, both engines", async () => {
    const ref = hf.Tokenizer.fromString(json);
    for (const engine of ["wasm", "js"] as const) {
      const ours = fromTokenizerJsonSync(json, { engine });
      for (const text of texts) {
        const want = (await ref.encode(text, null, { addSpecialTokens: false })).getIds();
        expect([...ours.encode(text, { addSpecialTokens: false })], `${engine} ${text}`).toEqual(want);
        expect(ours.decode(want), `${engine} decode ${text}`).toBe(await ref.decode(want, false));
      }
    }
  });
});
