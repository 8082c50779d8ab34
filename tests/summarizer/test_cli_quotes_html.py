"""`newsbrief quotes FILE` reads an HTML page the way ingest does, plain text as before."""

from __future__ import annotations

from bot.ingest.fulltext import looks_like_html, page_text

STORY = [
    "The harbour board of Port Elsby voted on Tuesday to close the old grain pier for two "
    "years while engineers rebuild its foundations, surprising several shipping firms.",
    "“We cannot keep patching a structure built for sailing ships,” said Mara Quist, who "
    "chairs the board. The repairs would cost about 40 million dollars, she said.",
    "Dock workers said they feared for their jobs, and their union asked the board to move "
    "the grain trade to the north quay until the work is finished next spring.",
]
SCRIPT = 'var banner = "Subscribe today," said Marketing; window.dataLayer = [];'
PAGE = (
    "<!DOCTYPE html><html><head><title>Port Elsby closes its pier</title>"
    f"<script>{SCRIPT}</script><style>p {{ color: red }}</style></head><body>"
    "<h1>Port Elsby closes its pier</h1><article>"
    + "".join(f"<p>{p}</p>" for p in STORY)
    + "</article></body></html>"
)


def test_a_page_too_short_for_an_article_shows_its_words_never_its_script() -> None:
    html = f"<html><head><script>{SCRIPT}</script></head><body><p>Pier closed.</p></body></html>"
    assert page_text(html.encode()) == "Pier closed."
    assert page_text(b"") == ""


def test_looks_like_html_by_content() -> None:
    assert looks_like_html(b"  <!doctype html><html>")
    assert looks_like_html(b"\xef\xbb\xbf<html lang=en>")
    assert not looks_like_html(b"The mayor said <b> is a tag.")
