/**
 * The Encoding's streaming decoder, offsets and live counter (`enc.decoder()`,
 * `decodeStream`, `encodeWithOffsets`, `decodeWithOffsets`, `counter`). `installStreamingTools()`
 * hands them to the Encoding class: the full `tokenmill` entry and tokenmill/worker call it (a
 * call, not an import for its side effect, which bundlers may drop); the per-encoding browser
 * entries do not, and stay small.
 */
import { InvalidArgumentError } from "../errors.js";
import { SegmentedCounter } from "../text/counter.js";
import { decodeStreamWith, decoderOptions } from "../text/decode-stream.js";
import { StreamDecoder } from "./decoder.js";
import { checkIds, checkText, registerStreamingTools, type StreamingTools, type EncodingInternals } from "./encoding.js";
import { offsetsFromVocab, spansOf, startsOf, type OffsetsFn } from "./offsets.js";

const jsOffsets = new WeakMap<object, OffsetsFn>();

/** The engine's offsets (the WASM core's walk), or the TypeScript walk over the vocabulary. */
function offsetsFn(internals: EncodingInternals): OffsetsFn {
  if (internals.engineOffsets) return internals.engineOffsets;
  const v = internals.vocab!;
  let fn = jsOffsets.get(v);
  if (!fn) jsOffsets.set(v, (fn = offsetsFromVocab(v.offsets, v.bytes, v.nTokens)));
  return fn;
}

const TOOLS: StreamingTools = {
  decoder(enc, internals, options) {
    const skip = decoderOptions(options, "decoder");
    return new StreamDecoder(internals.bytesOf, enc.nVocab, skip ? internals.isSpecialOnly : undefined);
  },

  decodeStream(enc, internals, source, options) {
    return decodeStreamWith(this.decoder(enc, internals, options), source);
  },

  encodeWithOffsets(enc, internals, text, options) {
    checkText(text);
    if (options?.segmentation === "bytes") {
      throw new InvalidArgumentError('encodeWithOffsets: segmentation "bytes" gives byte values, not token ids; their offsets are their byte positions');
    }
    const ids = enc.encode(text, options);
    return { ids, offsets: spansOf(offsetsFn(internals), ids, internals.nonOrdinary) };
  },

  decodeWithOffsets(enc, internals, ids) {
    checkIds(ids);
    const offsets = startsOf(offsetsFn(internals), ids, internals.nonOrdinary);
    return { text: enc.decode(ids), offsets };
  },

  counter(enc, internals, text, options) {
    checkText(text);
    if (options?.segmentation !== undefined && options.segmentation !== "bpe") {
      throw new InvalidArgumentError(`counter: only the "bpe" segmentation is counted incrementally, got ${JSON.stringify(options.segmentation)}`);
    }
    enc.count("", options); // the options' own errors now, not at the first edit
    return new SegmentedCounter((t) => enc.count(t, options), internals.cuttable, text);
  },
};

/** Gives Encoding its decoder, decodeStream, encodeWithOffsets, decodeWithOffsets and counter methods. */
export function installStreamingTools(): void {
  registerStreamingTools(TOOLS);
}
