#!/usr/bin/env python3
"""Trains many random HF `tokenizers` pipelines on real text of this machine and saves each
tokenizer.json, for scripts/fuzz-hf-pipelines-check.mjs to compare tokenmill against the
reference (npm `tokenizers`, the same Rust core).

Needs Python's `tokenizers` 0.23.2, which CI does not have: it is on disk as a wheel, install it
in a private venv (exploration only; the committed tests use only the npm binding):

  python3 -m venv build/venv
  build/venv/bin/pip install --no-index --no-deps \
      /opt/pypi/files/tokenizers-0.23.2-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
  node scripts/corpus.mjs build/corpus --size 200000        # the training text
  build/venv/bin/python scripts/fuzz-hf-pipelines.py [--n 200] [--seed 1] [--out build/fuzz-pipelines]
  node scripts/fuzz-hf-pipelines-check.mjs build/fuzz-pipelines

Each pipeline draws a model (BPE with/without byte_fallback, continuing_subword_prefix,
end_of_word_suffix, dropout, unk_token, ignore_merges; WordPiece; WordLevel; Unigram with/
without byte_fallback and unk), a normalizer, a pre-tokenizer, a post-processor, a decoder and
added tokens at random; vocabularies of 200-3000 so each trains in well under a second. Options
the trainers do not keep (byte_fallback, dropout, ignore_merges, fuse_unk, trim_offsets) are set
in the saved JSON, which is then loaded back with Tokenizer.from_str: every file written is one
HF accepts. `meta.json` in the output folder lists each file with the choices made.
"""
import argparse
import json
import os
import random
import sys
import time

from tokenizers import (AddedToken, Regex, Tokenizer, decoders, models, normalizers,
                        pre_tokenizers, processors, trainers)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_lines(folder, per_file=60_000):
    lines = []
    for name in ("prose.txt", "code.txt", "multilingual.txt"):
        p = os.path.join(folder, name)
        if not os.path.exists(p):
            sys.exit(f"missing {p}: run `node scripts/corpus.mjs {folder} --size 200000` first")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        lines += text[:per_file].splitlines(keepends=True)
    return lines


# ---------------------------------------------------------------- components (random choices)

def rand_normalizer(r):
    def one():
        k = r.choice(["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents", "Strip", "Replace",
                      "ReplaceRegex", "Prepend", "Bert", "Nmt", "ByteLevel"])
        if k == "NFC": return normalizers.NFC()
        if k == "NFD": return normalizers.NFD()
        if k == "NFKC": return normalizers.NFKC()
        if k == "NFKD": return normalizers.NFKD()
        if k == "Lowercase": return normalizers.Lowercase()
        if k == "StripAccents": return normalizers.StripAccents()
        if k == "Strip": return normalizers.Strip(left=r.random() < 0.7, right=r.random() < 0.7)
        if k == "Replace":
            a, b = r.choice([("``", '"'), ("''", '"'), (" ", "▁"), ("\n", " "), ("e", "é"), ("ab", ""), ("\t", "  "), ("é", "e")])
            return normalizers.Replace(a, b)
        if k == "ReplaceRegex":
            a, b = r.choice([(r"\s+", " "), (r" {2,}", " "), (r"[0-9]", "#"), (r"\p{P}", ""), (r"(\w)\1", "$1"), (r"^\s", ""), (r"\s$", ""), (r"a|e", ""),
                             (r"\Ax|x\z|y\Z", "#"), (r"\bth", "TH"), (r"\p{Greek}+", "γ")])
            return normalizers.Replace(Regex(a), b)
        if k == "Prepend": return normalizers.Prepend(r.choice(["▁", " ", "##", "é"]))
        if k == "Bert":
            return normalizers.BertNormalizer(clean_text=r.random() < 0.5, handle_chinese_chars=r.random() < 0.5,
                                              strip_accents=r.choice([None, True, False]), lowercase=r.random() < 0.5)
        if k == "Nmt": return normalizers.Nmt()
        return normalizers.ByteLevel()
    x = r.random()
    if x < 0.2: return None, "none"
    if x < 0.6:
        n = one()
        return n, type(n).__name__
    seq = [one() for _ in range(r.randint(2, 4))]
    return normalizers.Sequence(seq), "Sequence(" + ",".join(type(s).__name__ for s in seq) + ")"


