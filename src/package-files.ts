/**
 * Where the package's own files are, seen from the running code. This module sits at the top of
 * src/ on purpose: from here, as from every bundle in dist/, the package's vocab/ folder is one
 * level up, so the same relative URL is right whether the code runs from source (tests) or from
 * the published bundles. (The per-encoding entries keep their literal `new URL("../vocab/…",
 * import.meta.url)`: bundlers recognise only that form and emit the file as an asset.)
 */
export function packageVocabUrl(file: string): URL {
  return new URL(`../vocab/${file}`, import.meta.url);
}
