/**
 * A SentencePiece model as a HuggingFace tokenizer.json, built from HF components so that
 * `tokenizers` (and `fromTokenizerJson`) give SentencePiece's ids on ordinary text:
 *
 * - normalizer: Precompiled (the model's charsmap), then for `remove_extra_whitespaces` runs of
 *   spaces collapsed and the ends trimmed, then `add_dummy_prefix` as Prepend, then
 *   `escape_whitespaces` as Replace(" " → "▁"). No pre-tokenizer: SentencePiece segments the
 *   whole sentence at once.
 * - unigram: HF's Unigram with the same scores; a user-defined piece gets the score
 *   SentencePiece's Viterbi gives it (`length in bytes × max score − 0.1`), so it wins as there.
 * - BPE: HF's BPE with a merge for every split of a piece into two pieces, ordered by the
 *   merged piece's score (SentencePiece joins the pair whose result scores highest);
 *   user-defined pieces become added tokens (SentencePiece never merges them).
 * - control and unknown pieces are special added tokens (so decode can skip them); byte pieces
 *   and `byte_fallback` map to HF's byte_fallback; decoder: "▁" → " ", bytes, fuse, strip the
 *   first space.
 *
 * Where it differs (README, "SentencePiece"): HF's Precompiled takes the shortest charsmap key
 * grapheme by grapheme where spm takes the longest; HF sums unigram scores in doubles where spm
 * keeps floats (a near-tie per few thousand sentences may split differently); text that spells
 * a control, unknown or byte piece (`<s>`, `<unk>`, `<0x41>`) is that token in HF and ordinary
 * text in spm; decoding an unknown id gives "<unk>" in HF and " ⁇ " in spm.
 */
import { UnsupportedComponentError } from "../errors.js";
import { PieceType } from "./model-proto.js";
import type { SentencePieceTokenizer } from "./tokenizer.js";

function base64(bytes: Uint8Array): string {
  if (typeof Buffer !== "undefined") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

const FLT_MIN = 1.1754943508222875e-38;
const utf8 = new TextEncoder();

export function toTokenizerJsonObject(sp: SentencePieceTokenizer): Record<string, unknown> {
  const proto = sp.proto;
  const ns = proto.normalizerSpec;
  const ts = proto.trainerSpec;
  if (ts.treatWhitespaceAsSuffix) throw new UnsupportedComponentError("SentencePiece treat_whitespace_as_suffix", "no HF normalizer appends the space; convert a model without it");
  const ws = ns.escapeWhitespaces ? "\u2581" : " ";
  const normalizers: unknown[] = [];
  if (ns.precompiledCharsmap.length > 0) normalizers.push({ type: "Precompiled", precompiled_charsmap: base64(ns.precompiledCharsmap) });
  if (ns.removeExtraWhitespaces) {
    normalizers.push({ type: "Replace", pattern: { Regex: " {2,}" }, content: " " });
    normalizers.push({ type: "Replace", pattern: { Regex: "\\A +| +\\z" }, content: "" });
  }
  if (ns.addDummyPrefix) normalizers.push({ type: "Prepend", prepend: ws });
  if (ns.escapeWhitespaces) normalizers.push({ type: "Replace", pattern: { String: " " }, content: "\u2581" });

  const added: unknown[] = [];
  const addToken = (id: number, content: string, special: boolean): void => {
    added.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special });
  };
  proto.pieces.forEach((p, id) => {
    if (p.type === PieceType.CONTROL || p.type === PieceType.UNKNOWN) addToken(id, p.piece, true);
    else if (p.type === PieceType.USER_DEFINED && sp.modelType === "bpe") addToken(id, p.piece, false);
  });

  let model: Record<string, unknown>;
  if (sp.modelType === "unigram") {
    let max = FLT_MIN;
    for (const p of proto.pieces) if (p.type === PieceType.NORMAL && p.score > max) max = p.score;
    const vocab = proto.pieces.map((p) => [p.piece, p.type === PieceType.USER_DEFINED ? Math.fround(utf8.encode(p.piece).length * max) - 0.1 : p.score]);
    model = { type: "Unigram", unk_id: sp.unkId, vocab, byte_fallback: ts.byteFallback };
  } else {
    const vocab: Record<string, number> = {};
    proto.pieces.forEach((p, id) => (vocab[p.piece] = id));
    const mergeable = (t: PieceType): boolean => t === PieceType.NORMAL || t === PieceType.USER_DEFINED || t === PieceType.UNUSED;
    const pieceIds = new Map<string, number>();
    proto.pieces.forEach((p, id) => {
      if (mergeable(p.type)) pieceIds.set(p.piece, id);
    });
    const merges: Array<[string, string, number, number, number]> = [];
    proto.pieces.forEach((p, id) => {
      if (p.type !== PieceType.NORMAL && p.type !== PieceType.UNUSED) return;
      const cps = [...p.piece];
      for (let k = 1; k < cps.length; k++) {
        const a = cps.slice(0, k).join("");
        const b = cps.slice(k).join("");
        const ia = pieceIds.get(a);
        const ib = pieceIds.get(b);
        if (ia !== undefined && ib !== undefined) merges.push([a, b, p.score, id, ia]);
      }
    });
    // highest score first (SentencePiece's agenda), then by id of the result and of the left part
    merges.sort((x, y) => y[2] - x[2] || x[3] - y[3] || x[4] - y[4]);
    model = {
      type: "BPE",
      dropout: null,
      unk_token: proto.pieces[sp.unkId]!.piece,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: ts.byteFallback,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => [a, b]),
    };
  }
  const decoders: unknown[] = [{ type: "Replace", pattern: { String: ts.unkPiece }, content: ts.unkSurface }];
  if (ns.escapeWhitespaces) decoders.push({ type: "Replace", pattern: { String: "\u2581" }, content: " " });
  if (ts.byteFallback) decoders.push({ type: "ByteFallback" });
  decoders.push({ type: "Fuse" });
  if (ns.addDummyPrefix || ns.removeExtraWhitespaces) decoders.push({ type: "Strip", content: " ", start: 1, stop: 0 });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: normalizers.length === 0 ? null : { type: "Sequence", normalizers },
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: "Sequence", decoders },
    model,
  };
}
