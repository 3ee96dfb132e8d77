"""The corpus's second pass, run by CI: no errors, and the data set is as large and varied as promised."""

import pytest

from training.check_corpus import check

LANGS = ("en", "ru", "uk", "de", "fr", "es", "pt", "it", "pl")


@pytest.fixture(scope="module")
def report():
    return check()


def test_the_corpus_check_finds_no_errors(report):
    assert [f.message for f in report.errors] == []


def test_size_publishers_and_pages(report):
    c = report.counts
    assert c["blocks"] >= 10_000 and c["publishers"] >= 250
    assert c["pages"]["pages"] >= 400 and c["pages"]["pages_not_matching"] == 0
    assert c["pages"]["publishers_covered"] >= 250


def test_every_language_has_at_least_300_blocks(report):
    total = report.counts["total"]
    assert {lang: total.get(lang, 0) for lang in LANGS if total.get(lang, 0) < 300} == {}


def test_every_category_is_present_and_hard_negatives_are_a_third_of_content(report):
    c = report.counts
    assert set(c["by_label"]) == {"donation", "paywall", "newsletter", "adblock", "foreign_agent"}
    assert sum(c["by_label"]["foreign_agent"].values()) >= 200
    assert sum(c["hard_negative"].values()) >= sum(c["content"].values()) / 3
