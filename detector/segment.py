"""Segmentation: HTML or plain text -> an ordered list of blocks.

A *block* is the smallest element that reads as one unit. Every block-level
element yields its *own* text: the text of its inline descendants is folded
in (``<br>`` is a space), while nested block-level elements become blocks of
their own. The browser extension's content script (``extension/segment.js``)
implements the same rules on the live DOM, so what the model learned from
HTML holds for the blocks the extension sends; keep the two in step.

We parse with lxml's own tree rather than BeautifulSoup on top of lxml: the
parser is the same, but on the real pages ``bench/bench.py`` measures
BeautifulSoup's tree building alone at several times lxml's, and it would
dominate ``classify-html`` (see the README's "Speed" section for figures).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from .errors import InvalidInput

# Elements whose own text is a block. Shared with extension/segment.js.
BLOCK_TAGS = frozenset(
    "p div li section aside article header footer h1 h2 h3 h4 h5 h6 blockquote td th "
    "figcaption form ul ol dl dd dt table tr main nav figure pre address fieldset center "
    "body details summary dialog label button".split()
)
# Elements skipped with everything inside them.
SKIP_TAGS = frozenset(
    "script style template svg head iframe object canvas math select option input "
    "textarea noscript title meta link".split()
)
# Ancestors whose presence is worth a marker token in ``attrs`` (``_form`` ...).
LANDMARK_TAGS = frozenset("form aside footer header nav dialog".split())

MAX_ATTRS_CHARS = 600
_CSS_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(slots=True)
class Block:
    """One unit of a page as the model sees it."""

    text: str
    tag: str = "p"
    attrs: str = ""
    link_density: float = 0.0
    position: float = 0.0
    selector: str | None = None
    index: int = 0


def normalize_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (``str.split`` and ``\\s`` agree on
    what whitespace is: both ask ``str.isspace``)."""
    return " ".join(text.split())


def _is_hidden(el) -> bool:
    # Only the ``hidden`` attribute: an element hidden by an inline style is
    # often a modal or a notice that the page's script shows later.
    return el.get("hidden") is not None


def _own_tokens(el) -> list[str]:
    tokens: list[str] = []
    if el.get("id"):
        tokens.append(el.get("id"))
    if el.get("class"):
        tokens.extend(el.get("class").split())
    for name in ("role", "aria-label"):
        if el.get(name):
            tokens.append(el.get(name))
    if el.tag in LANDMARK_TAGS:
        tokens.append("_" + el.tag)
    return tokens


def _attrs_of(el, cache: dict) -> str:
    """class/id/role/aria-label tokens of the element, then of each ancestor outwards.

    Memoised per element, ancestors included: every block inside a wrapper shares
    the wrapper's tokens, so each element's are read once per page.
    """
    chain = []  # the element and its ancestors up to the first whose string is known
    node = el
    while node is not None and node.tag not in ("body", "html") and node not in cache:
        chain.append(node)
        node = node.getparent()
    text = cache.get(node, "") if node is not None else ""
    for node in reversed(chain):
        text = normalize_space(" ".join(_own_tokens(node)) + " " + text)
        cache[node] = text  # keyed by the element: the proxy stays alive
    return text[:MAX_ATTRS_CHARS]


def _selector(el, unique_ids: set[str], memo: dict) -> str:
    """A CSS selector unique on the page: from the nearest ancestor with a unique id,
    or from ``html``, by ``tag:nth-of-type(k)`` steps. Memoised per element, since
    every block shares its ancestors' path."""
    if el in memo:
        return memo[el]
    ident = el.get("id")
    parent = el.getparent()
    if ident and ident in unique_ids and _CSS_IDENT.match(ident):
        out = "#" + ident
    elif el.tag == "html" or parent is None or not isinstance(parent.tag, str):
        out = el.tag
    else:
        key = (parent, "types")
        if key not in memo:  # nth-of-type of every child, computed once per parent
            counts: dict[str, int] = {}
            places = {}
            for child in parent:
                if isinstance(child.tag, str):
                    counts[child.tag] = counts.get(child.tag, 0) + 1
                    places[child] = counts[child.tag]
            memo[key] = (counts, places)
        counts, places = memo[key]
        step = el.tag if counts[el.tag] == 1 else f"{el.tag}:nth-of-type({places[el]})"
        out = _selector(parent, unique_ids, memo) + " > " + step
    memo[el] = out
    return out