BEHAVIORS = ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]


def rand_pre(r):
    def one(bytelevel_ok=True):
        ks = ["Whitespace", "WhitespaceSplit", "Bert", "Punctuation", "Digits", "Metaspace", "CharDelimiterSplit",
              "Split", "SplitRegex", "UnicodeScripts", "FixedLength"]
        if bytelevel_ok: ks += ["ByteLevel", "ByteLevel"]
        k = r.choice(ks)
        if k == "ByteLevel":
            return pre_tokenizers.ByteLevel(add_prefix_space=r.random() < 0.5, use_regex=r.random() < 0.7)
        if k == "Whitespace": return pre_tokenizers.Whitespace()
        if k == "WhitespaceSplit": return pre_tokenizers.WhitespaceSplit()
        if k == "Bert": return pre_tokenizers.BertPreTokenizer()
        if k == "Punctuation": return pre_tokenizers.Punctuation(behavior=r.choice(BEHAVIORS))
        if k == "Digits": return pre_tokenizers.Digits(individual_digits=r.random() < 0.5)
        if k == "Metaspace":
            return pre_tokenizers.Metaspace(replacement=r.choice(["▁", "_", "Ġ"]), prepend_scheme=r.choice(["always", "first", "never"]),
                                            split=r.random() < 0.6)
        if k == "CharDelimiterSplit": return pre_tokenizers.CharDelimiterSplit(r.choice([" ", "-", "e", "\n", "é"]))
        if k == "Split":
            return pre_tokenizers.Split(r.choice([" ", "-", "the", "\n", "  ", "é"]), behavior=r.choice(BEHAVIORS), invert=r.random() < 0.2)
        if k == "SplitRegex":
            pat = r.choice([r"\s+", r"\w+|[^\w\s]+", r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
                            r"\d{1,3}", r"\p{Han}", r"[A-Z][a-z]*", r"\s?\S", r".", r"\b", r"(?i:the)", r" ?[^\s]+"])
            return pre_tokenizers.Split(Regex(pat), behavior=r.choice(BEHAVIORS), invert=r.random() < 0.2)
        if k == "UnicodeScripts": return pre_tokenizers.UnicodeScripts()
        return pre_tokenizers.FixedLength(length=r.randint(1, 6))
    x = r.random()
    if x < 0.08: return None, "none"
    if x < 0.7:
        p = one()
        return p, type(p).__name__
    seq = [one(bytelevel_ok=(i == 0 or r.random() < 0.3)) for i in range(r.randint(2, 3))]
    return pre_tokenizers.Sequence(seq), "Sequence(" + ",".join(type(s).__name__ for s in seq) + ")"


SPECIALS = ["<s>", "</s>", "<unk>", "<pad>", "[CLS]", "[SEP]", "<mask>", "<|endoftext|>"]


def rand_post(r, tok):
    v = tok.get_vocab()
    ids = {s: v[s] for s in SPECIALS if s in v}
    cls, sep = ("[CLS]", "[SEP]") if r.random() < 0.5 else ("<s>", "</s>")
    k = r.choice(["none", "Template", "Template", "TemplateSingleOnly", "Bert", "Roberta", "ByteLevel", "Sequence"])
    if k == "none": return None, "none"
    if k in ("Template", "TemplateSingleOnly"):
        single = r.choice([f"{cls} $A {sep}", f"{cls} $A", f"$A {sep}", f"{cls}:1 $A:0 {sep}:2", "$A"])
        pair = r.choice([f"{cls} $A {sep} $B:1 {sep}:1", f"$A {sep} $B", f"{cls} $A {sep} {sep} $B {sep}", f"$B:1 {sep} $A:0", "$A $B"])
        used = [s for s in (cls, sep) if s in single or s in pair]
        st = [(s, ids[s]) for s in used]
        if k == "TemplateSingleOnly":
            return processors.TemplateProcessing(single=single, special_tokens=[(s, ids[s]) for s in (cls, sep) if s in single]), "TemplateSingle"
        return processors.TemplateProcessing(single=single, pair=pair, special_tokens=st), "Template"
    if k == "Bert": return processors.BertProcessing((sep, ids[sep]), (cls, ids[cls])), "Bert"
    if k == "Roberta":
        return processors.RobertaProcessing((sep, ids[sep]), (cls, ids[cls]), trim_offsets=r.random() < 0.5,
                                            add_prefix_space=r.random() < 0.5), "Roberta"
    if k == "ByteLevel": return processors.ByteLevel(trim_offsets=r.random() < 0.5), "ByteLevel"
    return processors.Sequence([processors.ByteLevel(trim_offsets=r.random() < 0.5),
                                processors.TemplateProcessing(single=f"{cls} $A {sep}", pair=f"{cls} $A {sep} $B:1 {sep}:1",
                                                              special_tokens=[(cls, ids[cls]), (sep, ids[sep])])]), "Sequence"


