/**
 * Model name → encoding name.
 *
 * Sources: tiktoken (Python) `MODEL_TO_ENCODING` / `MODEL_PREFIX_TO_ENCODING`, the `tiktoken` npm
 * package's `model_to_encoding.json`, and gpt-tokenizer's model map. Where those disagree with
 * what OpenAI actually serves, OpenAI wins (see the notes on fine-tunes below).
 *
 * Resolution order:
 * 1. exact name (`MODEL_TO_ENCODING`);
 * 2. fine-tunes: `ft:<base>:<org>:<suffix>:<id>` resolves `<base>`; legacy
 *    `<base>:ft-<org>-<date>` resolves `<base>` (exact names only);
 * 3. the longest matching prefix in `MODEL_PREFIX_TO_ENCODING` (so `gpt-4o-…` is o200k_base even
 *    though `gpt-4-` is cl100k_base, and `ft:gpt-4o…` beats `ft:gpt-4`);
 * 4. otherwise `UnknownModelError`.
 * Matching is case-sensitive, like tiktoken.
 */
import { UnknownModelError } from "../errors.js";

export const ENCODING_NAMES = [
  "o200k_base",
  "o200k_harmony",
  "cl100k_base",
  "p50k_base",
  "p50k_edit",
  "r50k_base",
  "gpt2",
] as const;

export type EncodingName = (typeof ENCODING_NAMES)[number];

/** Names of the built-in encodings. */
export function listEncodings(): string[] {
  return [...ENCODING_NAMES];
}

const ENCODING_SET: ReadonlySet<string> = new Set(ENCODING_NAMES);

export function isEncodingName(x: unknown): x is EncodingName {
  return typeof x === "string" && ENCODING_SET.has(x);
}

