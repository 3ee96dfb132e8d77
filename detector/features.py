"""Features of a block: text n-grams, class/id tokens and shallow structure.

Word and character n-grams cover every language without per-language code;
the class/id/role tokens of the element and its ancestors carry what the page's
own markup says ("newsletter-signup", "paywall"); a few structural numbers
(length, link density, position, tag) tell a button from a paragraph.
"""

from __future__ import annotations

import copy
import math
import re
from functools import lru_cache, partial
from itertools import chain
from operator import is_not

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ATTR_WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0400-\u04FF]+")
_DIGITS = re.compile(r"\d")
_CURRENCY = re.compile(r"[$€£₽₴¥]|\b(?:usd|eur|rub|руб|грн|zł|pln|r\$)\b", re.I)
_EMAIL_HINT = re.compile(r"@|e-?mail|почт|courriel|correo", re.I)

TAG_GROUPS = {
    "p": "p", "div": "div", "li": "li", "td": "cell", "th": "cell", "button": "button",
    "label": "label", "figcaption": "caption", "blockquote": "quote", "a": "link",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "section": "section", "aside": "aside", "form": "form",
    "header": "section", "footer": "section", "article": "section", "dd": "li", "dt": "li",
    "summary": "label", "dialog": "aside",
}
_GROUPS = sorted(set(TAG_GROUPS.values()) | {"other", "unknown"})


@lru_cache(maxsize=8192)
def attr_tokens(attrs: str) -> tuple[str, ...]:
    """Split class/id soup into lower-case words: ``newsletterSignup__title`` -> newsletter signup title.

    Cached: the paragraphs of one container share one attrs string, and a
    site's chrome repeats from page to page.
    """
    out: list[str] = []
    run: list[str] = []  # class words between landmark markers, split in one pass
    for raw in attrs.split():
        if raw.startswith("_") and raw[1:].isalpha() and raw[1:].islower():
            _split_attr_run(run, out)
            out.append(raw)  # landmark marker such as _form
        else:
            run.append(raw)
    _split_attr_run(run, out)
    return tuple(out)


def _split_attr_run(run: list[str], out: list[str]) -> None:
    if run:
        words = _ATTR_WORD.findall(_CAMEL.sub(" ", " ".join(run)))
        out.extend(w.lower() for w in words if len(w) > 1 and not w.isdigit())
        run.clear()


def _attr_analyzer(attrs: str) -> list[str]:
    tokens = attr_tokens(attrs)
    # the element's own first tokens matter most: mark the first three words
    return [*tokens, *("^" + t for t in tokens[:3])]


def _lower_text(block) -> str:
    return block["text"].lower()


def _lower_head(block) -> str:
    return block["text"][:1000].lower()


def _block_attr_analyzer(block) -> list[str]:
    # a constant token keeps the vocabulary non-empty for text-only corpora
    return _attr_analyzer(block.get("attrs") or "") + ["_"]


def structure_row(block: dict) -> list[float]:
    """The structure numbers of one block: their definition, which ``structure_rows`` computes a page at a time."""
    text = block["text"]
    n = len(text)
    words = max(1, len(text.split()))
    upper = sum(map(str.isupper, text))
    letters = sum(map(str.isalpha, text)) or 1
    tag = block.get("tag")
    # No tag = text without markup (plain text, the text-only corpus): its
    # structure is unknown, not "a paragraph", so that tag, position and link
    # density are learned from real markup only.
    group = TAG_GROUPS.get(tag, "other") if tag else "unknown"
    known = 1.0 if tag else 0.0
    row = [
        math.log1p(n) / 8.0,
        min(words, 80) / 80.0,
        1.0 if n <= 25 else 0.0,
        1.0 if n >= 300 else 0.0,
        known * float(block.get("link_density") or 0.0),
        known * float(block.get("position") or 0.0),
        upper / letters,
        1.0 if _DIGITS.search(text) else 0.0,
        1.0 if _CURRENCY.search(text) else 0.0,
        1.0 if _EMAIL_HINT.search(text) else 0.0,
        text.count("!") / words,
        1.0 if text.rstrip().endswith("?") else 0.0,
    ]
    row.extend(1.0 if group == g else 0.0 for g in _GROUPS)
    return row


_GROUP_COLUMN = {g: i for i, g in enumerate(_GROUPS)}
_BMP = 0x10000


@lru_cache(maxsize=1)
def _case_tables() -> tuple[np.ndarray, np.ndarray]:
    """Is-upper and is-letter of every BMP code point, as Python answers them (built on first use)."""
    chars = [chr(c) for c in range(_BMP)]
    return tuple(np.fromiter(map(test, chars), dtype=bool, count=_BMP) for test in (str.isupper, str.isalpha))


