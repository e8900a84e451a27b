/** HF's WordPiece model (tokenizers/src/models/wordpiece/mod.rs): greedy longest-match-first. */
import { InvalidArgumentError } from "../../errors.js";
import { checkWordPieceFields, vocabMap } from "../json-checks.js";
import { utf8Len, type ModelOutput, type TokenModel } from "./model.js";

type Json = Record<string, unknown>;

export class WordPieceModel implements TokenModel {
  private readonly vocab: Map<string, number>;
  private readonly vocabR: string[] = [];
  private readonly unk: string;
  private readonly prefix: string;
  private readonly maxChars: number;
  readonly vocabSize: number;

  constructor(j: Json) {
    checkWordPieceFields(j);
    this.vocab = vocabMap(j.vocab, "model.vocab");
    for (const [t, id] of this.vocab) this.vocabR[id] = t;
    this.vocabSize = this.vocab.size;
    this.unk = String(j.unk_token ?? "[UNK]");
    this.prefix = String(j.continuing_subword_prefix ?? "##");
    this.maxChars = Number(j.max_input_chars_per_word ?? 100);
  }

  tokenToId(t: string): number | undefined {
    return this.vocab.get(t);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }

  private unkOut(piece: string, out: ModelOutput): void {
    const id = this.vocab.get(this.unk);
    if (id === undefined) throw new InvalidArgumentError(`tokenizer.json: WordPiece unk_token ${JSON.stringify(this.unk)} is not in the vocab`);
    out.ids.push(id);
    out.offs.push(0, utf8Len(piece));
  }

  tokenize(piece: string, _byteLevel: boolean, out: ModelOutput): void {
    if ([...piece].length > this.maxChars) return this.unkOut(piece, out);
    const ids: number[] = [];
    const offs: number[] = [];
    let start = 0;
    let bstart = 0;
    while (start < piece.length) {
      let end = piece.length;
      let found = -1;
      while (start < end) {
        const sub = start > 0 ? this.prefix + piece.slice(start, end) : piece.slice(start, end);
        const id = this.vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        const lo = piece.charCodeAt(end - 1);
        end -= lo >= 0xdc00 && lo <= 0xdfff && end - 2 >= start ? 2 : 1;
      }
      if (found < 0) return this.unkOut(piece, out);
      const blen = utf8Len(piece.slice(start, end));
      ids.push(found);
      offs.push(bstart, bstart + blen);
      bstart += blen;
      start = end;
    }
    for (let k = 0; k < ids.length; k++) out.ids.push(ids[k]!);
    for (const o of offs) out.offs.push(o);
  }
}
