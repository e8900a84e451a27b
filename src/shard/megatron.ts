// Megatron-LM's MMapIndexedDataset index (.idx), next to a .bin that holds the token ids of
// each document back to back (the same bytes as nanoGPT's raw .bin). The layout is that of
// megatron/core/datasets/indexed_dataset.py, `_IndexWriter` (and `_IndexReader`), all
// little-endian:
//
//   offset       size      field
//   0            9         magic b"MMIDIDX\x00\x00"
//   9            8         u64 version = 1
//   17           1         u8 dtype code: 8 = uint16, 4 = int32 (Megatron's DType enum; it has
//                          no uint32, and ids < 2^31 are the same bytes as int32)
//   18           8         u64 sequence count N (one sequence per document here)
//   26           8         u64 document count D = N + 1 (the document index array's length)
//   34           4*N       i32 sequence lengths, in tokens
//   34+4N        8*N       i64 sequence pointers: byte offset of each sequence in the .bin
//   34+12N       8*D       i64 document indices: 0, 1, …, N (document k = sequences [k, k+1))
//
// Megatron picks uint16 for vocabularies under 65500 tokens and int32 above (DType.optimal_dtype).

import type { ShardDtype } from "./index-file.js";

const MAGIC = [0x4d, 0x4d, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00];
export const MEGATRON_DTYPE_CODE: Record<ShardDtype, number> = { uint16: 8, uint32: 4 };

export function megatronIndex(counts: readonly number[], dtype: ShardDtype): Uint8Array {
  const n = counts.length;
  const out = new Uint8Array(34 + 4 * n + 8 * n + 8 * (n + 1));
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setBigUint64(9, 1n, true);
  v.setUint8(17, MEGATRON_DTYPE_CODE[dtype]);
  v.setBigUint64(18, BigInt(n), true);
  v.setBigUint64(26, BigInt(n + 1), true);
  const itemSize = dtype === "uint16" ? 2 : 4;
  let o = 34;
  for (let k = 0; k < n; k++, o += 4) v.setInt32(o, counts[k]!, true);
  let ptr = 0;
  for (let k = 0; k < n; k++, o += 8) {
    v.setBigInt64(o, BigInt(ptr), true);
    ptr += counts[k]! * itemSize;
  }
  for (let k = 0; k <= n; k++, o += 8) v.setBigInt64(o, BigInt(k), true);
  return out;
}
