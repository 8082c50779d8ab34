"""An article page → its main text, with trafilatura, minus the page chrome it keeps.

trafilatura drops navigation, byline boxes, comments and ads, and keeps one
paragraph a line, which is what the quote extractor needs (a paragraph break
ends a carried speaker). What it still lets through, measured against
ground-truth article text (benchmarks/fulltext.py), is page furniture a reader
never reads as the story: the headline and standfirst repeated as the first
lines, related-story links ("READ MORE: …", "DON'T MISS" lists), bylines,
captions, newsletter and follow-us lines, "originally appeared on …" footers,
embedded-post chrome and pop-up cards hidden inside a paragraph. Every one of
them is a line a quote extractor would read as speech or as a speaker, so this
module removes them with general signals, not per-site rules: what the markup
hides, how much of a line is link text, what the page's own metadata says the
headline, standfirst and author are, and a short list of newsroom boilerplate
formulas. It is CPU work, so callers run it in a thread.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

# trafilatura logs every page it finds too short at WARNING; that is our fallback path.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

import lxml.etree as etree  # noqa: E402
import trafilatura  # noqa: E402 - after quieting its logger
from trafilatura.utils import load_html  # noqa: E402

MIN_ARTICLE_CHARS = 200
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCKS = frozenset({"p", "head", "item", "quote", "cell"})
_LABEL_WORDS = 4  # "DON'T MISS", "Related:", "More from the author"


def article_text(html: bytes | str, *, url: str | None = None) -> str | None:
    """The page's main text, one paragraph a line, or None when there is none worth keeping.

    Never raises: a hostile or broken page gives None, and the caller keeps what
    the feed said instead. Plain function so ingest, the article reader and
    ``newsbrief quotes page.html`` all read a page the same way."""
    if not html or not html.strip():
        return None
    try:
        text = _extract(html, url)
    except Exception:  # lxml/trafilatura on hostile markup: "no article text"
        return None
    if not text:
        return None
    text = _BLANK_LINES.sub("\n", text).strip()
    return text if len(text) >= MIN_ARTICLE_CHARS else None


def page_text(html: bytes | str, *, url: str | None = None) -> str:
    """What a reader reads on the page: its article text, or, when there is no article
    worth the name (a short notice), its visible paragraphs — never script, style or
    template text. Empty when the page shows nothing; never raises."""
    text = article_text(html, url=url)
    if text is not None:
        return text
    try:
        tree = load_html(html) if html and html.strip() else None
    except Exception:  # lxml on hostile markup: nothing to read
        return ""
    if tree is None:
        return ""
    for el in list(tree.iter("script", "style", "noscript", "template", "head", "svg")):
        if el.getparent() is not None:
            _remove_keeping_tail(el, el.getparent())
    for block in tree.iter(*_HTML_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in "".join(tree.itertext()).splitlines())
    return "\n".join(line for line in lines if line)


_HTML_BLOCKS = ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr", "section")


def looks_like_html(data: bytes) -> bool:
    """Whether a file's bytes are an HTML page (by content: a file name can lie)."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or any(
        tag in head for tag in (b"<html", b"<head>", b"<body", b"<meta ")
    )


def _extract(html: bytes | str, url: str | None) -> str | None:
    tree = load_html(html)  # trafilatura's own decoding: the page's charset, then guesses
    if tree is None:
        return None
    _drop_hidden_and_widgets(tree)
    xml = trafilatura.extract(
        tree,
        url=url,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=True,  # only to measure link density; no link survives in the text
        include_images=False,
        # trafilatura's deduplication counts paragraphs in a process-wide cache, so a page
        # read a third time (a re-fetch, `quotes <url>`) lost its paragraphs; _clean
        # drops a line repeated within the page instead
        deduplicate=False,
    )
    if not xml:
        return None
    parser = etree.XMLParser(recover=True, resolve_entities=False)
    doc = etree.fromstring(xml.encode("utf-8"), parser)
    if doc is None:
        return None
    meta = _Meta.of(doc)
    main = doc.find("main")
    lines = list(_lines(main if main is not None else doc))
    return "\n".join(_clean(lines, meta))


# -- before extraction: what the page hides or pops up ------------------------------

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CAPTION_PARTS = frozenset({"caption", "captions", "figcaption", "credit", "credits", "byline"})
_CLASS_PARTS = re.compile(r"[\s_-]+")
# An element holding this much text is the page or the story, whatever its attributes say
# (a body class "f_caption_muted_videos_on", an article hidden until a script runs).
_MAX_DROPPED_CHARS = 1500
_MAX_DROPPED_PARAGRAPHS = 2


