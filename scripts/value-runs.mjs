// Code point → small integer maps as the generated tables store them (read back by
// src/hf/unicode-scripts.ts and src/hf/normalize-aligned.ts): runs of consecutive code points with one
// value, each "distance from the previous run's end, length - 1, value" in base 36, joined by spaces.
export function encodeValueRuns(values) {
  const cps = [...values.keys()].sort((a, b) => a - b);
  const runs = [];
  for (const c of cps) {
    const last = runs[runs.length - 1];
    if (last && last[1] === c - 1 && last[2] === values.get(c)) last[1] = c;
    else runs.push([c, c, values.get(c)]);
  }
  let prev = 0;
  const out = [];
  for (const [a, b, v] of runs) {
    out.push((a - prev).toString(36), (b - a).toString(36), v.toString(36));
    prev = b;
  }
  return out.join(" ");
}
