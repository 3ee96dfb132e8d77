"""The featurizer's fast paths give exactly what sklearn's own transforms give."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import detector.features as features
from detector.features import BlockFeaturizer, attr_tokens, counted_transform, structure_row, structure_rows

# Varied on purpose: runs of spaces, tabs and no-break spaces, one-letter and
# very long words, words of exactly the n-gram sizes, Cyrillic, digits, text
# past the 1,000 characters the character view reads, empty text.
BLOCKS = [
    {"text": "Support independent journalism today.", "attrs": "donate-box__text donate-box"},
    {"text": "Subscribe  to\tcontinue\u00a0reading", "attrs": "paywall _form"},
    {"text": "a ab abc abcd abcde abcdef", "attrs": ""},
    {"text": "Поддержите нас: 500 ₽ в месяц", "attrs": "podderzhka js-Banner2x"},
    {"text": "", "attrs": "empty"},
    {"text": "Jetzt   abonnieren! " * 80, "attrs": "abo-hinweis _aside _footer"},
    {"text": "The council voted 7-2 on Tuesday.", "attrs": "article__paragraph article__body"},
    {"text": "Sign up", "attrs": "btn btn--primary newsletterSignup__button"},
    {"text": "Soutenez-nous : faites un don déductible à 66 %", "attrs": "appel-dons"},
]


def _same(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    a.sort_indices()
    b.sort_indices()
    return (a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


@pytest.fixture(scope="module")
def featurizer():
    # min_df 1 everywhere, so that this small set has a vocabulary to look up
    fz = BlockFeaturizer()
    fz.word_, fz.char_, fz.attr_ = fz._vectorizers()
    for vec in (fz.word_, fz.char_, fz.attr_):
        vec.set_params(min_df=1, max_df=1.0)
    fit_on = BLOCKS[:5]  # the rest bring words the vocabulary has never seen
    for vec in (fz.word_, fz.char_, fz.attr_):
        vec.fit(fit_on)
    start = len(fz.word_.vocabulary_) + len(fz.char_.vocabulary_)
    fz.attr_slice_ = slice(start, start + len(fz.attr_.vocabulary_))
    return fz


def test_character_ngrams_match_sklearn_exactly(featurizer):
    assert _same(featurizer._char_transform(BLOCKS), featurizer.char_.transform(BLOCKS))
    # and again with the words now cached
    assert _same(featurizer._char_transform(BLOCKS[::-1]), featurizer.char_.transform(BLOCKS[::-1]))


def test_character_ngrams_match_when_the_cache_overflows(featurizer, monkeypatch):
    monkeypatch.setattr(features, "CHAR_CACHE_WORDS", 3)
    featurizer.__dict__.pop("_char_cache", None)
    assert _same(featurizer._char_transform(BLOCKS), featurizer.char_.transform(BLOCKS))
    assert len(featurizer._char_cache) <= 3


def test_character_ngrams_of_no_blocks_and_of_empty_text(featurizer):
    assert featurizer._char_transform([]).shape == (0, len(featurizer.char_.vocabulary_))
    empty = featurizer._char_transform([{"text": ""}, {"text": "   "}])
    assert empty.shape[0] == 2 and empty.nnz == 0


@pytest.mark.parametrize("view", ["word_", "attr_"])
def test_word_and_class_views_match_sklearn_exactly(featurizer, view):
    vectorizer = getattr(featurizer, view)
    assert _same(counted_transform(vectorizer, BLOCKS), vectorizer.transform(BLOCKS))
    assert _same(counted_transform(vectorizer, BLOCKS[::-1]), vectorizer.transform(BLOCKS[::-1]))
    assert counted_transform(vectorizer, []).shape == (0, len(vectorizer.vocabulary_))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3), (3, 3)])
def test_plain_word_ngrams_match_sklearn_for_any_range(ngram_range):
    texts = [b["text"] for b in BLOCKS]
    vectorizer = TfidfVectorizer(ngram_range=ngram_range, sublinear_tf=True).fit(texts[:5] + ["a b", "one"])
    assert features._word_grams(vectorizer) is not None  # the fast path, not sklearn's analyzer
    assert _same(counted_transform(vectorizer, texts), vectorizer.transform(texts))
    assert _same(counted_transform(vectorizer, ["", "one", "a b c d"]), vectorizer.transform(["", "one", "a b c d"]))
    custom = TfidfVectorizer(analyzer=str.split).fit(texts)
    assert features._word_grams(custom) is None


def test_structure_of_a_page_is_the_structure_of_each_block():
    # case counts cover characters beyond the Basic Multilingual Plane (emoji,
    # mathematical letters), a lone surrogate, title-case letters and final sigma
    tricky = [
        {"text": "ǅemal ǈ Σσς ÀÉÎ", "tag": "h2", "link_density": 0.25, "position": 0.5},
        {"text": "😀 𝐀𝐁𝐂 abc 𝑎 Ω", "tag": "span", "link_density": None},
        {"text": "\ud800 lone A", "tag": "", "position": 0.9},
        {"text": "Why not?  ", "tag": "summary"},
    ]
    blocks = BLOCKS + tricky
    expected = np.array([structure_row(b) for b in blocks], dtype=np.float32)
    assert np.array_equal(structure_rows(blocks), expected)
    assert np.array_equal(structure_rows(blocks[::-1]), expected[::-1])
    assert structure_rows([]).shape == (0, expected.shape[1])


def test_whole_matrix_matches_the_plain_sklearn_path(featurizer):
    fast = featurizer.transform(BLOCKS)
    featurizer.__dict__.pop("_char_cache", None)
    plain = features.sparse.hstack([
        featurizer.word_.transform(BLOCKS), featurizer.char_.transform(BLOCKS),
        featurizer.attr_.transform(BLOCKS) * featurizer.attr_weight,
        features.sparse.csr_matrix(np.array([features.structure_row(b) for b in BLOCKS], dtype=np.float32)
                                   * featurizer.struct_weight),
    ], format="csr")
    assert _same(fast, plain)


def test_the_cache_is_not_saved_with_the_model(featurizer):
    featurizer._char_transform(BLOCKS)
    assert featurizer._char_cache
    assert "_char_cache" not in featurizer.__getstate__()


@pytest.mark.parametrize("attrs, expected", [
    ("newsletterSignup__title", ("newsletter", "signup", "title")),
    ("c-donate-box _form x 2024 a1", ("donate", "box", "_form", "a1")),
    ("_aside Banner2x paywall--v2 _nav", ("_aside", "banner2x", "paywall", "v2", "_nav")),
    ("spendenaufruf Поддержка", ("spendenaufruf", "поддержка")),
    ("", ()),
])
def test_class_words(attrs, expected):
    assert attr_tokens(attrs) == expected
