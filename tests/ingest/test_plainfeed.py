"""The plain-feed path: feedparser's `ParsedFeed` for plain RSS 2.0 / Atom 1.0; feedparser's own
for the rest."""

from __future__ import annotations

import random

import pytest

from bot.ingest import plainfeed
from bot.ingest.decode import decode_document, safe_markup
from bot.ingest.formats import parse_document
from bot.ingest.parse import parse_feed
from tests.hostile.mutations import plain_shaped

URL = "https://n.example/feeds/wire.xml"
RSS_HEAD = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
    b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
    b"<channel><title>Wire \xc2\x93news\xc2\x94</title><link>https://n.example/</link>"
    b'<atom:link href="https://n.example/feeds/wire.xml" rel="self" type="application/rss+xml"/>'
    b"<image><url>https://n.example/logo.png</url><title>Logo</title><link>/</link></image>"
)
ATOM_HEAD = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
    b'xml:lang="en"><title type="html">Wire &amp;amp; co</title><id>urn:wire</id>'
    b'<updated>2026-11-24T07:10:00Z</updated><link rel="self" href="/feeds/wire.xml"/>'
    b"<author><name>Desk</name><email>desk@n.example</email></author>"
)


def rss(*items: bytes) -> bytes:
    return RSS_HEAD + b"".join(b"<item>" + i + b"</item>" for i in items) + b"</channel></rss>"


def atom(*entries: bytes) -> bytes:
    return ATOM_HEAD + b"".join(b"<entry>" + e + b"</entry>" for e in entries) + b"</feed>"


# Each is read by the plain path and must come out exactly as feedparser reads it.
PLAIN = {
    "rss item": rss(
        b"<title>Bridge reopens</title><link>https://n.example/a/1</link><guid>g1</guid>"
        b"<pubDate>Tue, 24 Nov 2026 07:10:00 GMT</pubDate>"
        b"<description>&lt;p&gt;It reopens in May.&lt;/p&gt;</description>"
    ),
    "guid before link, relative link, content:encoded": rss(
        b"<guid>https://n.example/g/2</guid><link>/a/2?x=1&amp;amp;y=2</link>"
        b"<content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>"
        b"<description>short</description><dc:date>2026-11-24T07:10:00+02:00</dc:date>"
    ),
    "guid as the only link, and one that is not a permalink": rss(
        b"<title>Only a guid</title><guid>https://n.example/g/3</guid>",
        b'<title>Not a permalink</title><guid isPermaLink="false">https://n.example/g/4</guid>',
        b"<title>An id, not a link</title><guid>12345</guid>",
    ),
    "html-looking title, mojibake, cp1252, odd dates": rss(
        b"<title>&lt;b&gt;Caf\xc3\x83\xc2\xa9&lt;/b&gt; \xc2\x93opens\xc2\x94</title>"
        b"<link>https://n.example/a/5</link><pubDate>Tue, 99 Nov 99999999 99:99:99 GMT</pubDate>",
        b"<title>  </title><link>https://n.example/a/6</link><description>Words only here"
        b"</description><category>x</category><author>a@n.example</author>"
        b'<enclosure url="https://n.example/a.mp3" length="1" type="audio/mpeg"/>',
        b"<link>javascript:alert(1)</link><title>no link</title>",
        b"<comments>https://n.example/c</comments>",
    ),
    "atom entries": atom(
        b'<title type="html">&lt;i&gt;Ferry&lt;/i&gt; strike</title><id>urn:e:1</id>'
        b'<link rel="alternate" type="text/html" href="https://n.example/e/1"/>'
        b'<link rel="enclosure" href="https://n.example/e/1.mp3"/>'
        b"<updated>2026-11-24T07:10:00Z</updated><published>2026-11-23T07:10:00Z</published>"
        b'<summary>Short</summary><content type="html">&lt;p&gt;Long&lt;/p&gt;</content>',
        b'<id>https://n.example/e/2</id><link rel="self" href="https://n.example/e/2.atom"/>'
        b"<title>The id is the link</title>",
        b'<link href="/e/3"/><title type="text">Relative &lt;b&gt; stays text</title>'
        b'<category term="world"/><author><name>A</name><uri>https://n.example/a</uri></author>',
    ),
}

# Each has something the plain path leaves to feedparser.
NOT_PLAIN = {
    "not well-formed": rss(b"<title>Open &nbsp; entity</title><link>https://n.example/a</link>"),
    "a DOCTYPE": b"<!DOCTYPE rss>" + rss(b"<title>t</title><link>https://n.example/a</link>"),
    "an unknown element": rss(b"<title>t</title><link>https://n.example/a</link><x>y</x>"),
    "a title twice": rss(b"<title>t</title><title>u</title><link>https://n.example/a</link>"),
    "markup in a field": rss(b"<title>t <b>bold</b></title><link>https://n.example/a</link>"),
    "an xml:base": rss(b'<title xml:base="https://b.example/">t</title><link>/a</link>'),
    "an xhtml title": atom(b'<title type="xhtml">t</title><link href="https://n.example/a"/>'),
    "a base64 content": atom(b'<content type="image/png">aGk=</content><id>urn:x</id>'),
    "an empty feed": rss(),
    "RSS 1.0": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><item><title>t</title><link>https://n.example/a</link>'
    b"</item></rdf:RDF>",
    "XML 1.1": rss(b"<title>t</title><link>https://n.example/a</link>").replace(
        b'version="1.0"', b'version="1.1"', 1
    ),
}


def plain(document: bytes) -> object:
    return plainfeed.read_plain_feed(safe_markup(decode_document(document)), url=URL)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_documents_come_out_as_feedparser_reads_them(name: str) -> None:
    fast = plain(PLAIN[name])
    assert fast is not None
    assert fast == parse_feed(PLAIN[name], url=URL)


@pytest.mark.parametrize("name", sorted(NOT_PLAIN))
def test_anything_else_is_left_to_feedparser(name: str) -> None:
    assert plain(NOT_PLAIN[name]) is None
    try:
        expected: object = parse_feed(NOT_PLAIN[name], url=URL)
    except Exception as exc:
        expected = type(exc)
        with pytest.raises(expected):  # type: ignore[arg-type]
            parse_document(NOT_PLAIN[name], url=URL)
    else:
        assert parse_document(NOT_PLAIN[name], url=URL) == expected


def test_generated_plain_shaped_feeds_agree_with_feedparser() -> None:
    rng = random.Random(2026)
    read = 0
    for _ in range(300):
        document = plain_shaped(rng)
        fast = plain(document)
        if fast is not None:
            read += 1
            assert fast == parse_feed(document, url=URL), document
    assert read > 50  # the plain path was exercised, not just refused


def test_ingest_reads_plain_feeds_without_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_feedparser(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedparser called for a plain feed")

    expected = parse_feed(PLAIN["rss item"], url=URL)
    monkeypatch.setattr("bot.ingest.parse.feedparser.parse", no_feedparser)
    assert parse_document(PLAIN["rss item"], url=URL) == expected
    assert parse_document(PLAIN["atom entries"], url=URL).entries


def test_a_document_the_plain_path_chokes_on_goes_to_feedparser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(root: object) -> None:
        raise RuntimeError("an unforeseen construct")

    monkeypatch.setattr(plainfeed, "_rss", broken)
    document = PLAIN["rss item"]
    assert plain(document) is None
    assert parse_document(document, url=URL) == parse_feed(document, url=URL)
