// The tokenizer a count/encode/decode run uses: a built-in encoding (-e, -m) or a
// tokenizer.json (-t), behind one small interface.

import { fromTokenizerJsonSync, getEncodingSync } from "../index.js";
import { UnknownEncodingError } from "../errors.js";
import { ENCODING_NAMES, encodingNameForModel, isEncodingName } from "../openai/models.js";
import type { Options } from "./args.js";
import { describeFsError, nodeFs } from "./io.js";

export const DEFAULT_ENCODING = "o200k_base";

/** What the CLI needs from an `Encoding` (structural, so it stays in step with `src/index.ts`). */
export interface CliEncoding {
  readonly name: string;
  readonly specialTokens: Record<string, number>;
  encode(
    text: string,
    opts?: { allowedSpecial?: "all" | Iterable<string>; disallowedSpecial?: "all" | Iterable<string> },
  ): Uint32Array;
  count(
    text: string,
    opts?: { allowedSpecial?: "all" | Iterable<string>; disallowedSpecial?: "all" | Iterable<string> },
  ): number;
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
}

/** The encode options for --special none|all. */
export function encodeOptions(special: "none" | "all") {
  return special === "all"
    ? { allowedSpecial: "all" as const }
    : { allowedSpecial: [] as string[], disallowedSpecial: [] as string[] };
}

export function resolveEncoding(o: Options): CliEncoding {
  let name: string = DEFAULT_ENCODING;
  if (o.model !== undefined) name = encodingNameForModel(o.model);
  else if (o.encoding !== undefined) {
    if (!isEncodingName(o.encoding)) throw new UnknownEncodingError(o.encoding, ENCODING_NAMES);
    name = o.encoding;
  }
  return getEncodingSync(name) as CliEncoding;
}

/** A tokenizer.json behind the CLI's encoding interface (`--special all` = add special tokens). */
export async function loadTokenizerJson(path: string): Promise<CliEncoding> {
  const fs = await nodeFs();
  let json: string;
  try {
    json = await fs.promises.readFile(path, "utf8");
  } catch (e) {
    throw describeFsError(path, e);
  }
  const tok = fromTokenizerJsonSync(json);
  const utf8 = new TextEncoder();
  return {
    name: path,
    specialTokens: tok.specialTokens,
    encode: (t, opts) => tok.encode(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    count: (t, opts) => tok.count(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    decodeBytes: (ids) => utf8.encode(tok.decode(ids)),
  };
}

