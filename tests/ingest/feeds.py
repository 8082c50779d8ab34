"""Feed documents and article pages the ingest tests serve from a loopback `FeedServer`."""

from __future__ import annotations

from html import escape


def rss(base: str, items: list[dict[str, str]], *, title: str = "Test Wire") -> bytes:
    parts = []
    for item in items:
        fields = "".join(
            f"<{name}>{escape(value)}</{name}>" for name, value in item.items() if value
        )
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(base)}/</link>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def article(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> · <a href='/world'>World</a> · <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>© Test Wire. All rights reserved. Subscribe to our newsletter.</footer>"
        "</body></html>"
    ).encode()


TALKS = [
    "Foreign ministers met in Geneva on Tuesday for a second round of talks on the ceasefire, "
    "which both sides have accused the other of breaking within hours of it taking effect.",
    "“We are not here to sign anything today,” said Anna Berg, the Swedish foreign minister. "
    "“We are here to find out whether there is anything to sign.”",
    "She said the next meeting would take place in Oslo if the ceasefire held for a week, and "
    "that observers from neutral countries would be invited to monitor the line of contact.",
]