def rand_decoder(r, model_kind, pre_name, opts):
    x = r.random()
    if x < 0.1: return None, "none"
    if x < 0.25:  # anything: HF accepts every decoder with every model
        k = r.choice(["ByteLevel", "WordPiece", "Metaspace", "BPEDecoder", "CTC", "Fuse", "ByteFallback", "Strip", "Replace"])
    elif "ByteLevel" in pre_name: k = "ByteLevel"
    elif "Metaspace" in pre_name: k = "Metaspace"
    elif model_kind == "WordPiece": k = "WordPiece"
    elif opts.get("suffix"): k = "BPEDecoder"
    elif opts.get("byte_fallback"): k = "FallbackSeq"
    else: k = r.choice(["Metaspace", "WordPiece", "CTC", "Seq", "Fuse", "Strip", "Replace"])
    if k == "ByteLevel": return decoders.ByteLevel(), k
    if k == "WordPiece": return decoders.WordPiece(prefix=opts.get("prefix") or "##", cleanup=r.random() < 0.6), k
    if k == "Metaspace":
        return decoders.Metaspace(replacement=opts.get("replacement", "▁"), prepend_scheme=r.choice(["always", "first", "never"]),
                                  split=r.random() < 0.5), k
    if k == "BPEDecoder": return decoders.BPEDecoder(suffix=opts.get("suffix") or "</w>"), k
    if k == "CTC": return decoders.CTC(pad_token=r.choice(["<pad>", "<unk>"]), word_delimiter_token=r.choice(["|", "▁", " "]), cleanup=r.random() < 0.5), k
    if k == "Fuse": return decoders.Fuse(), k
    if k == "ByteFallback": return decoders.ByteFallback(), k
    if k == "Strip": return decoders.Strip(content=r.choice([" ", "▁", "#"]), left=r.randint(0, 2), right=r.randint(0, 2)), k
    if k == "Replace": return decoders.Replace(r.choice(["▁", " ", "Ġ", "##"]), r.choice([" ", "", "_"])), k
    if k == "FallbackSeq":
        return decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]), k
    return decoders.Sequence([decoders.Replace(r.choice(["▁", "Ġ"]), " "), decoders.ByteFallback(), decoders.Fuse(),
                              decoders.Strip(" ", r.randint(0, 1), r.randint(0, 1))]), "Seq"


ADDED = ["<x>", "[NEW]", "hello", " yes", "ab", "<|im_start|>", "the", "日本", "😀", "\n", "##", "▁", "@@", "-"]


def rand_added(r, tok):
    out = []
    for _ in range(r.choice([0, 0, 1, 2, 3, 5])):
        content = r.choice(ADDED)
        t = AddedToken(content, single_word=r.random() < 0.3, lstrip=r.random() < 0.3, rstrip=r.random() < 0.3,
                       normalized=r.random() < 0.5, special=r.random() < 0.5)
        out.append(t)
        if t.special: tok.add_special_tokens([t])
        else: tok.add_tokens([t])
    return ",".join(f"{t.content}{'S' if t.special else ''}{'L' if t.lstrip else ''}{'R' if t.rstrip else ''}{'W' if t.single_word else ''}{'N' if t.normalized else ''}" for t in out)


