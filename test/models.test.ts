import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { TokenmillError, UnknownModelError } from "../src/errors.js";
import {
  ENCODING_NAMES,
  MODEL_PREFIX_TO_ENCODING,
  MODEL_TO_ENCODING,
  encodingNameForModel,
  isEncodingName,
} from "../src/openai/models.js";

const require = createRequire(import.meta.url);

describe("ENCODING_NAMES / isEncodingName", () => {
  it("lists the seven OpenAI encodings", () => {
    expect([...ENCODING_NAMES]).toEqual([
      "o200k_base",
      "o200k_harmony",
      "cl100k_base",
      "p50k_base",
      "p50k_edit",
      "r50k_base",
      "gpt2",
    ]);
  });

  it("accepts exactly those names", () => {
    for (const n of ENCODING_NAMES) expect(isEncodingName(n)).toBe(true);
    for (const x of ["", "O200K_BASE", "cl100k", "gpt-4o", "toString", "__proto__", 1, null, undefined, {}]) {
      expect(isEncodingName(x)).toBe(false);
    }
  });

  it("every mapped encoding is a known encoding", () => {
    for (const e of Object.values(MODEL_TO_ENCODING)) expect(isEncodingName(e)).toBe(true);
    for (const e of Object.values(MODEL_PREFIX_TO_ENCODING)) expect(isEncodingName(e)).toBe(true);
  });
});

