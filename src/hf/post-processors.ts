/**
 * tokenizer.json post-processors for one sequence or a pair, with type ids, masks and overflowing
 * parts (tokenizers/src/processors/{template,bert,roberta,byte_level,sequence}.rs): a processor
 * maps the list of sequence encodings to a list of parts, which are then merged in order
 * (HF's `PostProcessor::process`).
 *
 * The single-sequence ids/offsets path of src/hf/tokenizer.ts (`encode`, `count`,
 * `encodeWithOffsets` without pairs, truncation or padding) keeps its own lean post-processor;
 * test/hf-pairs.test.ts checks both against the reference.
 */
import { InvalidArgumentError, UnsupportedComponentError } from "../errors.js";
import { cloneEnc, mergeAll, specialEnc, type SeqEnc } from "./encoding.js";
import { CodePointPositions } from "./normalized.js";
import { isWhitespace } from "./normalizers.js";
import { BYTE_TO_CHAR } from "./byte-level.js";
import type { Enc } from "./tokenizer.js";

type Json = Record<string, unknown>;

/** Token strings, for offset trimming. */
export interface TokenStrings {
  tokenString(id: number): string;
  /**
   * Whether HF's token string for id is the text it covers, not its vocab string: an added
   * token with lstrip or rstrip (the whitespace it took in included), Unigram's unk (the
   * unknown chars).
   */
  tokenIsItsText?(id: number): boolean;
}

export interface Processor {
  /** Tokens the processor adds (HF `added_tokens(is_pair)`), taken off max_length before truncation. */
  addedTokens(isPair: boolean): number;
  /** HF `process_encodings`: the sequence encodings → the parts to merge. */
  processEncodings(encs: SeqEnc[], add: boolean, tok: TokenStrings): SeqEnc[];
}

function trimEnc(e: SeqEnc, addPrefixSpace: boolean, tok: TokenStrings): void {
  const t = trimOffsets({ ids: e.ids, offs: e.offs }, addPrefixSpace, tok, e.text);
  e.offs = t.offs;
  for (const o of e.overflowing) trimEnc(o, addPrefixSpace, tok);
}

interface TemplatePiece {
  seq: 0 | 1 | -1;
  typeId: number;
  ids: number[];
}

function typeIdOf(v: unknown, where: string): number {
  const n = v ?? 0;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError(`tokenizer.json: ${where} type_id ${JSON.stringify(v)} is not an unsigned integer`);
  }
  return n;
}