# ---------------------------------------------------------------- one pipeline

def build(r, lines):
    kind = r.choice(["BPE", "BPE", "BPE", "WordPiece", "WordLevel", "Unigram", "Unigram"])
    vocab_size = r.randint(200, 3000)
    specials = r.sample(SPECIALS, r.randint(2, len(SPECIALS)))
    for s in ("<unk>", "<pad>", "[CLS]", "[SEP]", "<s>", "</s>"):
        if s not in specials: specials.append(s)
    opts = {}
    if kind == "BPE":
        opts["prefix"] = r.choice([None, None, "##", "@@"])
        opts["suffix"] = r.choice([None, None, "</w>"])
        opts["unk"] = r.choice([None, "<unk>"])
        affix = {k: v for k, v in (("continuing_subword_prefix", opts["prefix"]), ("end_of_word_suffix", opts["suffix"])) if v}
        model = models.BPE(unk_token=opts["unk"], **affix)
        limit = r.choice([None, 60, 200])
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False, **affix,
                                      **({"limit_alphabet": limit} if limit else {}),
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet() if r.random() < 0.3 else [])
    elif kind == "WordPiece":
        opts["prefix"] = r.choice(["##", "@@", "_"])
        model = models.WordPiece(unk_token="<unk>", continuing_subword_prefix=opts["prefix"], max_input_chars_per_word=r.choice([100, 8]))
        trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False,
                                            continuing_subword_prefix=opts["prefix"], limit_alphabet=r.choice([60, 150]))
    elif kind == "WordLevel":
        model = models.WordLevel(unk_token="<unk>")
        trainer = trainers.WordLevelTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False, min_frequency=r.choice([0, 2]))
    else:
        model = models.Unigram()
        opts["unk"] = r.choice([None, "<unk>"])
        trainer = trainers.UnigramTrainer(vocab_size=max(vocab_size, 300), special_tokens=specials, show_progress=False,
                                          **({"unk_token": opts["unk"]} if opts["unk"] else {}), shrinking_factor=0.75, max_piece_length=r.choice([4, 8, 16]),
                                          n_sub_iterations=2)
    tok = Tokenizer(model)
    norm, norm_name = rand_normalizer(r)
    pre, pre_name = rand_pre(r)
    if norm is not None: tok.normalizer = norm
    if pre is not None: tok.pre_tokenizer = pre
    if "Metaspace" in pre_name:
        opts["replacement"] = json.loads(tok.pre_tokenizer.__getstate__()).get("replacement", "▁") if pre_name == "Metaspace" else "▁"
    sample = r.sample(lines, min(len(lines), r.randint(300, 1500)))
    t0 = time.time()
    tok.train_from_iterator(sample, trainer=trainer)
    train_s = time.time() - t0
    opts["byte_fallback"] = kind in ("BPE", "Unigram") and r.random() < 0.35
    added = rand_added(r, tok)
    post, post_name = rand_post(r, tok)
    if post is not None: tok.post_processor = post
    dec, dec_name = rand_decoder(r, kind, pre_name, opts)
    if dec is not None: tok.decoder = dec

    j = json.loads(tok.to_str())
    m = j["model"]
    edits = []
    if opts["byte_fallback"]:
        m["byte_fallback"] = True
        edits.append("byte_fallback")
        if r.random() < 0.7:  # the <0xXX> pieces byte fallback looks up (missing ones fall to unk)
            add_byte_tokens(j, r)
            edits.append("byte-tokens")
    if kind == "BPE":
        if r.random() < 0.2: m["ignore_merges"] = True; edits.append("ignore_merges")
        if r.random() < 0.2: m["fuse_unk"] = True; edits.append("fuse_unk")
        if r.random() < 0.15: m["dropout"] = 0.0; edits.append("dropout0")
    if j.get("pre_tokenizer") and r.random() < 0.3:
        for p in walk(j["pre_tokenizer"]):
            if p.get("type") == "ByteLevel":
                p["trim_offsets"] = r.random() < 0.5; edits.append(f"trim_offsets={p['trim_offsets']}")
    if kind == "Unigram" and opts["unk"] is None and r.random() < 0.2:
        m["unk_id"] = None
    s = json.dumps(j, ensure_ascii=False)
    Tokenizer.from_str(s)  # HF accepts it
    meta = dict(model=kind, vocab=vocab_size, normalizer=norm_name, pre=pre_name, post=post_name, decoder=dec_name,
                added=added, edits=edits, opts={k: v for k, v in opts.items() if v}, train_s=round(train_s, 3))
    return s, meta