describe("encodingNameForModel agrees with the references", () => {
  it("every model in tiktoken's model_to_encoding.json maps to the same encoding", () => {
    const path = require.resolve("tiktoken/model_to_encoding.json");
    const table = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
    expect(Object.keys(table).length).toBeGreaterThan(50);
    for (const [model, enc] of Object.entries(table)) {
      expect([model, encodingNameForModel(model)]).toEqual([model, enc]);
    }
  });

  it("every model in gpt-tokenizer's model map maps to the same encoding", async () => {
    const map = (await import("gpt-tokenizer/modelsMap" as string)) as Record<string, unknown>;
    let n = 0;
    for (const enc of ENCODING_NAMES) {
      const models = map[enc];
      expect(Array.isArray(models)).toBe(true);
      for (const model of models as string[]) {
        expect([model, encodingNameForModel(model)]).toEqual([model, enc]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });
});

describe("encodingNameForModel table", () => {
  const table: Array<[string, string]> = [
    // o200k_base: current models, exact names
    ["gpt-5", "o200k_base"],
    ["gpt-5-mini", "o200k_base"],
    ["gpt-5-nano-2025-08-07", "o200k_base"],
    ["gpt-5-chat-latest", "o200k_base"],
    ["gpt-5.1", "o200k_base"],
    ["gpt-5.1-codex-max", "o200k_base"],
    ["gpt-5.2-pro-2025-12-11", "o200k_base"],
    ["gpt-4.5-preview", "o200k_base"],
    ["gpt-4.5-preview-2025-02-27", "o200k_base"],
    ["gpt-4.1", "o200k_base"],
    ["gpt-4.1-mini", "o200k_base"],
    ["gpt-4.1-nano-2025-04-14", "o200k_base"],
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-mini", "o200k_base"],
    ["chatgpt-4o-latest", "o200k_base"],
    ["o1", "o200k_base"],
    ["o1-mini", "o200k_base"],
    ["o3", "o200k_base"],
    ["o3-mini", "o200k_base"],
    ["o3-pro-2025-06-10", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["o4-mini-deep-research-2025-06-26", "o200k_base"],
    ["codex-mini-latest", "o200k_base"],
    ["computer-use-preview-2025-03-11", "o200k_base"],
    ["gpt-realtime", "o200k_base"],
    ["gpt-audio-mini-2025-10-06", "o200k_base"],
    // o200k_base by prefix: longest prefix wins over "gpt-4-"
    ["gpt-4o-2099-01-01", "o200k_base"],
    ["gpt-4o-mini-tts", "o200k_base"],
    ["gpt-4o-realtime-preview-2024-10-01", "o200k_base"],
    ["gpt-4.1-2099-01-01", "o200k_base"],
    ["chatgpt-4o-anything", "o200k_base"],
    ["o1-2099", "o200k_base"],
    // o200k_harmony
    ["gpt-oss-20b", "o200k_harmony"],
    ["gpt-oss-120b", "o200k_harmony"],
    ["gpt-oss-999b", "o200k_harmony"],
    // cl100k_base
    ["gpt-4", "cl100k_base"],
    ["gpt-4-0613", "cl100k_base"],
    ["gpt-4-32k", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-4-turbo-2024-04-09", "cl100k_base"],
    ["gpt-4-some-future-suffix", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["gpt-3.5-turbo-16k", "cl100k_base"],
    ["gpt-3.5-turbo-instruct", "cl100k_base"],
    ["gpt-3.5-turbo-0301", "cl100k_base"],
    ["gpt-3.5", "cl100k_base"],
    ["gpt-35-turbo", "cl100k_base"],
    ["gpt-35-turbo-16k", "cl100k_base"],
    ["gpt-35-turbo-instruct", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
    ["text-embedding-3-large", "cl100k_base"],
    ["text-embedding-ada-002", "cl100k_base"],
    ["davinci-002", "cl100k_base"],
    ["babbage-002", "cl100k_base"],
    // p50k
    ["text-davinci-003", "p50k_base"],
    ["text-davinci-002", "p50k_base"],
    ["code-davinci-002", "p50k_base"],
    ["code-cushman-001", "p50k_base"],
    ["davinci-codex", "p50k_base"],
    ["text-davinci-edit-001", "p50k_edit"],
    ["code-davinci-edit-001", "p50k_edit"],
    // r50k
    ["text-davinci-001", "r50k_base"],
    ["text-curie-001", "r50k_base"],
    ["davinci", "r50k_base"],
    ["curie", "r50k_base"],
    ["babbage", "r50k_base"],
    ["ada", "r50k_base"],
    ["text-similarity-ada-001", "r50k_base"],
    ["text-search-ada-query-001", "r50k_base"],
    ["code-search-babbage-code-001", "r50k_base"],
    // gpt2
    ["gpt2", "gpt2"],
    ["gpt-2", "gpt2"],
    // fine-tunes: ft:<base>:<org>:<name>:<id>
    ["ft:gpt-4o-2024-08-06:my-org::abc123", "o200k_base"],
    ["ft:gpt-4o-mini-2024-07-18:org:custom:9xYz", "o200k_base"],
    ["ft:gpt-4.1-2025-04-14:org::id", "o200k_base"],
    ["ft:gpt-4.1-mini-2025-04-14:org::id", "o200k_base"],
    ["ft:o4-mini-2025-04-16:org::id", "o200k_base"],
    ["ft:gpt-4-0613:org::id", "cl100k_base"],
    ["ft:gpt-3.5-turbo-0125:org:name:id", "cl100k_base"],
    ["ft:gpt-3.5-turbo:org::id", "cl100k_base"],
    ["ft:davinci-002:org::id", "cl100k_base"],
    ["ft:babbage-002:org::id", "cl100k_base"],
    ["ft:gpt-4o", "o200k_base"],
    ["ft:gpt-4oxyz:org", "o200k_base"], // by the "ft:gpt-4o" prefix, like tiktoken
    // legacy fine-tunes: <base>:ft-<org>-<date>
    ["davinci:ft-personal-2023-01-01-00-00-00", "r50k_base"],
    ["curie:ft-acme-2022-06-01-12-00-00", "r50k_base"],
  ];

  it.each(table)("%s → %s", (model, enc) => {
    expect(encodingNameForModel(model)).toBe(enc);
  });
});

describe("encodingNameForModel errors", () => {
  const unknown = [
    "",
    "gpt",
    "gpt-",
    "gpt-3",
    "GPT-4o", // case-sensitive, like tiktoken
    " gpt-4o",
    "gpt-4o ",
    "claude-3-opus",
    "o2",
    "o1x",
    "ft:",
    "ft:claude:org::id",
    "ft:ft:gpt-4o",
    "text-embedding-4",
    "toString",
    "__proto__",
    "hasOwnProperty",
    "constructor",
    "llama:ft-foo-2023",
  ];

  it.each(unknown)("%j throws UnknownModelError", (model) => {
    let err: unknown;
    try {
      encodingNameForModel(model);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownModelError);
    expect(err).toBeInstanceOf(TokenmillError);
    const e = err as UnknownModelError;
    expect(e.code).toBe("UNKNOWN_MODEL");
    expect(e.model).toBe(model);
    expect(e.message).toContain(JSON.stringify(model));
  });

  it("the error lists known names and prefixes", () => {
    let err: UnknownModelError | undefined;
    try {
      encodingNameForModel("no-such-model");
    } catch (e) {
      err = e as UnknownModelError;
    }
    expect(err).toBeDefined();
    expect(err!.known).toContain("gpt-4o");
    expect(err!.known).toContain("text-embedding-3-small");
    expect(err!.known).toContain("gpt-4o-*");
    expect(err!.known).toContain("ft:gpt-4*");
    expect(err!.message).toContain("gpt-3.5-turbo");
    expect(err!.message).toContain("gpt-35-turbo-*");
  });

  it("a non-string throws UnknownModelError, not a TypeError", () => {
    expect(() => encodingNameForModel(undefined as unknown as string)).toThrow(UnknownModelError);
    expect(() => encodingNameForModel(42 as unknown as string)).toThrow(UnknownModelError);
  });
});
