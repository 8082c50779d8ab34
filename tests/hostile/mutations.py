"""Generated hostile feeds and pages: mutations of valid documents, for the fuzz run and its sample.

`benchmarks/fuzz_ingest.py` runs 100,000 and more; `test_fuzz_sample.py` a few hundred.
Three kinds of case, each from one seeded `random.Random`:

- ``partly bad``: valid items around one item whose text, attributes or bytes carry
  hostile constructs that keep its element structure; every valid item must come out.
- ``mangled``: a whole document flipped, truncated, spliced, re-declared or given a
  strange Content-Type; only `ParseError` may come out of it.
- ``page``: an article page with the same constructs, through the page readers.

And `plain_shaped`: feeds of only the elements `bot.ingest.plainfeed` reads, in random
order and number, with odd values, for comparing that path with feedparser's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Constructs that broke a parser once (issue 18) or plausibly could; all keep the
# surrounding element intact when put in text or an attribute value.
TEXT_TOKENS: tuple[bytes, ...] = (
    b"&#xD800;",
    b"&#55296;",
    b"&#xDFFF;",
    b"&#x110000;",
    b"&#1114112;",
    b"&#0;",
    b"&#x0;",
    b"&#99999999999999999999999999;",
    b"&#x" + b"F" * 40 + b";",
    b"&#1;",
    b"&#x1F;",
    b"&#xFFFE;",
    b"&amp;#xD800;",
    b"&amp;#99999999999999999999;",
    b"&amp;#0;",
    b"&amp;amp;",
    b"&#x1F600;",
    b"\x00",
    b"\x01",
    b"\x08",
    b"\x0b",
    b"\x0c",
    b"\x1b",
    b"\x7f",
    b"\xc2\x80",
    b"\xef\xbf\xbe",
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"&lt;p&gt;a&lt;/p&gt;\x01b",
    b"&lt;div&gt;x&lt;/div&gt;\x0c",
    b"&lt;br&gt;\x00",
    b"&lt;script&gt;alert(1)&lt;/script&gt;",
    b"&lt;p",
    b"&lt;/div&gt;&lt;/div&gt;",
    b"&lt;a href='javascript:x'&gt;y&lt;/a&gt;",
    b"&lt;" * 50,
    b"&nbsp;",
    b"&unknownentity;",
    b"&#",
    b"&#;",
    b"&#x;",
    b"&",
    b"&&&",
    b"\xe2\x80\x8b" * 20,
    b"\xe2\x80\xae",
    b"\r\n\r",
    b"x" * 5000,
    b" " * 2000,
    b"\xf0\x9f\x98\x80" * 100,
)
ATTRIBUTES: tuple[bytes, ...] = (
    b'foo:bar="1"',
    b'undeclared:x="y"',
    b'xml:lang="\xff"',
    b'xml:base="http://[::1"',
    b'xml:base="javascript:alert(1)"',
    b'xml:base="&#xD800;"',
    b'xmlns:z=""',
    b'xmlns:q="\x01"',
    b'a:href="http://x/"',
    b'type="html"',
    b'type="xhtml"',
    b'rel="&#0;"',
    b'href="\x00"',
    b'isPermaLink="maybe"',
    b'xmlns="http://www.w3.org/1999/xhtml"',
    b'media:url="x"',
)
LINKS: tuple[bytes, ...] = (
    b"http://[::1",
    b"http://a:99999999/",
    b"https://n.example/\x00",
    b"javascript:alert(1)",
    b"file:///etc/passwd",
    b"//n.example/x",
    b"/relative",
    b"",
    b"http://&#xD800;.example/",
    b"https://user:pw@n.example/a",
    b"http://n.example/" + b"a" * 3000,
    b"http:///nohost",
)
DATES: tuple[bytes, ...] = (
    b"Tue, 99 Nov 99999999 99:99:99 GMT",
    b"0000-00-00T00:00:00Z",
    b"9999-12-31T23:59:59+99:99",
    b"-1",
    b"\x00",
    b"Mon, 01 Jan 1 00:00:00 GMT",
    b"2026-13-45",
    b"&#xD800;",
)
DECLARATIONS: tuple[bytes, ...] = (
    b'<?xml version="1.0" encoding="utf-8"?>',
    b'<?xml version="1.0" encoding="\xff\xfe"?>',
    b'<?xml version="1.0" encoding="utf\x00-8"?>',
    b'<?xml version="1.0" encoding="rot13"?>',
    b'<?xml version="1.0" encoding="utf-16"?>',
    b'<?xml version="1.0" encoding="ebcdic-cp-us"?>',
    b'<?xml version="1.1" encoding="windows-1251"?>',
    b'<?xml version="1.0" encoding="x"?>',
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b'<?xml version="1.0" encoding="zlib_codec"?>',
)
CONTENT_TYPES: tuple[str | None, ...] = (
    None,
    "application/rss+xml",
    "text/xml",
    "text/html; charset=utf-8",
    "application/xml; charset=windows-1251",
    "text/xml; charset=utf-16",
    "text/xml; charset=junk",
    "text/xml; charset=rot13",
    'text/xml; charset="\x00"',
    "application/octet-stream",
    "text/xml; charset=base64",
    "text/xml; charset=utf-32",
)


@dataclass(frozen=True, slots=True)
class Case:
    kind: str  # "partly bad" | "mangled" | "page"
    document: bytes
    content_type: str | None
    good_links: tuple[str, ...] = ()  # links that must come out (partly bad only)


def good_item(rng: random.Random, n: int, atom: bool) -> tuple[bytes, str]:
    link = f"https://n.example/good/{n}-{rng.randrange(10**9)}"
    body = f"&lt;p&gt;“We will go on,” said Official {n}.&lt;/p&gt;"
    if atom:
        item = (
            f"<entry><title>Good story {n}</title><id>urn:good:{n}</id>"
            f'<link href="{link}"/><updated>2026-11-24T07:10:00Z</updated>'
            f'<content type="html">{body}</content></entry>'
        )
    else:
        item = (
            f"<item><title>Good story {n}</title><link>{link}</link><guid>g{n}</guid>"
            f"<pubDate>Tue, 24 Nov 2026 07:10:00 GMT</pubDate>"
            f"<description>{body}</description></item>"
        )
    return item.encode(), link


def bad_item(rng: random.Random, atom: bool) -> bytes:
    def text() -> bytes:
        parts = [b"Bad"] + [rng.choice(TEXT_TOKENS) for _ in range(rng.randint(1, 4))]
        rng.shuffle(parts)
        return b" ".join(parts)

    attrs = b" ".join(rng.choice(ATTRIBUTES) for _ in range(rng.randint(0, 3)))
    link = rng.choice(LINKS) if rng.random() < 0.3 else b"https://n.example/bad"
    date = rng.choice(DATES) if rng.random() < 0.3 else b"Tue, 24 Nov 2026 07:10:00 GMT"
    sp = b" " if attrs else b""
    if atom:
        return (
            b"<entry" + sp + attrs + b"><title" + sp + attrs + b">" + text() + b"</title>"
            b"<link" + sp + attrs + b' href="' + link.replace(b'"', b"") + b'"/>'
            b"<updated>"
            + date
            + b'</updated><content type="html">'
            + text()
            + b"</content></entry>"
        )
    return (
        b"<item"
        + sp
        + attrs
        + b"><title>"
        + text()
        + b"</title><link"
        + sp
        + attrs
        + b">"
        + link
        + b"</link><pubDate>"
        + date
        + b"</pubDate><description"
        + sp
        + attrs
        + b">"
        + text()
        + b"</description></item>"
    )


def feed(rng: random.Random) -> tuple[bytes, tuple[str, ...]]:
    atom = rng.random() < 0.4
    goods = [good_item(rng, n, atom) for n in range(rng.randint(1, 5))]
    items = [item for item, _ in goods]
    items.insert(rng.randrange(len(items) + 1), bad_item(rng, atom))
    if atom:
        head = (
            b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:foo="http://foo.example/">'
            b"<title>Wire</title><id>urn:wire</id>"
        )
        tail = b"</feed>"
    else:
        head = (
            b'<rss version="2.0" xmlns:foo="http://foo.example/" '
            b'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Wire</title>'
            b"<link>https://n.example/</link>"
        )
        tail = b"</channel></rss>"
    declaration = b'<?xml version="1.0" encoding="utf-8"?>'
    return declaration + head + b"".join(items) + tail, tuple(link for _, link in goods)


def mangle(rng: random.Random, document: bytes) -> bytes:
    data = bytearray(document)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:  # truncate
            del data[at:]
        elif op == 2:  # splice a slice elsewhere
            a = rng.randrange(len(data) + 1)
            data[at:at] = data[a : a + rng.randint(1, 200)]
        elif op == 3:  # a hostile construct anywhere, markup included
            data[at:at] = rng.choice(TEXT_TOKENS + ATTRIBUTES + LINKS)
        elif op == 4:  # another declaration or BOM
            end = data.find(b"?>")
            data[: end + 2 if data.startswith(b"<?xml") and end >= 0 else 0] = rng.choice(
                DECLARATIONS
            )
        elif op == 5:  # structure tokens
            data[at:at] = rng.choice(
                (
                    b"<![CDATA[",
                    b"]]>",
                    b"<!--",
                    b"-->",
                    b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
                    b"&e;",
                    b"</channel>",
                    b"<item>",
                    b"</item>",
                    b"<entry>",
                    b"<?pi x?>",
                    b"<",
                    b">",
                )
            )
        else:  # deep nesting
            data[at:at] = b"<div>" * rng.randint(10, 200)
    return bytes(data)


PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bridge {T}</title></head><body>"
    b"<nav><a href='/'>Home</a></nav><article><h1>Bridge {T}</h1>"
    b"<p>The old river bridge will reopen in May after two years of repairs, the transport "
    b"ministry said on Tuesday, ending a long detour for commuters {T}.</p>"
    b"<p>\xe2\x80\x9cWe will open the bridge in May,\xe2\x80\x9d said Anna Berg, "
    b"the minister {T}.</p>"
    b"<p>Local shop owners welcomed the news after a hard two years {T}.</p>"
    b"</article></body></html>"
)


def page(rng: random.Random) -> bytes:
    document = PAGE
    while b"{T}" in document:
        document = document.replace(b"{T}", rng.choice(TEXT_TOKENS), 1)
    return mangle(rng, document) if rng.random() < 0.5 else document


# Values that exercise feedparser's clean-up: mojibake it repairs, C1 characters it maps,
# HTML-looking titles, CDATA, relative and odd links, guids that are and are not links.
PLAIN_VALUES: tuple[bytes, ...] = (
    *TEXT_TOKENS,
    *LINKS,
    *DATES,
    b"caf\xc3\x83\xc2\xa9 au lait",
    b"\xc2\x93quoted\xc2\x94 and \xc2\x80",
    b"&lt;b&gt;bold&lt;/b&gt; &amp;amp; co",
    b"a &lt;/i&gt; b",
    b"x &amp;copy; y",
    b"<![CDATA[<p>In <b>CDATA</b> &amp; raw & x</p>]]>",
    b"  \n padded \t ",
    b"http:///triple/slash",
    b"/relative/path?a=1&amp;b=2",
    b"https://n.example/q?a=1&amp;b;=2&amp;amp;c=3",
    b"urn:uuid:0b7e8d1c",
    b"12345",
    b"tag:n.example,2026:7",
    b"Tue, 24 Nov 2026 07:10:00 GMT",
    b"2026-11-24T07:10:00+02:00",
    b"24 Nov 2026",
    b"",
    b"Plain words of a story title here",
)


def _plain_value(rng: random.Random) -> bytes:
    return b" ".join(rng.choice(PLAIN_VALUES) for _ in range(rng.randint(1, 2)))


def _element(rng: random.Random, tag: bytes, attributes: bytes = b"") -> bytes:
    if rng.random() < 0.1:
        return b"<" + tag + attributes + b"/>"
    return b"<" + tag + attributes + b">" + _plain_value(rng) + b"</" + tag.split(b" ")[0] + b">"


def _pick(rng: random.Random, options: tuple[bytes, ...]) -> bytes:
    return rng.choice(options)


def plain_shaped(rng: random.Random) -> bytes:
    """A feed of the plain path's elements in random order and number, with odd values."""
    atom = rng.random() < 0.4
    items = []
    for _ in range(rng.randint(0, 4)):
        if atom:
            parts = [
                _element(rng, b"title", _pick(rng, (b"", b' type="html"', b' type="text"'))),
                _element(rng, b"id"),
                _element(rng, b"updated"),
                _element(rng, b"published"),
                _element(rng, b"summary", _pick(rng, (b"", b' type="html"'))),
                _element(rng, b"content", _pick(rng, (b"", b' type="html"', b' type="TEXT"'))),
                b"<author><name>A</name><email>a@n.example</email></author>",
                b'<category term="world"/>',
            ]
            for _ in range(rng.randint(0, 3)):
                rel = _pick(rng, (b"", b' rel="alternate"', b' rel="self"', b' rel="enclosure"'))
                kind = _pick(rng, (b"", b' type="text/html"', b' type="HTML"', b' type="a/b"'))
                href = rng.choice((*LINKS, b"https://n.example/a", b"/rel", b"")).replace(b'"', b"")
                parts.append(b"<link" + rel + kind + b' href="' + href + b'"/>')
        else:
            permalink = _pick(
                rng, (b"", b' isPermaLink="false"', b' isPermaLink="true"', b' isPermaLink="no"')
            )
            parts = [
                _element(rng, b"title"),
                _element(rng, b"link"),
                _element(rng, b"guid", permalink),
                _element(rng, b"description"),
                _element(rng, b"content:encoded"),
                _element(rng, b"pubDate"),
                _element(rng, b"dc:date"),
                _element(rng, b"dc:creator"),
                _element(rng, b"author"),
                _element(rng, b"comments"),
                _element(rng, b"category", _pick(rng, (b"", b' domain="d"'))),
                b'<enclosure url="https://n.example/a.mp3" length="1" type="audio/mpeg"/>',
            ]
        rng.shuffle(parts)
        items.append(b"".join(parts[: rng.randint(1, len(parts))]))
    if atom:
        head = [_element(rng, b"title"), b"<id>urn:f</id>", _element(rng, b"updated")]
        head.append(b'<link rel="self" href="https://n.example/f"/>')
        body = b"".join(b"<entry>" + i + b"</entry>" for i in items)
        rng.shuffle(head)
        return (
            b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            + b"".join(head[: rng.randint(0, 4)])
            + body
            + b"</feed>"
        )
    head = [
        _element(rng, b"title"),
        b"<link>https://n.example/</link>",
        _element(rng, b"lastBuildDate"),
        b"<image><url>https://n.example/i.png</url><title>I</title><link>/</link></image>",
        b'<atom:link href="https://n.example/f" rel="self" type="application/rss+xml"/>',
    ]
    rng.shuffle(head)
    body = b"".join(b"<item>" + i + b"</item>" for i in items)
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        + b"".join(head[: rng.randint(0, 5)])
        + body
        + b"</channel></rss>"
    )