def _case_counts(texts: list[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per text, ``sum(map(str.isupper, text))`` and ``sum(map(str.isalpha, text))``, for a whole page at once.

    Python's own per-character answers, looked up in a table over the Basic
    Multilingual Plane; the rare characters beyond it (emoji, historic scripts)
    are asked one by one.
    """
    is_upper, is_alpha = _case_tables()
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    astral = codes >= _BMP
    bmp = np.where(astral, 0, codes)  # code point 0 is neither upper nor a letter
    upper, alpha = is_upper[bmp], is_alpha[bmp]
    for i in np.flatnonzero(astral):
        upper[i], alpha[i] = joined[i].isupper(), joined[i].isalpha()
    ends = np.cumsum(lengths)
    starts = ends - lengths
    out = []
    for flags in (upper, alpha):
        running = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        out.append(running[ends] - running[starts])
    return out[0], out[1]


def structure_rows(blocks: list[dict]) -> np.ndarray:
    """``[structure_row(b) for b in blocks]`` as one float32 array, the same numbers, a page at a time."""
    texts = [b["text"] for b in blocks]
    rows = np.zeros((len(blocks), len(STRUCTURE_NAMES)), dtype=np.float64)
    if not blocks:
        return rows.astype(np.float32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    upper, letters = _case_counts(texts, lengths)
    words = np.maximum(1, np.fromiter((len(t.split()) for t in texts), dtype=np.float64, count=len(texts)))
    tags = [b.get("tag") for b in blocks]
    known = np.array([1.0 if tag else 0.0 for tag in tags])
    rows[:, 0] = [math.log1p(n) / 8.0 for n in lengths.tolist()]
    rows[:, 1] = np.minimum(words, 80) / 80.0
    rows[:, 2] = lengths <= 25
    rows[:, 3] = lengths >= 300
    rows[:, 4] = known * np.array([float(b.get("link_density") or 0.0) for b in blocks])
    rows[:, 5] = known * np.array([float(b.get("position") or 0.0) for b in blocks])
    rows[:, 6] = upper / np.where(letters == 0, 1, letters)
    for col, pattern in ((7, _DIGITS), (8, _CURRENCY), (9, _EMAIL_HINT)):
        rows[:, col] = [pattern.search(t) is not None for t in texts]
    rows[:, 10] = np.array([t.count("!") for t in texts]) / words
    rows[:, 11] = [t.rstrip().endswith("?") for t in texts]
    groups = [_GROUP_COLUMN[TAG_GROUPS.get(tag, "other") if tag else "unknown"] for tag in tags]
    rows[np.arange(len(blocks)), 12 + np.array(groups)] = 1.0
    return rows.astype(np.float32)


STRUCTURE_NAMES = [
    "log length", "word count", "short block", "long block", "link density", "position",
    "upper-case share", "has digits", "has price", "mentions e-mail", "exclamations",
    "is a question",
] + [f"tag {g}" for g in _GROUPS]


def _distinct(keys) -> tuple[list[int], list[int]]:
    """Where each distinct key first occurs, and for every position its distinct key's number."""
    number: dict = {}
    firsts: list[int] = []
    rows = []
    for i, key in enumerate(keys):
        if key not in number:
            number[key] = len(firsts)
            firsts.append(i)
        rows.append(number[key])
    return firsts, rows


def _word_char_grams(word: str, lo: int, hi: int) -> list[str]:
    """One word's ``char_wb`` n-grams: padded with a space each side, sizes lo..hi, and a
    word no longer than an n-gram size counted once, whole (as sklearn does)."""
    w = f" {word} "
    size = len(w)
    if size <= lo:
        return [w]
    return [w[i:i + n] for n in range(lo, min(hi, size) + 1) for i in range(size - n + 1)]


_KNOWN = partial(is_not, None)  # filter() keeps vocabulary indices, 0 included, and drops None


# Words whose character n-grams are remembered (about 20 MB at most), per featurizer.
CHAR_CACHE_WORDS = 60_000


def _count_matrix(flat: list[int], row_sizes: np.ndarray, width: int, dtype) -> sparse.csr_matrix:
    """sklearn's count matrix from every n-gram's vocabulary index, doc after doc
    (``row_sizes`` of them per doc): sorted by column within a row, repeats summed."""
    n = len(row_sizes)
    keys = np.repeat(np.arange(n, dtype=np.int64), row_sizes) * width
    keys += np.array(flat, dtype=np.int64)
    cells, counts = np.unique(keys, return_counts=True)  # sorted: row by row, columns ascending
    indptr = np.searchsorted(cells // width, np.arange(n + 1))
    return sparse.csr_matrix(
        (counts.astype(dtype), (cells % width).astype(np.int32), indptr.astype(np.int32)), shape=(n, width),
    )


def _tfidf(vectorizer, counts):
    """The vectorizer's tf-idf weighting of a fresh count matrix, in place, as
    ``TfidfTransformer.transform`` computes it, without re-validating a matrix
    built here (its checks took nine tenths of its time)."""
    weights = vectorizer._tfidf
    if weights.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    if hasattr(weights, "idf_"):
        counts.data *= weights.idf_[counts.indices]
    if weights.norm == "l2":
        inplace_csr_row_normalize_l2(counts)
    elif weights.norm is not None:
        counts = normalize(counts, norm=weights.norm, copy=False)
    return counts


def _count_docs(vectorizer, docs, ids_of) -> sparse.csr_matrix:
    """The vectorizer's count matrix for ``docs``, from ``ids_of(doc)``: the vocabulary
    index of every n-gram of the doc that the vocabulary knows."""
    flat: list[int] = []
    row_sizes = np.zeros(len(docs), dtype=np.int64)
    for r, doc in enumerate(docs):
        start = len(flat)
        flat += ids_of(doc)
        row_sizes[r] = len(flat) - start
    return _count_matrix(flat, row_sizes, len(vectorizer.vocabulary_), vectorizer.dtype)


def _char_counts(vectorizer, docs, cache: dict):
    """The count matrix of the fitted ``char_wb`` vectorizer for ``docs``, built from cached words.

    ``char_wb`` n-grams never cross a word boundary, so a text's n-grams are the
    concatenation of its words' n-grams, and words repeat (within a page, and
    from page to page of a site). Each distinct word is analysed once into its
    vocabulary indices.
    """
    lo, hi = vectorizer.ngram_range
    vocab = vectorizer.vocabulary_
    pre = vectorizer.preprocessor

    def word_ids(word: str) -> list[int]:
        ids = cache.get(word)
        if ids is None:
            ids = [*filter(_KNOWN, map(vocab.get, _word_char_grams(word, lo, hi)))]
            if len(cache) >= CHAR_CACHE_WORDS:
                cache.clear()
            cache[word] = ids
        return ids

    return _count_docs(vectorizer, docs, lambda doc: chain.from_iterable(map(word_ids, pre(doc).split())))


def char_transform(vectorizer, docs, cache: dict):
    """``vectorizer.transform(docs)`` for this module's fitted ``char_wb`` vectorizer, the same matrix, faster."""
    return _tfidf(vectorizer, _char_counts(vectorizer, docs, cache))


def _word_grams(vectorizer):
    """A function giving the word n-grams the vectorizer's own analyzer gives a doc (in
    another order, which counting ignores), or None when the analyzer is not sklearn's
    plain word analyzer (no custom tokenizer, no stop words).

    sklearn joins each n-gram from a fresh slice of the token list; zipping the
    shifted lists and joining in one ``map`` makes the same strings at a fraction
    of the cost.
    """
    if (vectorizer.analyzer != "word" or vectorizer.tokenizer is not None or vectorizer.stop_words is not None
            or vectorizer.input != "content"):
        return None
    decode, preprocess, tokenize = vectorizer.decode, vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    lo, hi = vectorizer.ngram_range
    sizes = range(max(lo, 2), hi + 1)

    def grams(doc):
        tokens = tokenize(preprocess(decode(doc)))
        out = list(tokens) if lo == 1 else []
        for n in sizes:
            out += map(" ".join, zip(*(tokens[i:] for i in range(n))))
        return out

    return grams


def counted_transform(vectorizer, docs):
    """``vectorizer.transform(docs)`` for any fitted TfidfVectorizer, the same matrix, faster.

    The vectorizer's own analyzer (or, for plain word n-grams, ``_word_grams``)
    cuts each doc into n-grams; their vocabulary indices are looked up in one
    C-level pass and counted in numpy, where sklearn counts them one by one in a
    Python loop.
    """
    analyze = _word_grams(vectorizer) or vectorizer.build_analyzer()
    vocab = vectorizer.vocabulary_
    return _tfidf(vectorizer, _count_docs(vectorizer, docs, lambda doc: filter(_KNOWN, map(vocab.get, analyze(doc)))))


def _transform_distinct(vectorizer, blocks, distinct, transform=None):
    """``vectorizer.transform(blocks)``, computed once per distinct key (see ``_distinct``).

    A fitted vectorizer maps each row on its own, and a page repeats itself: the
    paragraphs of one container share one class string, menus repeat their
    items. Same rows, a fraction of the n-gram work.
    """
    transform = transform or vectorizer.transform
    firsts, rows = distinct
    if len(firsts) == len(blocks):
        return transform(blocks)
    return transform([blocks[i] for i in firsts])[rows]


class BlockFeaturizer(TransformerMixin, BaseEstimator):
    """dict blocks -> one sparse matrix: word n-grams | char n-grams | attr tokens | structure."""

    def __init__(self, word_max=120_000, char_max=150_000, attr_max=20_000, attr_weight=0.5,
                 struct_weight=0.25, word_max_df=0.05):
        self.word_max = word_max
        # dropping the most frequent words (and, the, we, ...) keeps the
        # corpus's style of writing from passing for a cue
        self.word_max_df = word_max_df
        self.char_max = char_max
        self.attr_max = attr_max
        # Smaller scales = stronger regularisation of a group: the labeled pages are
        # synthetic, and their markup must not outweigh what the words say.
        self.attr_weight = attr_weight
        self.struct_weight = struct_weight

    def _vectorizers(self):
        return (
            TfidfVectorizer(
                preprocessor=_lower_text, token_pattern=r"(?u)\b\w+\b",
                ngram_range=(1, 2), min_df=2, max_df=self.word_max_df, max_features=self.word_max,
                sublinear_tf=True,
                dtype=np.float32,
            ),
            TfidfVectorizer(
                preprocessor=_lower_head, analyzer="char_wb",
                ngram_range=(3, 5), min_df=3, max_features=self.char_max, sublinear_tf=True,
                dtype=np.float32,
            ),
            TfidfVectorizer(
                analyzer=_block_attr_analyzer, min_df=2,
                max_features=self.attr_max, sublinear_tf=True, dtype=np.float32,
            ),
        )

    def fit(self, blocks, y=None):
        self.word_, self.char_, self.attr_ = self._vectorizers()
        self.word_.fit(blocks)
        self.char_.fit(blocks)
        self.attr_.fit(blocks)
        start = len(self.word_.vocabulary_) + len(self.char_.vocabulary_)
        self.attr_slice_ = slice(start, start + len(self.attr_.vocabulary_))
        return self

    def transform(self, blocks):
        blocks = list(blocks)
        struct = sparse.csr_matrix(structure_rows(blocks) * self.struct_weight)
        by_text = _distinct(b["text"] for b in blocks)
        by_attrs = _distinct(b.get("attrs") or "" for b in blocks)
        return sparse.hstack(
            [
                _transform_distinct(self.word_, blocks, by_text, partial(counted_transform, self.word_)),
                _transform_distinct(self.char_, blocks, by_text, self._char_transform),
                _transform_distinct(self.attr_, blocks, by_attrs, partial(counted_transform, self.attr_))
                * self.attr_weight,
                struct,
            ],
            format="csr",
        )

    def _char_transform(self, blocks):
        if self.char_.analyzer != "char_wb":  # the fast path knows this analyzer only
            return self.char_.transform(blocks)
        return char_transform(self.char_, blocks, self.__dict__.setdefault("_char_cache", {}))

    # joblib unpickles with the pure-Python unpickler, where a dict of 300,000
    # n-grams takes seconds; one joined string of the terms takes milliseconds.
    _VECTORIZERS = ("word_", "char_", "attr_")

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_char_cache", None)  # a cache, rebuilt as pages arrive
        for name in self._VECTORIZERS:
            if name in state:
                vec = copy.copy(state[name])
                vocab = vec.__dict__.pop("vocabulary_")
                state[name] = vec
                state[name + "terms"] = "\x00".join(sorted(vocab, key=vocab.__getitem__))
        return state

    def __setstate__(self, state):
        for name in self._VECTORIZERS:
            terms = state.pop(name + "terms", None)
            if terms is not None:
                state[name].vocabulary_ = {t: i for i, t in enumerate(terms.split("\x00"))} if terms else {}
        self.__dict__.update(state)

    def feature_names(self) -> list[str]:
        names = [f"word '{w}'" for w in self.word_.get_feature_names_out()]
        names += [f"chars '{c}'" for c in self.char_.get_feature_names_out()]
        names += [f"class '{a}'" for a in self.attr_.get_feature_names_out()]
        names += STRUCTURE_NAMES
        return names
