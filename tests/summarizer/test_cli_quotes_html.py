"""`newsbrief quotes FILE` reads an HTML page the way ingest does, plain text as before."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bot.cli import main, read_article_file
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


def test_quotes_reads_an_html_page_as_its_article_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("story.html", "story.txt", "story"):  # by extension or by content
        path = tmp_path / name
        path.write_text(PAGE, encoding="utf-8")
        assert read_article_file(path) == "\n".join(STORY)
    assert main(["quotes", str(tmp_path / "story")]) == 0
    out = capsys.readouterr().out
    assert "Mara Quist" in out
    assert "Marketing" not in out and "dataLayer" not in out  # no script text as speech


def test_a_gzipped_page_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "story.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode()))
    assert read_article_file(path) == "\n".join(STORY)


def test_plain_text_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\n".join(STORY), encoding="utf-8")
    assert read_article_file(path) == "\n".join(STORY)


def test_a_broken_gzip_file_is_an_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "story.html.gz"
    path.write_bytes(b"\x1f\x8b not gzip")
    assert main(["quotes", str(path)]) == 1
    assert "not a readable gzip file" in capsys.readouterr().err
