"""OPML import/export: round trip, hostile documents, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.domain import Feed
from bot.errors import ParseError
from bot.opml import parse_opml, render_opml
from bot.store import make_store

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="World">
    <outline text="BBC World" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    <outline text="Guardian" xmlUrl="https://www.theguardian.com/world/rss"/>
  </outline>
  <outline text="dup" xmlUrl="https://www.theguardian.com/world/rss"/>
  <outline text="local" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_import_flattens_folders_dedupes_and_refuses_local_files() -> None:
    found = parse_opml(OPML)
    assert [(f.url, f.title) for f in found.feeds] == [
        ("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC World"),
        ("https://www.theguardian.com/world/rss", "Guardian"),
    ]
    assert found.skipped == ("file:///etc/passwd: only http(s) feeds can be imported",)


def test_export_round_trips_titles_with_markup() -> None:
    feeds = [Feed(url="https://n.example/rss?a=1&b=2", title='Tom & "Jerry" <news>')]
    back = parse_opml(render_opml(feeds).encode())
    assert [(f.url, f.title) for f in back.feeds] == [(feeds[0].url, feeds[0].title)]


def test_entities_are_not_expanded() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">
    <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <opml version="2.0"><body><outline title="&x;&b;" xmlUrl="https://n.example/rss"/></body></opml>"""
    try:
        titles = [f.title or "" for f in parse_opml(xxe).feeds]
    except ParseError:
        return  # refusing the document is as safe as not expanding it
    assert all("root:" not in t and "aaaaaaaaaaaaaaaaaaaa" not in t for t in titles)


@pytest.mark.parametrize("document", [b"", b"<rss/>", b"not xml at all", b"<opml><body>"])
def test_non_opml_is_a_parse_error(document: bytes) -> None:
    with pytest.raises(ParseError, match="not an OPML file"):
        parse_opml(document)


def test_cli_import_then_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "nb.db"
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", f"sqlite:///{db}")
    monkeypatch.delenv("NEWSBRIEF_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "feeds.opml"
    source.write_bytes(OPML)
    assert main(["opml", "import", str(source), "--channel", "console:team"]) == 0
    out = tmp_path / "out.opml"
    assert main(["opml", "export", "-o", str(out)]) == 0
    exported = parse_opml(out.read_bytes())
    assert len(exported.feeds) == 2
    with make_store(f"sqlite:///{db}") as store:
        assert len(store.subscriptions("console:team")) == 2
    assert main(["opml", "import", str(tmp_path / "missing.opml")]) == 1