def walk(p):
    yield p
    for q in p.get("pretokenizers", []) or []:
        yield from walk(q)


def add_byte_tokens(j, r):
    m = j["model"]
    if m["type"] == "BPE":
        v = m["vocab"]
        n = max(v.values()) + 1
        for b in range(256):
            t = f"<0x{b:02X}>"
            if t not in v and (b < 128 or r.random() < 0.9):
                v[t] = n
                n += 1
        remap(j, n - 1)
    else:
        v = m["vocab"]
        have = {p for p, _ in v}
        for b in range(256):
            t = f"<0x{b:02X}>"
            if t not in have: v.append([t, -20.0])
        remap(j, len(v) - 1)


def remap(j, last_model_id):
    """Added tokens that are not in the model vocab get ids after the model's (as HF assigns them)."""
    m = j["model"]
    vocab = m["vocab"]
    in_model = (lambda c: c in vocab) if isinstance(vocab, dict) else (lambda c, s={p for p, _ in vocab}: c in s)
    idx = (lambda c: vocab[c]) if isinstance(vocab, dict) else (lambda c, d={p: i for i, (p, _) in enumerate(vocab)}: d[c])
    nxt = last_model_id + 1
    old_to_new = {}
    for a in j["added_tokens"]:
        new = idx(a["content"]) if in_model(a["content"]) else None
        if new is None:
            new = nxt
            nxt += 1
        old_to_new[a["id"]] = new
        a["id"] = new

    def fix(o):
        if isinstance(o, dict):
            if "ids" in o and "tokens" in o and isinstance(o["ids"], list):
                o["ids"] = [old_to_new.get(i, i) for i in o["ids"]]
            for k in ("sep", "cls"):
                if isinstance(o.get(k), list) and len(o[k]) == 2:
                    o[k][1] = old_to_new.get(o[k][1], o[k][1])
            for v in o.values(): fix(v)
        elif isinstance(o, list):
            for v in o: fix(v)
    fix(j.get("post_processor"))


# ---------------------------------------------------------------- regression fixtures
# Each mismatch the fuzzer found, as a small pipeline (vocab ~250) for test/hf-trained-pipelines.test.ts:
#   build/venv/bin/python scripts/fuzz-hf-pipelines.py --fixtures test/fixtures/hf/trained

