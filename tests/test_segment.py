import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from detector.errors import InvalidInput
from detector.segment import normalize_space, segment_html, segment_text

PAGE = """<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
<header class="site-header"><nav aria-label="Main"><ul><li><a href="/d">Donate</a></li><li>World</li></ul></nav></header>
<article class="story" id="main">
  <h1>Floods <em>hit</em> the valley</h1>
  <p>First paragraph with <a href="/x">a link</a> and a<br>line break.</p>
  <div class="newsletterBox nl-box"><h3>Sign up</h3>Get the briefing
    <form><label>Email</label><input name="e" value="not text"><select><option>Daily</option></select>
    <button>Subscribe</button></form>
  </div>
  <script>var hidden = "script text";</script><template><p>template text</p></template>
  <p hidden>hidden text</p><!-- a comment -->
  <table><tr><td>cell one</td><td>cell two</td></tr></table>
  <figure><img src="x.jpg"><figcaption>A caption</figcaption></figure>
</article></body></html>"""


def texts(blocks):
    return [b.text for b in blocks]


def test_blocks_are_own_text_with_inline_children_folded():
    blocks = segment_html(PAGE)
    assert "Floods hit the valley" in texts(blocks)
    assert "First paragraph with a link and a line break." in texts(blocks)
    # nested block elements become their own blocks; the parent keeps only its own text
    assert "Get the briefing" in texts(blocks)
    assert "Sign up" in texts(blocks) and "Subscribe" in texts(blocks) and "Email" in texts(blocks)


def test_skipped_elements_leave_no_text():
    joined = " ".join(texts(segment_html(PAGE)))
    for gone in ("script text", "template text", "hidden text", "not text", "Daily", "a comment", "T "):
        assert gone not in joined


def test_attrs_carry_element_and_ancestor_tokens_innermost_first():
    blocks = {b.text: b for b in segment_html(PAGE)}
    assert blocks["Subscribe"].attrs.split()[:1] == ["_form"]
    assert "newsletterBox" in blocks["Subscribe"].attrs and "story" in blocks["Subscribe"].attrs
    assert blocks["Donate"].attrs == "Main _nav site-header _header"
    assert blocks["Donate"].tag == "li"


def test_link_density_position_and_selectors():
    blocks = segment_html(PAGE)
    by = {b.text: b for b in blocks}
    assert by["Donate"].link_density == 1.0
    assert 0 < by["First paragraph with a link and a line break."].link_density < 0.3
    assert blocks[0].position == 0.0 and blocks[-1].position == 1.0
    assert by["A caption"].selector == "#main > figure > figcaption"
    assert by["cell two"].selector.endswith("td:nth-of-type(2)")
    # the selectors are unique on the page
    assert len({b.selector for b in blocks}) == len(blocks)


def test_bytes_input_honours_meta_charset():
    html = '<html><head><meta charset="windows-1251"></head><body><p>Поддержите нас</p></body></html>'
    assert texts(segment_html(html.encode("cp1251"))) == ["Поддержите нас"]


def test_xml_declaration_in_a_string_is_accepted():
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>ok</p></body></html>'
    assert texts(segment_html(html)) == ["ok"]


@pytest.mark.parametrize("bad", ["", "   ", b"\x00\x01\x02binary", "\x00"])
def test_junk_html_is_refused(bad):
    with pytest.raises(InvalidInput):
        segment_html(bad)


def test_plain_text_paragraphs_split_on_blank_lines():
    blocks = segment_text("First line\ncontinues here.\n\n\n  Second   para.  \n \nThird")
    assert texts(blocks) == ["First line continues here.", "Second para.", "Third"]
    assert all(b.tag == "" and b.selector is None for b in blocks)


def test_plain_text_without_text_is_refused():
    with pytest.raises(InvalidInput):
        segment_text("\n\n  \n")


def test_undeclared_utf8_bytes_are_not_read_as_latin1():
    html = "<html><body><p>Lo más importante del día</p></body></html>".encode("utf-8")
    assert texts(segment_html(html)) == ["Lo más importante del día"]


def test_undeclared_legacy_bytes_fall_back_to_windows_1252():
    html = "<html><body><p>Café – crème</p></body></html>".encode("cp1252")
    assert texts(segment_html(html)) == ["Café – crème"]


def test_whitespace_is_folded_as_the_regex_would_fold_it():
    # every character that either Python's \s or str.isspace calls whitespace,
    # alone, in runs and at the ends, between words in several scripts
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() or re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20
    text = spaces[0] + "".join(f"word{i}{sp}{sp}слово{sp}" for i, sp in enumerate(spaces)) + "漢字" + "".join(spaces)
    assert normalize_space(text) == re.sub(r"\s+", " ", text).strip()
    assert normalize_space("".join(spaces)) == ""


def test_pages_segmented_in_threads_at_once_equal_pages_segmented_one_by_one():
    # each thread parses with a parser of its own; the service segments in worker threads
    pages = sorted((Path(__file__).parent / "pages").glob("*/source.html"))
    sources = [p.read_bytes() for p in pages] * 4
    alone = [segment_html(src) for src in sources]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(segment_html, sources))
    assert len(pages) >= 8 and together == alone
