// The source text of a JS string literal whose characters are the bytes of `bytes` (code units
// 0–255; read back with src/shared/latin1.ts). Printable ASCII stays as it is and every other
// byte is an escape: brotli packs such a literal to within ~15% of the binary itself, where
// base64 costs ~40% more (build/tokenmill.wasm: 12.0 KB binary, 14.2 KB literal, 16.7 KB base64).
export function latin1Literal(bytes) {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i];
    if (x === 0x22) s += '\\"';
    else if (x === 0x5c) s += "\\\\";
    else if (x >= 0x20 && x < 0x7f) s += String.fromCharCode(x);
    // "\0" only where no digit follows (else it would read as a legacy octal escape)
    else if (x === 0 && !(bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39)) s += "\\0";
    else s += "\\x" + x.toString(16).padStart(2, "0");
  }
  return s + '"';
}