def _drop_hidden_and_widgets(tree: etree._Element) -> None:
    """Remove what a reader never sees as the story: hidden elements, figure captions
    and image credits, and inline widgets (a pop-up card with a portrait and links to
    other stories) nested inside a paragraph."""
    doomed: list[etree._Element] = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "p":
            doomed.extend(_widgets(el))
        elif _looks_hidden_or_caption(el):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None or el.tag in ("body", "main", "article"):
            continue
        if len("".join(el.itertext())) > _MAX_DROPPED_CHARS:
            continue
        if sum(1 for _ in el.iter("p")) > _MAX_DROPPED_PARAGRAPHS:
            continue
        _remove_keeping_tail(el, parent)


def _looks_hidden_or_caption(el: etree._Element) -> bool:
    if el.tag == "figcaption" or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    parts = _CLASS_PARTS.split((el.get("class") or "").lower())
    return any(part in _CAPTION_PARTS for part in parts)


def _widgets(paragraph: etree._Element) -> Iterator[etree._Element]:
    """Pop-up cards inside a paragraph: for each image, the smallest element around it
    that also holds two or more links (a portrait, the name, other stories)."""
    for img in paragraph.iter("img", "picture"):
        el = img.getparent()
        while el is not None and el is not paragraph:
            if sum(1 for _ in el.iter("a")) >= 2:
                yield el
                break
            el = el.getparent()


def _remove_keeping_tail(el: etree._Element, parent: etree._Element) -> None:
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


# -- the extracted XML → lines with their link share --------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    linked: str  # the words of the line that are link text
    heading: bool


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str
    description: str
    author: str

    @classmethod
    def of(cls, doc: etree._Element) -> _Meta:
        return cls(
            _norm(doc.get("title") or ""),
            _norm(doc.get("description") or ""),
            _norm(doc.get("author") or ""),
        )


def _lines(root: etree._Element) -> Iterator[_Line]:
    for el in root.iter(*_BLOCKS):
        if any(child.tag in _BLOCKS for child in el.iter() if child is not el):
            continue  # a container (a quote around paragraphs): its paragraphs speak for it
        parts: list[tuple[str, bool]] = []
        _pieces(el, False, parts)
        text, linked = "", ""
        for piece, in_link in [*parts, ("\n", False)]:
            if piece == "\n":
                if text.strip():
                    # trafilatura's XML keeps entities of the page's text escaped once
                    # more ("&lt;b&gt;" stays text): its plain-text output unescapes them
                    line = html.unescape(" ".join(text.split()))
                    yield _Line(line, html.unescape(linked), el.tag == "head")
                text, linked = "", ""
                continue
            text += piece
            if in_link:
                linked += " " + piece


def _pieces(el: etree._Element, in_link: bool, out: list[tuple[str, bool]]) -> None:
    in_link = in_link or el.tag == "ref"
    text = el.text or ""
    before = next((piece for piece, _ in reversed(out) if piece), "")
    if el.tag == "ref" and text[:1].isalnum() and before[-1:].isalnum():
        text = " " + text  # "announced<ref>the leaders</ref>": the space went with markup
    out.append((text, in_link))
    for child in el:
        if child.tag == "lb":
            out.append(("\n", False))
        else:
            _pieces(child, in_link, out)
        tail = child.tail or ""
        before = next((piece for piece, _ in reversed(out) if piece), "")
        if child.tag == "ref" and tail[:1].isalnum() and before[-1:].isalnum():
            tail = " " + tail  # "<ref>located</ref><ref> </ref>near": the blank link is gone
        out.append((tail, in_link and child.tag != "ref"))


