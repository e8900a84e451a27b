// Training shards: shardCorpus (a corpus → token shards + index.json) and mergeShardTasks (the
// Dask driver's merge step). Node only: they reach fs, zlib and crypto through
// process.getBuiltinModule, so a browser bundle of the main entry pulls in nothing from Node.
export { DEFAULT_SHARD_TOKENS } from "./defaults.js";
export { shardCorpus, listShardInputs, type ShardOptions, type ShardProgress, type ShardResult } from "./shard.js";
export { mergeShardTasks, type MergeOptions } from "./merge.js";
export { megatronIndex } from "./megatron.js";
export { ShardInputError, ShardReadError, ShardMergeError } from "./errors.js";
export type { ShardIndex, ShardEntry, ShardRange, ShardConfig, ShardDtype, TokenizerIdentity, InputRecord } from "./index-file.js";
