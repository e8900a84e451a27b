/** Tokens per shard unless `shardTokens` says otherwise. */
export const DEFAULT_SHARD_TOKENS = 100_000_000;
