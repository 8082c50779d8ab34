"""Hostile feed documents: only `ParseError` leaves parsing; a bad item costs only itself."""

from __future__ import annotations

import pytest

from bot.errors import ParseError
from bot.ingest.formats import parse_document
from bot.ingest.parse import html_to_text

FEED = "https://n.example/rss"


def rss(*items: str, declaration: bytes = b'<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    body = "".join(f"<item>{i}</item>" for i in items)
    return (
        declaration
        + (f'<rss version="2.0"><channel><title>Wire</title>{body}</channel></rss>').encode()
    )


GOOD = "<title>Good story stays</title><link>https://n.example/good</link>"


def titled(title: str) -> str:
    return f"<title>{title}</title><link>https://n.example/bad</link>"


# Each of these raised out of feedparser (or lxml) and cost the feed all its items.
BAD_ITEMS = {
    "surrogate char ref": titled("a &#xD800; b"),
    "decimal surrogate char ref": titled("a &#55296; b"),
    "char ref above U+10FFFF": titled("a &#x110000; b"),
    "huge char ref": titled("a &#99999999999999999999999; b"),
    "NUL char ref": titled("a &#0; b"),
    "control char after a block tag": "<title>t</title><link>https://n.example/bad</link>"
    "<description>&lt;p&gt;a&lt;/p&gt;\x01b</description>",
    "double-escaped huge char ref": "<title>t</title><link>https://n.example/bad</link>"
    "<description>a &amp;#99999999999999999999; b</description>",
}


@pytest.mark.parametrize("case", sorted(BAD_ITEMS))
def test_a_hostile_item_never_costs_the_good_ones(case: str) -> None:
    parsed = parse_document(rss(BAD_ITEMS[case], GOOD), url=FEED)
    assert "https://n.example/good" in [e.link for e in parsed.entries]
    for entry in parsed.entries:  # whatever is kept can be stored anywhere
        for text in (entry.title, entry.content, entry.link):
            text.encode("utf-8")
            assert "\x00" not in text


@pytest.mark.parametrize(
    "declaration",
    [
        b'<?xml version="1.0" encoding="\xff\xfe"?>',
        b'<?xml version="1.0" encoding="utf\x00-8"?>',
        b'<?xml version="1.0" encoding="rot13"?>',
        b'<?xml version="1.0" encoding="utf-16"?>',
        b'<?xml version="1.0" encoding="no-such-codec"?>',
    ],
)
def test_a_broken_encoding_declaration_is_ignored(declaration: bytes) -> None:
    parsed = parse_document(rss(GOOD, declaration=declaration), url=FEED)
    assert [e.title for e in parsed.entries] == ["Good story stays"]


def test_the_http_charset_wins_over_the_declaration() -> None:
    title = "Новости дня"
    document = rss(f"<title>{title}</title><link>https://n.example/ru</link>").replace(
        b"utf-8", b"windows-1251"
    )
    document = document.decode("utf-8").encode("windows-1251")
    parsed = parse_document(document, url=FEED, content_type="text/xml; charset=windows-1251")
    assert [e.title for e in parsed.entries] == [title]
    plain = parse_document(
        document.replace(b"windows-1251", b"utf-8"),
        url=FEED,
        content_type="application/rss+xml; charset=windows-1251",
    )
    assert [e.title for e in plain.entries] == [title]


def test_invalid_utf8_is_replaced_not_read_as_latin1() -> None:
    document = rss(
        "<title>caf\xc3\xa9 \xff\xfe ok</title><link>https://n.example/x</link>".encode(
            "latin-1"
        ).decode("latin-1")
    )
    raw = document.replace("caf\u00c3\u00a9 \u00ff\u00fe".encode(), b"caf\xc3\xa9 \xff\xfe")
    [entry] = parse_document(raw, url=FEED, content_type="application/rss+xml").entries
    assert entry.title == "café \ufffd\ufffd ok"


def test_a_well_formed_empty_feed_is_not_an_error_whatever_its_content_type() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    for content_type in (None, "text/xml", "application/octet-stream"):
        assert parse_document(empty, url=FEED, content_type=content_type).entries == ()


def test_entities_in_text_without_tags_are_decoded() -> None:
    item = (
        "<title>Tom &amp;amp; Jerry</title><link>https://n.example/tj</link>"
        "<description>Tom &amp;amp; Jerry &amp;#8220;meet&amp;#8221;</description>"
    )
    [entry] = parse_document(rss(item), url=FEED).entries
    assert entry.title == "Tom & Jerry"
    assert entry.content == "Tom & Jerry “meet”"
    assert html_to_text("Tom &amp; Jerry") == "Tom & Jerry"


def test_a_guid_that_is_not_a_url_is_not_made_into_one() -> None:
    items = (
        "<guid>12345</guid><title>Only a guid</title>",
        "<guid>https://n.example/permalink</guid><title>Guid is a URL</title>",
        "<link>/relative/path</link><title>Relative link</title>",
        "",
    )
    parsed = parse_document(rss(*items), url=FEED)
    assert [e.link for e in parsed.entries] == [
        "https://n.example/permalink",
        "https://n.example/relative/path",
    ]
    assert parsed.skip_reasons == (
        "item 1: no http(s) link",
        "item 4: empty (no link, title or text)",
    )


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>a</p>\x01b",
        "<div>x</div>\x0c",
        "<br>\x00",
        "<p>&#xD800;</p>",
        "a\x00b",
        "<p>\ud800</p>",
        "<!DOCTYPE html><html><head><meta char",  # lxml: "too many bodies"
        "<html><head><title>x</tit\ufffde></head><body><p>y</p></body></html>",
    ],
)
def test_html_to_text_takes_any_string(fragment: str) -> None:
    text = html_to_text(fragment)
    text.encode("utf-8")
    assert "\x00" not in text


@pytest.mark.parametrize("document", [b"\x00" * 50, b"<rss><item>" * 5000, b"<?xml encoding='"])
def test_junk_raises_a_parse_error_and_nothing_else(document: bytes) -> None:
    try:
        parsed = parse_document(document, url=FEED)
    except ParseError:
        return
    assert parsed.entries == ()