def fixture_builders():
    def train(model, trainer, norm=None, pre=None, dec=None, post=None, added=(), special=(), edit=None):
        def run(lines):
            t = Tokenizer(model())
            if norm is not None: t.normalizer = norm
            if pre is not None: t.pre_tokenizer = pre
            t.train_from_iterator(lines, trainer=trainer())
            if special: t.add_special_tokens(list(special))
            if added: t.add_tokens(list(added))
            if dec is not None: t.decoder = dec
            if post is not None: t.post_processor = post(t)
            if edit is None: return t.to_str()
            j = json.loads(t.to_str())
            edit(j)
            return json.dumps(j, ensure_ascii=False)
        return run
    sp = ["<unk>", "<s>", "</s>"]
    bpe = lambda **k: (lambda: models.BPE(unk_token="<unk>", **k))
    bpe_tr = lambda n=250, **k: (lambda: trainers.BpeTrainer(vocab_size=n, special_tokens=sp, show_progress=False, limit_alphabet=120, **k))
    return {
        # WordPiece and Unigram behind ByteLevel saw the raw word, not its byte alphabet ("Ġ", "Ã©")
        "wordpiece-bytelevel": train(lambda: models.WordPiece(unk_token="<unk>"),
                                     lambda: trainers.WordPieceTrainer(vocab_size=300, special_tokens=sp, show_progress=False, limit_alphabet=120),
                                     pre=pre_tokenizers.ByteLevel(add_prefix_space=True), dec=decoders.ByteLevel()),
        "unigram-bytelevel": train(lambda: models.Unigram(),
                                   lambda: trainers.UnigramTrainer(vocab_size=300, special_tokens=sp, unk_token="<unk>", show_progress=False, n_sub_iterations=2),
                                   pre=pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)),
        # a normalized added token decodes as its normalized content (" yes" → "Ġyés" bytes)
        "added-normalized-bytelevel": train(bpe(), bpe_tr(), norm=normalizers.Sequence([normalizers.Replace("e", "é"), normalizers.ByteLevel()]),
                                            added=[AddedToken(" yes", normalized=True, lstrip=True), AddedToken("😀", normalized=True)],
                                            special=[AddedToken("SP", normalized=True, special=True)]),
        "added-normalized-prepend": train(lambda: models.WordLevel(unk_token="<unk>"),
                                          lambda: trainers.WordLevelTrainer(vocab_size=250, special_tokens=sp, show_progress=False),
                                          norm=normalizers.Prepend("é"), pre=pre_tokenizers.WhitespaceSplit(), dec=decoders.CTC(),
                                          added=[AddedToken("##", normalized=True), AddedToken("Up", normalized=False)]),
        # Oniguruma's \p{Han} (a bare script name) and Unicode \b in a Split regex
        "split-han-script": train(bpe(), bpe_tr(), pre=pre_tokenizers.Split(Regex(r"\p{Han}|\p{Cyrillic}+"), behavior="isolated")),
        # an lstrip/rstrip added token's offsets are trimmed by its matched text (" ab"), not its content
        "added-lstrip-trim-offsets": train(bpe(), bpe_tr(), norm=normalizers.Strip(), pre=pre_tokenizers.Digits(),
                                           added=[AddedToken("ab", lstrip=True, normalized=False), AddedToken("the", rstrip=True, normalized=False)],
                                           special=[AddedToken("-", lstrip=True, rstrip=True, special=True)],
                                           post=lambda t: processors.ByteLevel(trim_offsets=True)),
        "added-rstrip-roberta": train(bpe(), bpe_tr(), pre=pre_tokenizers.WhitespaceSplit(),
                                      added=[AddedToken("yes", rstrip=True, lstrip=True, normalized=True)],
                                      post=lambda t: processors.RobertaProcessing(("</s>", t.token_to_id("</s>")), ("<s>", t.token_to_id("<s>")), trim_offsets=True)),
        # Oniguruma's ^ and $ are line anchors ("\r\n" loses both chars to \s$); \A \z \Z the text's ends
        "regex-line-anchors": train(bpe(), bpe_tr(), norm=normalizers.Sequence([normalizers.Replace(Regex(r"\s$"), ""), normalizers.Replace(Regex(r"^ "), "_"),
                                                                               normalizers.Replace(Regex(r"\Ax|x\z|y\Z"), "#")]),
                                    pre=pre_tokenizers.Split(Regex(r"^\w+|\w+$"), behavior="isolated")),
        # ByteLevel BPE whose vocab lacks some byte chars: HF counts offsets in bytes of the
        # byte-alphabet word, so a dropped char or a <0xXX> fallback shifts them
        "bytelevel-bpe-dropped-bytes": train(lambda: models.BPE(), bpe_tr(200), pre=pre_tokenizers.ByteLevel(add_prefix_space=False),
                                             dec=decoders.ByteLevel()),
        "bytelevel-bpe-byte-fallback": train(lambda: models.BPE(), bpe_tr(200), pre=pre_tokenizers.ByteLevel(add_prefix_space=True),
                                             dec=decoders.ByteLevel(), edit=lambda j: fallback_bytes(j, range(0x80, 0x100))),
        # a normalized added token the normalizer empties ("\n" under Strip): HF's empty pattern
        # matches wherever no other does, so the text splits at every char
        "added-normalized-empty": train(lambda: models.Unigram(),
                                        lambda: trainers.UnigramTrainer(vocab_size=600, special_tokens=sp, unk_token="<unk>", show_progress=False, n_sub_iterations=2),
                                        norm=normalizers.Strip(), pre=pre_tokenizers.Digits(), added=[AddedToken("\n", normalized=True), AddedToken("the", normalized=True)]),
        "added-normalized-empty-rstrip": train(lambda: models.WordLevel(unk_token="<unk>"),
                                               lambda: trainers.WordLevelTrainer(vocab_size=250, special_tokens=sp, show_progress=False),
                                               norm=normalizers.Sequence([normalizers.NFKC(), normalizers.Strip(left=True, right=False)]),
                                               added=[AddedToken("\n", normalized=False, single_word=True, lstrip=True, rstrip=True),
                                                      AddedToken("\t", normalized=True, rstrip=True)]),
        # Unigram's unk token string is the unknown text ("\r"), which ByteLevel's trim_offsets trims
        "unigram-unk-trim-offsets": train(lambda: models.Unigram(),
                                          lambda: trainers.UnigramTrainer(vocab_size=600, special_tokens=sp, unk_token="<unk>", show_progress=False, n_sub_iterations=2),
                                          pre=pre_tokenizers.Digits(), post=lambda t: processors.ByteLevel(trim_offsets=True)),
        # Oniguruma's \w: no Join_Control (ZWJ), but Latin-1's ² ³ ¹ ¼ ½ ¾ (Whitespace's \w is Rust's)
        "regex-onig-word": train(bpe(), bpe_tr(), norm=normalizers.Replace(Regex(r"\W\W+"), "~"),
                                 pre=pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r"\w+"), behavior="isolated"), pre_tokenizers.Whitespace()])),
        "unigram-unk-bytelevel-trim": train(lambda: models.Unigram(),
                                            lambda: trainers.UnigramTrainer(vocab_size=600, special_tokens=sp, unk_token="<unk>", show_progress=False, n_sub_iterations=2),
                                            pre=pre_tokenizers.ByteLevel(add_prefix_space=False), post=lambda t: processors.ByteLevel(trim_offsets=True)),
        "split-word-boundary": train(bpe(), bpe_tr(), pre=pre_tokenizers.Split(Regex(r"\b"), behavior="removed")),
    }