/** Exact model names. */
export const MODEL_TO_ENCODING: Readonly<Record<string, EncodingName>> = Object.freeze({
  // reasoning
  o1: "o200k_base",
  "o1-2024-12-17": "o200k_base",
  "o1-mini": "o200k_base",
  "o1-mini-2024-09-12": "o200k_base",
  "o1-preview": "o200k_base",
  "o1-preview-2024-09-12": "o200k_base",
  "o1-pro": "o200k_base",
  "o1-pro-2025-03-19": "o200k_base",
  o3: "o200k_base",
  "o3-2025-04-16": "o200k_base",
  "o3-mini": "o200k_base",
  "o3-mini-2025-01-31": "o200k_base",
  "o3-pro": "o200k_base",
  "o3-deep-research": "o200k_base",
  "o4-mini": "o200k_base",
  "o4-mini-2025-04-16": "o200k_base",
  "o4-mini-deep-research": "o200k_base",
  "codex-mini-latest": "o200k_base",
  // chat
  "gpt-5": "o200k_base",
  "gpt-5-2025-08-07": "o200k_base",
  "gpt-5-mini": "o200k_base",
  "gpt-5-mini-2025-08-07": "o200k_base",
  "gpt-5-nano": "o200k_base",
  "gpt-5-nano-2025-08-07": "o200k_base",
  "gpt-5-chat-latest": "o200k_base",
  "gpt-5-codex": "o200k_base",
  "gpt-5-pro": "o200k_base",
  "gpt-4.5": "o200k_base",
  "gpt-4.5-preview": "o200k_base",
  "gpt-4.5-preview-2025-02-27": "o200k_base",
  "gpt-4.1": "o200k_base",
  "gpt-4.1-2025-04-14": "o200k_base",
  "gpt-4.1-mini": "o200k_base",
  "gpt-4.1-mini-2025-04-14": "o200k_base",
  "gpt-4.1-nano": "o200k_base",
  "gpt-4.1-nano-2025-04-14": "o200k_base",
  "gpt-4o": "o200k_base",
  "gpt-4o-2024-05-13": "o200k_base",
  "gpt-4o-2024-08-06": "o200k_base",
  "gpt-4o-2024-11-20": "o200k_base",
  "gpt-4o-mini": "o200k_base",
  "gpt-4o-mini-2024-07-18": "o200k_base",
  "gpt-4o-realtime": "o200k_base",
  "chatgpt-4o-latest": "o200k_base",
  "gpt-realtime": "o200k_base",
  "gpt-audio": "o200k_base",
  "computer-use-preview": "o200k_base",
  "gpt-4": "cl100k_base",
  "gpt-4-0314": "cl100k_base",
  "gpt-4-0613": "cl100k_base",
  "gpt-4-32k": "cl100k_base",
  "gpt-4-32k-0314": "cl100k_base",
  "gpt-4-32k-0613": "cl100k_base",
  "gpt-4-turbo": "cl100k_base",
  "gpt-4-turbo-2024-04-09": "cl100k_base",
  "gpt-4-turbo-preview": "cl100k_base",
  "gpt-4-1106-preview": "cl100k_base",
  "gpt-4-0125-preview": "cl100k_base",
  "gpt-4-vision-preview": "cl100k_base",
  "gpt-4-1106-vision-preview": "cl100k_base",
  "gpt-3.5-turbo": "cl100k_base",
  "gpt-3.5-turbo-0301": "cl100k_base",
  "gpt-3.5-turbo-0613": "cl100k_base",
  "gpt-3.5-turbo-1106": "cl100k_base",
  "gpt-3.5-turbo-0125": "cl100k_base",
  "gpt-3.5-turbo-16k": "cl100k_base",
  "gpt-3.5-turbo-16k-0613": "cl100k_base",
  "gpt-3.5-turbo-instruct": "cl100k_base",
  "gpt-3.5-turbo-instruct-0914": "cl100k_base",
  "gpt-3.5": "cl100k_base", // common shorthand
  "gpt-3.5-0301": "cl100k_base",
  "gpt-35-turbo": "cl100k_base", // Azure deployment name
  // base
  "davinci-002": "cl100k_base",
  "babbage-002": "cl100k_base",
  // embeddings
  "text-embedding-ada-002": "cl100k_base",
  "text-embedding-3-small": "cl100k_base",
  "text-embedding-3-large": "cl100k_base",
  // text (deprecated)
  "text-davinci-003": "p50k_base",
  "text-davinci-002": "p50k_base",
  "text-davinci-001": "r50k_base",
  "text-curie-001": "r50k_base",
  "text-babbage-001": "r50k_base",
  "text-ada-001": "r50k_base",
  davinci: "r50k_base",
  curie: "r50k_base",
  babbage: "r50k_base",
  ada: "r50k_base",
  // code (deprecated)
  "code-davinci-002": "p50k_base",
  "code-davinci-001": "p50k_base",
  "code-cushman-002": "p50k_base",
  "code-cushman-001": "p50k_base",
  "davinci-codex": "p50k_base",
  "cushman-codex": "p50k_base",
  // edit (deprecated)
  "text-davinci-edit-001": "p50k_edit",
  "code-davinci-edit-001": "p50k_edit",
  // old embeddings (deprecated)
  "text-similarity-davinci-001": "r50k_base",
  "text-similarity-curie-001": "r50k_base",
  "text-similarity-babbage-001": "r50k_base",
  "text-similarity-ada-001": "r50k_base",
  "text-search-davinci-doc-001": "r50k_base",
  "text-search-curie-doc-001": "r50k_base",
  "text-search-babbage-doc-001": "r50k_base",
  "text-search-ada-doc-001": "r50k_base",
  "text-search-davinci-query-001": "r50k_base",
  "text-search-curie-query-001": "r50k_base",
  "text-search-babbage-query-001": "r50k_base",
  "text-search-ada-query-001": "r50k_base",
  "code-search-babbage-code-001": "r50k_base",
  "code-search-ada-code-001": "r50k_base",
  "code-search-babbage-text-001": "r50k_base",
  "code-search-ada-text-001": "r50k_base",
  // open weights
  gpt2: "gpt2",
  "gpt-2": "gpt2",
  "gpt-oss-20b": "o200k_harmony",
  "gpt-oss-120b": "o200k_harmony",
});

