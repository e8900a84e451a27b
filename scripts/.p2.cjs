const { Tokenizer } = require("tokenizers");
const m = require("../dist/index.cjs");
function nest(d){ let n={type:"Lowercase"}; for(let i=0;i<d;i++) n={type:"Sequence",normalizers:[n]}; return n;}
const base = (extra) => ({ version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null,
  model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: { a: 0, b: 1, ab: 2 }, merges: ["a b"] }, ...extra });
for (const d of [1,2,5,10,20,30,40, 50, 60, 62, 63, 64,65]) {
  let r; try { Tokenizer.fromString(JSON.stringify(base({normalizer: nest(d)}))); r="OK"; } catch(e){ r="ERR "+String(e.message).slice(0,100); }
  console.log(d, r);
}
(async () => {
for (const pat of ["", "(?<=a)", "(?=b)", "a*", "x*", "b*"]) for (const beh of ["Isolated","Removed","MergedWithPrevious","MergedWithNext","Contiguous"]) for (const inv of [false,true]) {
  const j = base({pre_tokenizer:{type:"Split",pattern:{Regex:pat},behavior:beh,invert:inv}});
  const t = Tokenizer.fromString(JSON.stringify(j));
  const h = (await t.encode("ab", null, {addSpecialTokens:false})).getIds();
  let mine; try { mine = [...m.fromTokenizerJsonSync(j).encode("ab")]; } catch (e) { mine = "ERR " + e.message; }
    if (JSON.stringify(h) !== JSON.stringify(mine)) console.log(JSON.stringify(pat), beh, inv, "hf", JSON.stringify(h), "tm", JSON.stringify(mine)); 
}})();