def _collect(el, texts: list[str], links: list[int], in_link: bool, out: list) -> None:
    """Fold the inline content of ``el`` into ``texts``; queue nested blocks into ``out``."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if child.tail:
                texts.append(child.tail)
                if in_link:
                    links[0] += len(child.tail.strip())
            continue
        tag = tag.lower()
        if tag in SKIP_TAGS or _is_hidden(child):
            pass
        elif tag in BLOCK_TAGS:
            out.append(child)
            texts.append(" ")
        elif tag == "br":
            texts.append(" ")
        else:
            child_in_link = in_link or tag == "a"
            if child.text:
                texts.append(child.text)
                if child_in_link:
                    links[0] += len(child.text.strip())
            _collect(child, texts, links, child_in_link, out)
        if child.tail:
            texts.append(child.tail)
            if in_link:
                links[0] += len(child.tail.strip())


def blocks_from_tree(root) -> list[Block]:
    """Segment an lxml element tree (document order, depth first)."""
    body = root.find(".//body") if root.tag != "body" else root
    if body is None:
        body = root
    unique_ids: set[str] = set()
    seen: set[str] = set()
    for node in root.iter():
        ident = node.get("id") if isinstance(node.tag, str) else None
        if ident:
            (unique_ids.discard if ident in seen else unique_ids.add)(ident)
            seen.add(ident)
    attrs_cache: dict = {}
    selectors: dict = {}
    blocks: list[Block] = []
    stack = [body]
    while stack:
        el = stack.pop()
        if _is_hidden(el):
            continue
        nested: list = []
        texts = [el.text or ""]
        links = [0]
        if el.tag == "a" and el.text:  # a stand-alone link used as the root
            links[0] += len(el.text.strip())
        _collect(el, texts, links, el.tag == "a", nested)
        text = normalize_space("".join(texts))
        if text:
            blocks.append(
                Block(
                    text=text,
                    tag=el.tag,
                    attrs=_attrs_of(el, attrs_cache),
                    link_density=min(1.0, links[0] / max(1, len(text))),
                    selector=_selector(el, unique_ids, selectors),
                )
            )
        stack.extend(reversed(nested))
    return _number(blocks)


def _number(blocks: list[Block]) -> list[Block]:
    last = max(1, len(blocks) - 1)
    for i, block in enumerate(blocks):
        block.index = i
        block.position = i / last
    return blocks


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# lxml.html's parser with plain elements: its HtmlElement classes are looked up by
# a Python method for every element the walk touches, which segmentation does not need.
# One per thread, as lxml advises (the service segments in its worker threads).
_PARSERS = threading.local()
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(raw: bytes) -> str:
    """Bytes -> text: BOM, then a declared charset, then UTF-8, then Windows-1252.

    libxml2 alone reads undeclared UTF-8 as Latin-1, which garbles every
    accented letter of the many pages that declare nothing.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec, errors="replace")
    declared = _META_CHARSET.search(raw[:8192])
    if declared:
        codec = declared.group(1).decode("ascii", "ignore").lower()
        try:
            text = raw.decode(codec, errors="strict")
            return text
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall through to what the bytes say
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_html(markup: str | bytes):
    """Parse a document with lxml's HTML parser; raises InvalidInput on junk."""
    if isinstance(markup, bytes):
        if b"\x00" in markup[:4096]:
            raise InvalidInput("input looks binary, not HTML")
        markup = decode_html(markup)
    if "\x00" in markup[:4096]:
        raise InvalidInput("input looks binary, not HTML")
    if not markup.strip():
        raise InvalidInput("input is empty")
    # lxml refuses a str that carries an XML encoding declaration; the text is decoded already
    markup = _XML_DECL.sub("", markup, count=1)
    try:
        parser = getattr(_PARSERS, "html", None)
        if parser is None:
            parser = _PARSERS.html = etree.HTMLParser()
        root = etree.fromstring(markup, parser)
    except (etree.ParserError, ValueError) as exc:
        raise InvalidInput(f"cannot parse HTML: {exc}") from None
    if root is None:
        raise InvalidInput("cannot parse HTML: the document is empty")
    return root


def segment_html(markup: str | bytes) -> list[Block]:
    """HTML -> blocks. ``markup`` may be bytes (decoded by ``decode_html``)."""
    return blocks_from_tree(parse_html(markup))


def segment_text(text: str) -> list[Block]:
    """Plain text -> one block per paragraph (paragraphs are separated by blank lines)."""
    if "\x00" in text:
        raise InvalidInput("input looks binary, not text")
    paragraphs = [normalize_space(p) for p in re.split(r"\n\s*\n", text)]
    blocks = [Block(text=p, tag="") for p in paragraphs if p]  # no markup: structure unknown
    if not blocks:
        raise InvalidInput("input has no text")
    return _number(blocks)
