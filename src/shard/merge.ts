// Merges the outputs of Dask tasks (each a `shardCorpus` run over a contiguous part of the
// inputs, `inputRange`) into one directory whose shards and index.json are byte for byte those
// of a single run over all inputs: the documents are taken in order from the tasks' shards and
// laid out again with the same rule (ShardWriter), so only bytes are copied, nothing re-encoded.

import { InvalidArgumentError } from "../errors.js";
import { INVALID_LISTED, type InvalidDocument } from "./documents.js";
import { ShardMergeError } from "./errors.js";
import { canonicalIndex, INDEX_FILE, serializeIndex, type ShardIndex } from "./index-file.js";
import { cleanUp, indexFingerprint, nodeModules } from "./shard.js";
import { ShardWriter, writeAtomic } from "./writer.js";

export interface MergeOptions {
  /** The tasks' output directories, in input order. */
  tasks: readonly string[];
  /** The merged directory. */
  out: string;
}

/**
 * Merges task directories into `out` (see the module comment).
 * @throws ShardMergeError if a task is unfinished, the tasks' options or inputs differ, or their
 *   parts do not cover the inputs in order.
 */
export async function mergeShardTasks(options: MergeOptions): Promise<{ index: ShardIndex; indexPath: string }> {
  const m = nodeModules("mergeShardTasks");
  const { fs } = m;
  if (!Array.isArray(options?.tasks) || options.tasks.length === 0) throw new InvalidArgumentError("mergeShardTasks: tasks must be a non-empty array of directories");
  if (typeof options.out !== "string" || options.out === "") throw new InvalidArgumentError("mergeShardTasks: `out` is required");
  const out = options.out.replace(/\/+$/, "") || "/";
  const tasks: { dir: string; index: ShardIndex }[] = [];
  for (const dir of options.tasks) {
    let index: ShardIndex;
    try {
      index = JSON.parse(fs.readFileSync(`${dir}/${INDEX_FILE}`, "utf8")) as ShardIndex;
    } catch (e) {
      throw new ShardMergeError(`${dir}: no readable ${INDEX_FILE} (${(e as Error).message}); is the task finished?`);
    }
    if (!index.part) throw new ShardMergeError(`${dir}/${INDEX_FILE}: not a task's output (no part)`);
    tasks.push({ dir, index });
  }
  const first = tasks[0]!.index;
  const config = indexFingerprint({ ...first, part: undefined, unreadable: [] });
  let next = 0;
  for (const { dir, index } of tasks) {
    if (indexFingerprint({ ...index, part: undefined, unreadable: [] }) !== config) {
      throw new ShardMergeError(`${dir}: options or inputs differ from those of ${tasks[0]!.dir}`);
    }
    if (index.part![0] !== next) throw new ShardMergeError(`${dir}: holds inputs ${index.part![0]}:${index.part![1]}, expected the part starting at ${next}`);
    next = index.part![1];
  }
  if (next !== first.inputs.length) throw new ShardMergeError(`the tasks cover inputs 0:${next} of ${first.inputs.length}`);

  fs.mkdirSync(out, { recursive: true });
  fs.rmSync(`${out}/${INDEX_FILE}`, { force: true });
  const unreadable = tasks.flatMap((t) => t.index.unreadable);
  const fingerprint = indexFingerprint({ ...first, part: undefined, unreadable });
  const writer = new ShardWriter(fs, m.crypto, out, {
    dtype: first.dtype,
    shardTokens: first.shardTokens,
    megatron: first.megatron,
    lines: first.mode !== "file",
    fingerprint,
  });
  const es = first.dtype === "uint16" ? 2 : 4;
  let empty = 0;
  let invalid = 0;
  const listed: InvalidDocument[] = [];
  try {
    for (const { dir, index } of tasks) {
      empty += index.empty;
      invalid += index.invalid.count;
      for (const d of index.invalid.listed) if (listed.length < INVALID_LISTED) listed.push(d);
      for (const s of index.shards) {
        const bytes = fs.readFileSync(`${dir}/${s.file}`);
        let k = 0;
        for (const r of s.ranges) {
          for (let j = 0; j < r.documents; j++, k++) {
            const o = s.offsets[k]! * es;
            writer.add(bytes.subarray(o, o + s.counts[k]! * es), s.counts[k]!, r.input, s.lines ? s.lines[k]! : 0);
          }
        }
      }
    }
    writer.finish();
  } catch (e) {
    writer.abort();
    throw e;
  }
  const index = canonicalIndex(first, undefined, unreadable, { empty, invalid, invalidListed: listed }, writer.shards);
  const indexPath = `${out}/${INDEX_FILE}`;
  writeAtomic(fs, indexPath, serializeIndex(index));
  cleanUp(fs, out, writer.shards.length);
  return { index, indexPath };
}
