"""Hostile or mistaken configuration: refused at load, naming the option; nothing half-starts."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import ConfigError, StoreError
from bot.settings import load_settings
from bot.store import make_store


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "newsbrief.toml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feeds]]\nurl = "https://n.example/caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8"):
        load_settings(path)


@pytest.mark.parametrize("schedule", ["61 25 * * *", "* * * * funday", "0 8 31 2 *x", "99 * * * *"])
def test_an_impossible_schedule_is_refused_at_load(tmp_path: Path, schedule: str) -> None:
    path = write(tmp_path, f'[[channels]]\nid = "console:news"\nschedule = "{schedule}"\n')
    with pytest.raises(ConfigError, match=r"channels\.0\.schedule"):
        load_settings(path)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://files.example/feed.xml", "http"),
        ("gopher://x.example/", "http"),
        ("javascript:alert(1)", "http"),
        ("https://user:secret@n.example/feed", "password"),
        ("https://token@n.example/feed", "password"),
    ],
)
def test_a_bad_feed_url_is_refused_at_load(tmp_path: Path, url: str, why: str) -> None:
    for text in (
        f'[[feeds]]\nurl = "{url}"\n',
        f'[[channels]]\nid = "console:news"\nfeeds = ["{url}"]\n',
    ):
        with pytest.raises(ConfigError, match=why) as caught:
            load_settings(write(tmp_path, text))
        assert "secret" not in str(caught.value)  # the password is never echoed


def test_local_feed_files_still_load(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[feeds]]\nurl = "feeds/local.xml"\n[[feeds]]\nurl = "file:///srv/f.xml"\n'
    )
    assert [f.url for f in load_settings(path).feeds] == ["feeds/local.xml", "file:///srv/f.xml"]


def test_an_unopenable_sqlite_path_is_reported_with_the_path(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    with pytest.raises(StoreError, match=str(directory)):
        make_store(f"sqlite:///{directory}")


def test_a_missing_store_directory_is_created_and_said_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "not" / "yet"
    with caplog.at_level(logging.WARNING), make_store(f"sqlite:///{missing / 'n.db'}"):
        pass
    assert (missing / "n.db").exists()
    assert any(
        str(missing) in r.getMessage() and "created" in r.getMessage() for r in caplog.records
    )