def case(rng: random.Random) -> Case:
    roll = rng.random()
    content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.3 else None
    if roll < 0.5:
        document, links = feed(rng)
        if content_type and "charset" in content_type:
            content_type = None  # a lying charset may legitimately garble the good items
        return Case("partly bad", document, content_type, links)
    if roll < 0.85:
        document, _ = feed(rng)
        return Case("mangled", mangle(rng, document), content_type)
    return Case("page", page(rng), content_type)


@dataclass
class Tally:
    """What a fuzz run found: any non-zero ``escapes`` or ``lost`` is a bug."""

    cases: int = 0
    parse_errors: int = 0  # ParseError: the document is not a feed (expected for mangled ones)
    escapes: int = 0  # any other exception out of parsing
    lost: int = 0  # good items of a partly bad feed that did not come out
    unstorable: int = 0  # text with a NUL or a lone surrogate (PostgreSQL refuses both)
    examples: list[str] | None = None

    def note(self, problem: str, case: Case) -> None:
        self.examples = self.examples or []
        if len(self.examples) < 20:
            self.examples.append(f"{problem}: {case.kind} {case.document[:300]!r}")


def run_case(case: Case, tally: Tally) -> None:
    """Put one case through the readers ingest and chat use; count what went wrong."""
    from bot.errors import ParseError
    from bot.ingest.formats import parse_document
    from bot.ingest.fulltext import article_text
    from bot.ingest.parse import html_to_text

    tally.cases += 1
    texts: list[str] = []
    try:
        if case.kind == "page":
            found = article_text(case.document, url="https://n.example/page")
            texts.append(found or "")
            texts.append(html_to_text(case.document.decode("utf-8", errors="replace")))
        else:
            parsed = parse_document(
                case.document, url="https://n.example/f", content_type=case.content_type
            )
            links = {entry.link for entry in parsed.entries}
            missing = [link for link in case.good_links if link not in links]
            if missing:
                tally.lost += len(missing)
                tally.note(f"lost {len(missing)}", case)
            texts.extend(
                t for e in parsed.entries for t in (e.title, e.content, e.link, e.guid or "")
            )
            texts.append(parsed.title or "")
    except ParseError:
        tally.parse_errors += 1
        if case.good_links:
            tally.lost += len(case.good_links)
            tally.note("ParseError on a partly bad feed", case)
    except Exception as exc:  # the point of the run: count what escapes, keep going
        tally.escapes += 1
        tally.note(f"{type(exc).__name__}: {exc}", case)
    for text in texts:
        if "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text):
            tally.unstorable += 1
            tally.note("unstorable text", case)
            break