# -- which lines are page chrome ------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]\s*$")
_BOILERPLATE = re.compile(
    "|".join(
        [
            # newsletters and follow-us lines
            r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletter|inbox|updates|alerts)\b",
            r"\bnewsletter\b.{0,80}\b(?:inbox|sign up|subscribe|delivered)\b",
            r"^follow (?:us|@?\w+(?: \w+)?) on (?:twitter|facebook|instagram|youtube)",
            r"^(?:get|download) the .{0,40}\bapp\b",
            r"^click here\b",
            # syndication footers and credits
            r"\b(?:originally|first) (?:appeared|published|ran) (?:on|in|at)\b",
            r"\bcontributed (?:to )?(?:this )?(?:report|reporting|story|article)\b",
            r"^(?:write|reach|contact|email) (?:to )?(?:the )?"
            r"(?:reporters?|authors?|writers?|us|\w+ \w+)?\b.{0,40}"
            r"(?:@|\bat https?:|\bon twitter\b)",
            r"^(?:copyright|©)|all rights reserved",
            r"^(?:image|photo|picture|video) (?:credit|courtesy)|^\((?:image|photo) credit",
            r"^(?:photo|image|credits?|source|sources|related|more)\s*:",
            # page furniture
            r"^(?:updated|published|posted|last updated)\b\s*(?::|at\b|on\b)",
            r"^(?:order reprints|print article|share (?:this|on)\b|an error has occurred)",
            r"^this (?:article|story) has been sent to\b",
            r"^(?:thank you|comments?|\d+ comments?|advertisement|loading\b.*)\.?$",
            # embedded posts
            r"^view this post on instagram$",
            r"^a post shared by\b",
            r"^(?:this|the) copy is for your personal\b",
        ]
    ),
    re.IGNORECASE,
)
_NAME_WORD = r"[^\W\d_][\w.'’-]*"
_BARE = re.compile(  # a URL, an e-mail address, a timestamp, "By Jo Winter"
    rf"^(?:https?://\S+|\S+@\S+\.\w+|[\d\s:+\-TZ/.,]+|by {_NAME_WORD}(?: {_NAME_WORD}){{0,3}})$",
    re.IGNORECASE,
)
_BOILERPLATE_MAX_WORDS = 30  # a formula is a short line; a long one is a paragraph that mentions it
_PIC_LINK = re.compile(r"\s*\bpic\.twitter\.com/\w+")  # an embedded tweet's image link
_DROP_CAP = re.compile(r"^[A-Z“\"‘']$")


def _clean(lines: list[_Line], meta: _Meta) -> list[str]:
    kept: list[str] = []
    seen: set[str] = set()
    dropped_links = [_is_link_line(line) for line in lines]
    carry = ""
    for i, line in enumerate(lines):
        text = carry + line.text
        carry = ""
        if _DROP_CAP.match(text) and i + 1 < len(lines) and lines[i + 1].text[:1].islower():
            carry = text  # a drop cap set apart from its paragraph: "T" + "he mayor said …"
            continue
        norm = _norm(text)
        if not norm or norm in seen:
            continue  # the same line twice (a headline repeated, a pull quote's twin)
        if dropped_links[i] or _is_chrome(text, norm, line, meta, first=not kept):
            continue
        if _is_label(text) and (i + 1 >= len(lines) or dropped_links[i + 1]):
            continue  # "DON'T MISS", "More:" — the label of the links that follow
        seen.add(norm)
        kept.append(_PIC_LINK.sub("", text).rstrip())
    return kept


def _is_link_line(line: _Line) -> bool:
    """A related-story link: the line is link text but for a label ("READ MORE:",
    "[VIDEO]", "- "), never a sentence with a linked name in it."""
    if not line.linked.strip():
        return False
    words = _WORD.findall(line.text)
    linked = _WORD.findall(line.linked)
    outside = len(words) - len(linked)
    if outside > 2:
        return False
    rest = _WORD.findall(line.text.replace(line.linked.strip(), " ")) if outside > 0 else []
    return not any(w[:1].islower() for w in rest)  # "said" outside the link: a sentence


def _is_chrome(text: str, norm: str, line: _Line, meta: _Meta, *, first: bool) -> bool:
    if norm == meta.title or (line.heading and norm == meta.description):
        return True  # the headline, or the standfirst set as a heading above the story
    if first and len(norm.split()) >= _LABEL_WORDS and meta.title.startswith(norm + " "):
        return True  # the headline without the " | Site name" the page title adds
    words = len(_WORD.findall(text))
    if _BARE.match(text.strip()):
        return True
    if meta.author and words <= 8 and meta.author in norm and not _SENTENCE_END.search(text):
        return True  # the byline: the page's author, alone on a line
    return words <= _BOILERPLATE_MAX_WORDS and bool(_BOILERPLATE.search(text.strip()))


def _is_label(text: str) -> bool:
    return len(_WORD.findall(text)) <= _LABEL_WORDS and not re.search(r"[.!?\"”]\s*$", text)


def _norm(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text))
