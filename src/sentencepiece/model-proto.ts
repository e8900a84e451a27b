/**
 * The SentencePiece model file (`.model`): a serialized `sentencepiece.ModelProto`
 * (sentencepiece_model.proto, proto2). Read with a small wire-format reader of our own rather
 * than a protobuf library: the file needs four wire types and a dozen fields, the reader is
 * ~100 lines with no dependency, and unknown fields are skipped as proto2 requires.
 *
 * Field numbers (sentencepiece_model.proto):
 *   ModelProto      1 pieces (repeated SentencePiece), 2 trainer_spec, 3 normalizer_spec,
 *                   5 denormalizer_spec
 *   SentencePiece   1 piece (string), 2 score (float), 3 type (enum, default NORMAL)
 *   TrainerSpec     3 model_type, 24 treat_whitespace_as_suffix, 35 byte_fallback,
 *                   44 unk_surface, 45..48 unk/bos/eos/pad piece, 40..43 their ids
 *   NormalizerSpec  1 name, 2 precompiled_charsmap, 3 add_dummy_prefix, 4 remove_extra_whitespaces,
 *                   5 escape_whitespaces (the three default true)
 */
import { VocabFormatError } from "../errors.js";

/** `ModelProto.SentencePiece.Type`. */
export const enum PieceType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

/** `TrainerSpec.ModelType`. */
export const enum ModelType {
  UNIGRAM = 1,
  BPE = 2,
  WORD = 3,
  CHAR = 4,
}

export interface SpPiece {
  piece: string;
  /** The float32 score, widened to a double exactly. */
  score: number;
  type: PieceType;
}

export interface SpNormalizerSpec {
  name: string;
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SpTrainerSpec {
  modelType: ModelType;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkSurface: string;
  unkPiece: string;
  bosPiece: string;
  eosPiece: string;
  padPiece: string;
}

export interface SpModelProto {
  pieces: SpPiece[];
  trainerSpec: SpTrainerSpec;
  normalizerSpec: SpNormalizerSpec;
  /** Present in files whose trainer had a denormalization rule (rare). */
  denormalizerSpec: SpNormalizerSpec | null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // a piece may begin with U+FEFF

/** A cursor over protobuf wire format. Every read is bounds-checked: a truncated file throws. */
class Wire {
  pos: number;
  constructor(readonly b: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }

  fail(what: string): never {
    throw new VocabFormatError(`SentencePiece model: ${what} at byte ${this.pos}`);
  }

  /** A varint as a double: exact up to 2^53 (lengths, keys, booleans, enums). */
  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const c = this.b[this.pos++]!;
      v += (c & 0x7f) * scale;
      if (c < 0x80) return v;
      scale *= 128;
    }
    this.fail("varint longer than 10 bytes");
  }

  /** An int32 field: its low 32 bits, signed (a negative int32 is sign-extended to 10 bytes). */
  int32(): number {
    let v = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const c = this.b[this.pos++]!;
      if (i < 5) v |= (c & 0x7f) << (7 * i);
      if (c < 0x80) return v | 0;
    }
    this.fail("varint longer than 10 bytes");
  }

  float(): number {
    if (this.pos + 4 > this.end) this.fail("truncated float");
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.end) this.fail("length past the end of its message");
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const at = this.pos;
    const v = this.bytes();
    try {
      return utf8.decode(v);
    } catch {
      this.pos = at;
      this.fail("a string field that is not UTF-8");
    }
  }

  /** A length-delimited sub-message: a cursor over its bytes. */
  message(): Wire {
    const v = this.bytes();
    return new Wire(this.b, v.byteOffset - this.b.byteOffset, v.byteOffset - this.b.byteOffset + v.length);
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else this.fail(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) this.fail("field past the end of its message");
  }

  /** Calls `f(field, wireType)` for each field; `f` returns false to have it skipped. */
  fields(f: (field: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wt = key % 8;
      if (field === 0) this.fail("field number 0");
      if (!f(field, wt)) this.skip(wt);
    }
  }
}

function readPiece(w: Wire): SpPiece {
  const p: SpPiece = { piece: "", score: 0, type: PieceType.NORMAL };
  w.fields((f, wt) => {
    if (f === 1 && wt === 2) p.piece = w.string();
    else if (f === 2 && wt === 5) p.score = w.float();
    else if (f === 3 && wt === 0) p.type = w.int32() as PieceType;
    else return false;
    return true;
  });
  if (p.type < PieceType.NORMAL || p.type > PieceType.BYTE) w.fail(`piece ${JSON.stringify(p.piece)} has unknown type ${p.type}`);
  return p;
}

function readNormalizer(w: Wire): SpNormalizerSpec {
  const n: SpNormalizerSpec = {
    name: "",
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  w.fields((f, wt) => {
    if (f === 1 && wt === 2) n.name = w.string();
    else if (f === 2 && wt === 2) n.precompiledCharsmap = w.bytes();
    else if (f === 3 && wt === 0) n.addDummyPrefix = w.varint() !== 0;
    else if (f === 4 && wt === 0) n.removeExtraWhitespaces = w.varint() !== 0;
    else if (f === 5 && wt === 0) n.escapeWhitespaces = w.varint() !== 0;
    else return false;
    return true;
  });
  return n;
}

function readTrainer(w: Wire): SpTrainerSpec {
  const t: SpTrainerSpec = {
    modelType: ModelType.UNIGRAM,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkSurface: " \u2047 ",
    unkPiece: "<unk>",
    bosPiece: "<s>",
    eosPiece: "</s>",
    padPiece: "<pad>",
  };
  w.fields((f, wt) => {
    if (f === 3 && wt === 0) t.modelType = w.int32() as ModelType;
    else if (f === 24 && wt === 0) t.treatWhitespaceAsSuffix = w.varint() !== 0;
    else if (f === 35 && wt === 0) t.byteFallback = w.varint() !== 0;
    else if (f === 44 && wt === 2) t.unkSurface = w.string();
    else if (f === 45 && wt === 2) t.unkPiece = w.string();
    else if (f === 46 && wt === 2) t.bosPiece = w.string();
    else if (f === 47 && wt === 2) t.eosPiece = w.string();
    else if (f === 48 && wt === 2) t.padPiece = w.string();
    else return false;
    return true;
  });
  return t;
}

/** Parses a `.model` file. Throws `VocabFormatError` (with the byte offset) on malformed bytes. */
export function parseModelProto(bytes: Uint8Array): SpModelProto {
  const w = new Wire(bytes, 0, bytes.length);
  const pieces: SpPiece[] = [];
  let trainerSpec: SpTrainerSpec | null = null;
  let normalizerSpec: SpNormalizerSpec | null = null;
  let denormalizerSpec: SpNormalizerSpec | null = null;
  w.fields((f, wt) => {
    if (wt !== 2) return false;
    if (f === 1) pieces.push(readPiece(w.message()));
    else if (f === 2) trainerSpec = readTrainer(w.message());
    else if (f === 3) normalizerSpec = readNormalizer(w.message());
    else if (f === 5) denormalizerSpec = readNormalizer(w.message());
    else return false;
    return true;
  });
  if (pieces.length === 0) throw new VocabFormatError("SentencePiece model: no pieces (is this a .model file?)");
  return {
    pieces,
    trainerSpec: trainerSpec ?? readTrainer(new Wire(bytes, 0, 0)),
    normalizerSpec: normalizerSpec ?? readNormalizer(new Wire(bytes, 0, 0)),
    denormalizerSpec,
  };
}