def fallback_bytes(j, which):
    """byte_fallback on, with <0xXX> tokens for the bytes in `which` (ids after the model's)."""
    m = j["model"]
    m["byte_fallback"] = True
    n = max(m["vocab"].values()) + 1
    for b in which:
        t = f"<0x{b:02X}>"
        if t not in m["vocab"]:
            m["vocab"][t] = n
            n += 1
    remap(j, n - 1)


def write_fixtures(out, lines):
    os.makedirs(out, exist_ok=True)
    sample = random.Random(7).sample(lines, min(len(lines), 600))
    for name, build_one in fixture_builders().items():
        s = build_one(sample)
        Tokenizer.from_str(s)
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            f.write(s)
        print(f"{name}.json {len(s.encode())} bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz-pipelines"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "build", "corpus"))
    ap.add_argument("--fixtures", help="write the regression fixtures to this folder instead")
    a = ap.parse_args()
    lines = corpus_lines(a.corpus)
    if a.fixtures:
        return write_fixtures(a.fixtures, lines)
    os.makedirs(a.out, exist_ok=True)
    metas = {}
    fails = 0
    for i in range(a.n):
        r = random.Random(a.seed * 100_003 + i)
        name = f"p{a.seed}-{i:04d}.json"
        try:
            s, meta = build(r, lines)
        except Exception as e:  # a combination the trainer or HF refuses: not a tokenmill case
            fails += 1
            print(f"{name}: skipped ({type(e).__name__}: {str(e)[:120]})", file=sys.stderr)
            continue
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            f.write(s)
        metas[name] = meta
    with open(os.path.join(a.out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(metas, f, ensure_ascii=False, indent=1)
    print(f"wrote {len(metas)} pipelines to {a.out} ({fails} skipped)")


if __name__ == "__main__":
    main()
