/**
 * Loading HuggingFace `tokenizer.json` files: `fromTokenizerJson` / `fromTokenizerJsonSync`.
 * See docs/HF.md.
 */
import { InvalidArgumentError } from "../errors.js";
import { HfTokenizer, wantsWasm, type TokenizerJsonOptions } from "./tokenizer.js";
import { compileHfWasm } from "./wasm-bpe.js";
import { scanTokenizerJson, SCAN_MIN_CHARS } from "./json-scan.js";

export {
  HfTokenizer,
  type TokenizerJsonOptions,
  type HfEncodeOptions,
  type HfDecodeOptions,
  type EncodingWithOffsets,
} from "./tokenizer.js";
export type { HfEncoding } from "./encoding.js";
export type { HfTruncationOptions } from "./truncation.js";
export type { HfPaddingOptions } from "./padding.js";
export type { HfStreamOptions } from "./stream.js";

export type TokenizerJsonSource = string | object | Uint8Array | ArrayBuffer;

function parse(src: TokenizerJsonSource): Record<string, unknown> {
  let text: string | undefined;
  if (typeof src === "string") text = src;
  else if (src instanceof Uint8Array) text = new TextDecoder().decode(src);
  else if (src instanceof ArrayBuffer) text = new TextDecoder().decode(new Uint8Array(src));
  else if (src && typeof src === "object") return src as Record<string, unknown>;
  else throw new InvalidArgumentError(`fromTokenizerJson: expected the JSON text, bytes or parsed object, got ${src === null ? "null" : typeof src}`);
  try {
    // a large file: its vocab read straight into a Map (json-scan.ts), else parsed whole
    return (text.length >= SCAN_MIN_CHARS ? scanTokenizerJson(text) : undefined) ?? (JSON.parse(text) as Record<string, unknown>);
  } catch (e) {
    throw new InvalidArgumentError(`fromTokenizerJson: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * A tokenizer from the contents of a `tokenizer.json` (text, bytes, parsed object, or a fetch
 * `Response`). Throws UnsupportedComponentError naming any component it does not implement.
 * @example
 *   const tok = await fromTokenizerJson(await fs.promises.readFile("tokenizer.json", "utf8"));
 *   tok.encode("Hello world"); // Llama 3: Uint32Array [128000, 9906, 1917]
 */
export async function fromTokenizerJson(
  json: TokenizerJsonSource | Response,
  options?: TokenizerJsonOptions,
): Promise<HfTokenizer> {
  if (typeof Response !== "undefined" && json instanceof Response) json = await json.text();
  const opts: TokenizerJsonOptions = { ...options };
  // compile the WASM core asynchronously (browsers refuse large synchronous compiles on the main thread)
  if (opts.wasmModule === undefined && wantsWasm(opts)) opts.wasmModule = await compileHfWasm();
  return new HfTokenizer(parse(json as TokenizerJsonSource), opts);
}

/** Synchronous `fromTokenizerJson` (no `Response`). */
export function fromTokenizerJsonSync(json: TokenizerJsonSource, options?: TokenizerJsonOptions): HfTokenizer {
  return new HfTokenizer(parse(json), options);
}