function parseTemplate(list: unknown, specials: Record<string, { ids?: unknown }>, which: string): TemplatePiece[] {
  if (!Array.isArray(list)) throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing ${which} template is not a list`);
  return list.map((item: Json) => {
    const seq = item?.Sequence as Json | undefined;
    if (seq) {
      if (seq.id !== "A" && seq.id !== "B") throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing ${which} template names sequence ${JSON.stringify(seq.id)} (A or B)`);
      return { seq: seq.id === "A" ? 0 : 1, typeId: typeIdOf(seq.type_id, `TemplateProcessing ${which}`), ids: [] };
    }
    const st = item?.SpecialToken as Json | undefined;
    if (!st) throw new UnsupportedComponentError(`TemplateProcessing piece ${JSON.stringify(item)}`);
    const sp = specials[String(st.id)];
    if (!sp) throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing uses ${JSON.stringify(st.id)}, missing from special_tokens`);
    const ids = sp.ids;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "number" || !Number.isInteger(x) || x < 0)) {
      throw new InvalidArgumentError(`tokenizer.json: TemplateProcessing special token ${JSON.stringify(st.id)} has no list of ids`);
    }
    return { seq: -1, typeId: typeIdOf(st.type_id, `TemplateProcessing ${which}`), ids: ids as number[] };
  }) as TemplatePiece[];
}

/** A single template naming sequence B: HF indexes past its one encoding (a panic). */
export function singleWithB(): InvalidArgumentError {
  return new InvalidArgumentError("tokenizer.json: the TemplateProcessing single template uses sequence B, so it cannot encode one sequence (HF panics)");
}

/** Builds the post-processor of a tokenizer.json (null: HF's default, which only merges). */
export function buildProcessor(j: Json | null | undefined): Processor | null {
  if (j == null) return null;
  switch (j.type) {
    case "Sequence": {
      const ps = ((j.processors as Json[]) ?? []).map(buildProcessor).filter((p): p is Processor => p !== null);
      return {
        addedTokens: (pair) => ps.reduce((n, p) => n + p.addedTokens(pair), 0),
        processEncodings: (encs, add, tok) => ps.reduce((acc, p) => p.processEncodings(acc, add, tok), encs),
      };
    }
    case "ByteLevel": {
      const trim = j.trim_offsets !== false;
      const prefix = j.add_prefix_space !== false;
      return {
        addedTokens: () => 0,
        processEncodings: (encs, _add, tok) => {
          if (trim) for (const e of encs) trimEnc(e, prefix, tok);
          return encs;
        },
      };
    }
    case "TemplateProcessing": {
      const specials = (j.special_tokens as Record<string, { ids?: unknown }>) ?? {};
      const single = parseTemplate(j.single ?? [], specials, "single");
      const pair = j.pair == null ? null : parseTemplate(j.pair, specials, "pair");
      const count = (t: TemplatePiece[]) => t.reduce((n, p) => n + p.ids.length, 0);
      const nSingle = count(single);
      const nPair = pair === null ? 0 : count(pair);
      return {
        addedTokens: (isPair) => (isPair ? nPair : nSingle),
        processEncodings: (encs, add) => {
          const t = encs.length === 2 ? pair : single;
          if (t === null) throw new InvalidArgumentError("tokenizer.json: TemplateProcessing has no pair template, so it cannot encode a pair");
          if (encs.length === 1 && t.some((p) => p.seq === 1)) throw singleWithB();
          const out: SeqEnc[] = [];
          for (const p of t) {
            if (p.seq >= 0) {
              // HF sets the type ids of the encoding itself, not of its overflowing parts
              const e = encs[p.seq]!;
              e.typeIds = new Array<number>(e.ids.length).fill(p.typeId);
              out.push(cloneEnc(e));
            } else if (add) out.push(specialEnc(p.ids, p.typeId));
          }
          return out;
        },
      };
    }
    case "BertProcessing":
    case "RobertaProcessing": {
      const cls = (j.cls as [string, number] | undefined)?.[1];
      const sep = (j.sep as [string, number] | undefined)?.[1];
      if (typeof cls !== "number" || typeof sep !== "number") throw new InvalidArgumentError(`tokenizer.json: ${String(j.type)} needs cls and sep as [token, id]`);
      const roberta = j.type === "RobertaProcessing";
      const trim = roberta && j.trim_offsets !== false;
      const prefix = j.add_prefix_space !== false;
      // One sequence (or one of its overflowing parts) between its special tokens. BERT:
      // [CLS] A [SEP] with type id 0, B [SEP] with B's own type ids and 1; RoBERTa: <s> A </s>,
      // </s> B </s>, every type id 0.
      const wrap = (e: SeqEnc, first: boolean): SeqEnc => {
        const typeId = roberta || first ? 0 : 1;
        return mergeAll([
          specialEnc(first ? [cls] : roberta ? [sep] : [], typeId),
          { ...e, typeIds: roberta ? new Array<number>(e.ids.length).fill(0) : e.typeIds, overflowing: [] },
          specialEnc([sep], typeId),
        ]);
      };
      return {
        addedTokens: (isPair) => (isPair ? (roberta ? 4 : 3) : 2),
        processEncodings: (encs, add, tok) => {
          if (trim) for (const e of encs) trimEnc(e, prefix, tok);
          // RoBERTa sets every sequence's own type ids to 0 (not its overflowing parts')
          if (roberta) for (const e of encs) e.typeIds = new Array<number>(e.ids.length).fill(0);
          if (!add) return encs;
          return encs.map((e, i) => {
            const w = wrap(e, i === 0);
            w.overflowing = e.overflowing.map((o) => wrap(o, i === 0));
            return w;
          });
        },
      };
    }
    default:
      throw new UnsupportedComponentError(`post-processor ${JSON.stringify(j.type)}`);
  }
}


const G_SPACE = BYTE_TO_CHAR[0x20]!;

/**
 * HF `process_offsets` (byte_level.rs): trim offsets of leading/trailing (byte-level) spaces.
 * HF counts the spaces in chars of the token string and moves the offsets, which are char (code
 * point) offsets at that stage, by that many code points.
 */
export function trimOffsets(e: Enc, addPrefixSpace: boolean, tok: TokenStrings, text: string): Enc {
  if (e.offs.length !== 2 * e.ids.length) return e; // encode without offsets
  const offs = e.offs.slice();
  const pos = new CodePointPositions(text);
  for (let k = 0; k < e.ids.length; k++) {
    const id = e.ids[k]!;
    const chars = [...(tok.tokenIsItsText?.(id) === true ? text.slice(offs[2 * k]!, offs[2 * k + 1]!) : tok.tokenString(id))];
    const sp = (c: string) => c === G_SPACE || isWhitespace(c.codePointAt(0)!);
    let lead = 0;
    while (lead < chars.length && sp(chars[lead]!)) lead++;
    let trail = 0;
    while (trail < chars.length && sp(chars[chars.length - 1 - trail]!)) trail++;
    if (lead === 0 && trail === 0) continue;
    const s0 = offs[2 * k]!;
    let s = pos.toCodePoint(s0);
    let t = pos.toCodePoint(offs[2 * k + 1]!);
    if (lead > 0) {
      const isFirst = k === 0 || s0 === 0;
      if (isFirst && addPrefixSpace && lead === 1) lead = 0;
      s = Math.min(s + lead, t);
    }
    if (trail > 0 && t >= trail) t = Math.max(t - trail, s);
    offs[2 * k] = pos.toUnit(s);
    offs[2 * k + 1] = pos.toUnit(t);
  }
  return { ids: e.ids, offs };
}
