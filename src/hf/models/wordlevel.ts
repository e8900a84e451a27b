/**
 * HF's WordLevel model (tokenizers/src/models/wordlevel/mod.rs): each pre-token is one token,
 * its vocab id or else `unk_token`'s (a text with an unknown word and no unk in the vocab is an
 * error, as in HF). Used by word-level tokenizers (e.g. trained with WordLevelTrainer).
 */
import { InvalidArgumentError } from "../../errors.js";
import { BYTE_TO_CHAR } from "../byte-level.js";
import { utf8Len, type ModelOutput, type TokenModel } from "./model.js";

type Json = Record<string, unknown>;

const utf8 = new TextEncoder();

export class WordLevelModel implements TokenModel {
  private readonly vocab = new Map<string, number>();
  private readonly vocabR = new Map<number, string>();
  private readonly unk: string;
  readonly vocabSize: number;

  constructor(j: Json) {
    const v = j.vocab as Record<string, number> | undefined;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new InvalidArgumentError("tokenizer.json: WordLevel model without a vocab object");
    for (const t of Object.keys(v)) {
      const id = v[t];
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 0xffffffff) {
        throw new InvalidArgumentError(`tokenizer.json: WordLevel vocab entry ${JSON.stringify(t)} has id ${JSON.stringify(id)}, not an unsigned integer`);
      }
      this.vocab.set(t, id);
      // HF builds the reverse map by iterating its hash map: with two tokens on one id the
      // winner is arbitrary there; here the later entry.
      this.vocabR.set(id, t);
    }
    this.vocabSize = this.vocab.size;
    this.unk = j.unk_token == null ? "<unk>" : String(j.unk_token);
  }

  tokenToId(t: string): number | undefined {
    return this.vocab.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR.get(id);
  }

  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void {
    // after a ByteLevel pre-tokenizer the model sees the word in GPT-2's byte alphabet
    const word = byteLevel ? toByteLevel(piece) : piece;
    const id = this.vocab.get(word) ?? this.vocab.get(this.unk);
    if (id === undefined) {
      throw new InvalidArgumentError(
        `tokenizer.json: WordLevel has no token for ${JSON.stringify(word.slice(0, 100))} and its unk_token ${JSON.stringify(this.unk)} is not in the vocab`,
      );
    }
    out.ids.push(id);
    out.offs.push(0, utf8Len(piece));
  }
}

function toByteLevel(s: string): string {
  let r = "";
  for (const b of utf8.encode(s)) r += BYTE_TO_CHAR[b]!;
  return r;
}
