"""Feed parsing and dedupe keys: lenient on broken XML, strict on non-feeds."""

from __future__ import annotations

import pytest

from bot.errors import ParseError
from bot.ingest.parse import dedupe_keys, html_to_text, parse_feed
from bot.links import normalize_url

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Minister &amp; envoy meet</title><id>urn:uuid:1</id>
<link href="https://news.example/a/1"/><updated>2026-11-24T07:10:00Z</updated>
<content type="html">&lt;p&gt;First para.&lt;/p&gt;
&lt;p&gt;&#8220;Quoted,&#8221; she said.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</content></entry>
</feed>"""


def test_atom_entries_come_out_as_plain_text() -> None:
    parsed = parse_feed(ATOM, url="https://news.example/atom")
    [entry] = parsed.entries
    assert parsed.title == "Atom Wire"
    assert entry.title == "Minister & envoy meet"
    assert entry.content == "First para.\n“Quoted,” she said."
    assert entry.published_at is not None and entry.published_at.isoformat().startswith("2026")


def test_broken_xml_with_entries_is_read_anyway() -> None:
    broken = (
        b"<rss><channel><title>T</title><item><title>A & B</title>"
        b"<link>https://n.example/1</link></item>"
    )
    parsed = parse_feed(broken, url="https://n.example/rss")
    assert [e.link for e in parsed.entries] == ["https://n.example/1"]


@pytest.mark.parametrize("document", [b"", b"{}", b"<html><p>hi</p></html>", b"\xff\xfe\x00"])
def test_non_feeds_are_a_parse_error(document: bytes) -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse_feed(document, url="https://n.example/x")


def test_an_empty_but_valid_feed_is_not_an_error() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    assert parse_feed(empty, url="https://n.example/rss").entries == ()


def test_tracking_parameters_and_fragments_do_not_split_a_story() -> None:
    a = normalize_url("https://News.example/a/1/?utm_source=rss&id=7#top")
    b = normalize_url("https://news.example/a/1?id=7&fbclid=xyz")
    assert a == b == "https://news.example/a/1?id=7"


def test_guid_and_title_keys_are_scoped_to_the_feed() -> None:
    [entry] = parse_feed(ATOM, url="https://news.example/atom").entries
    keys = dedupe_keys(entry, feed_url="F")
    assert keys == [
        "url:https://news.example/a/1",
        "guid:F:urn:uuid:1",
        "title:F:minister envoy meet",
    ]


def test_html_to_text_keeps_paragraphs_and_drops_markup() -> None:
    assert html_to_text("<p>One <b>two</b></p><p>three</p>") == "One two\nthree"
    assert html_to_text("plain   text") == "plain text"


def test_script_and_style_are_not_text_but_what_follows_them_is() -> None:
    page = "<p>Before<script>var x = 1;</script> after</p><style>p{}</style><p>End</p>"
    assert html_to_text(page) == "Before after\nEnd"


def test_an_items_script_stays_out_though_feedparser_no_longer_sanitises() -> None:
    rss = (
        b'<rss version="2.0"><channel><title>T</title><item><title>A</title>'
        b"<link>https://n.example/1</link><description>&lt;p&gt;Said.&lt;/p&gt;"
        b"&lt;style&gt;.x{}&lt;/style&gt;&lt;script&gt;steal()&lt;/script&gt;"
        b"</description></item></channel></rss>"
    )
    [entry] = parse_feed(rss, url="https://n.example/rss").entries
    assert entry.content == "Said."