/** Prefixes; the longest one that matches wins. */
export const MODEL_PREFIX_TO_ENCODING: Readonly<Record<string, EncodingName>> = Object.freeze({
  "o1-": "o200k_base",
  "o3-": "o200k_base",
  "o4-": "o200k_base", // o4-mini-…, o4-mini-deep-research-…
  "gpt-5-": "o200k_base",
  "gpt-5.": "o200k_base", // gpt-5.1, gpt-5.2-codex, …
  "gpt-4.5-": "o200k_base",
  "gpt-4.1-": "o200k_base",
  "chatgpt-4o-": "o200k_base",
  "gpt-4o-": "o200k_base", // gpt-4o-2024-05-13, gpt-4o-mini-…, gpt-4o-realtime-preview-…
  "gpt-realtime-": "o200k_base",
  "gpt-audio-": "o200k_base",
  "computer-use-preview-": "o200k_base",
  "gpt-4-": "cl100k_base", // gpt-4-0314, gpt-4-32k, gpt-4-turbo-…
  "gpt-3.5-turbo-": "cl100k_base", // gpt-3.5-turbo-0301, …
  "gpt-35-turbo-": "cl100k_base", // Azure deployment names
  "gpt-oss-": "o200k_harmony",
  // fine-tuned (only reached when the base model between "ft:" and the next ":" is not itself known)
  "ft:gpt-5": "o200k_base",
  "ft:gpt-4.1": "o200k_base",
  "ft:gpt-4o": "o200k_base",
  "ft:o4-mini": "o200k_base",
  "ft:gpt-4": "cl100k_base",
  "ft:gpt-3.5-turbo": "cl100k_base",
  "ft:davinci-002": "cl100k_base",
  "ft:babbage-002": "cl100k_base",
});

// Longest first, so the first hit is the longest matching prefix.
const PREFIXES: readonly string[] = Object.keys(MODEL_PREFIX_TO_ENCODING).sort((a, b) => b.length - a.length);

function lookup(model: string): EncodingName | undefined {
  if (Object.prototype.hasOwnProperty.call(MODEL_TO_ENCODING, model)) return MODEL_TO_ENCODING[model];
  for (const p of PREFIXES) if (model.startsWith(p)) return MODEL_PREFIX_TO_ENCODING[p];
  return undefined;
}

/** The encoding OpenAI uses for `model`; throws `UnknownModelError` for names it does not know. */
export function encodingNameForModel(model: string): EncodingName {
  if (typeof model === "string") {
    if (Object.prototype.hasOwnProperty.call(MODEL_TO_ENCODING, model)) return MODEL_TO_ENCODING[model]!;
    // Fine-tune: ft:<base>:<org>:<name>:<id> → the base model's encoding.
    if (model.startsWith("ft:")) {
      const end = model.indexOf(":", 3);
      const base = model.slice(3, end < 0 ? undefined : end);
      if (base !== "" && !base.startsWith("ft:")) {
        const enc = lookup(base);
        if (enc !== undefined) return enc;
      }
    } else {
      // Legacy fine-tune: <base>:ft-<org>-<date> (davinci, curie, babbage, ada).
      const colon = model.indexOf(":");
      if (colon > 0 && model.startsWith(":ft-", colon)) {
        const base = model.slice(0, colon);
        if (Object.prototype.hasOwnProperty.call(MODEL_TO_ENCODING, base)) return MODEL_TO_ENCODING[base]!;
      }
    }
    for (const p of PREFIXES) if (model.startsWith(p)) return MODEL_PREFIX_TO_ENCODING[p]!;
  }
  throw new UnknownModelError(String(model), knownModelsAndPrefixes());
}

/** Every exact name, then every prefix written as `prefix*`; used in error messages. */
export function knownModelsAndPrefixes(): string[] {
  return [...Object.keys(MODEL_TO_ENCODING), ...Object.keys(MODEL_PREFIX_TO_ENCODING).map((p) => `${p}*`)];
}
