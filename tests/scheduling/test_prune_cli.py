"""`newsbrief prune`: counts in a table, --dry-run changes nothing, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain import Quote, QuoteKind
from bot.store import make_store
from tests.store.helpers import FEED, keys, story

NOW = datetime.now(UTC)


def seeded(tmp_path: Path, *, retention: str = "") -> tuple[Path, str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with make_store(url) as store:
        store.add_feed(FEED)
        for n, age in ((1, 40), (2, 35), (3, 2)):
            added = store.add_story(story(n), keys=keys(n), fetched_at=NOW - timedelta(days=age))
            assert added.id is not None
            said = Quote(text="We will", start=0, end=7, kind=QuoteKind.DIRECT, speaker="X")
            store.save_quotes(added.id, [said, said])
    config = tmp_path / "newsbrief.toml"
    config.write_text(f'[store]\nurl = "{url}"\n{retention}')
    return config, url


def table_rows(out: str) -> dict[str, str]:
    """The table's rows as {first words of the label: count}."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if len(cells) == 2 and cells[1].replace(",", "").isdigit():
            rows[cells[0].split(" (")[0]] = cells[1]
    return rows


def test_dry_run_counts_then_prune_empties_with_the_configured_retention(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, url = seeded(tmp_path, retention="retention_days = 30\n")
    assert main(["--config", str(config), "prune", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would prune (dry run: nothing changed)" in out and "older than 30 days" in out
    assert table_rows(out)["quotes deleted"] == "4"
    with make_store(url) as store:
        assert len(store.recent_stories()) == 3
    assert main(["--config", str(config), "prune"]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert rows["stories emptied"] == "2" and rows["quotes deleted"] == "4"
    assert rows["finished deliveries deleted"] == "0"
    with make_store(url) as store:
        assert [s.title for s in store.recent_stories()] == ["Story 3"]
        assert store.known_keys(keys(1)) == set(keys(1))


def test_older_than_overrides_the_configured_retention(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _url = seeded(tmp_path, retention="retention_days = 30\n")
    assert main(["--config", str(config), "prune", "--older-than", "38"]) == 0
    assert table_rows(capsys.readouterr().out)["stories emptied"] == "1"


def test_without_a_window_it_says_what_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, url = seeded(tmp_path)
    assert main(["--config", str(config), "prune"]) == 2
    err = capsys.readouterr().err
    assert "--older-than DAYS" in err and "store.retention_days" in err
    with make_store(url) as store:
        assert len(store.recent_stories()) == 3


@pytest.mark.parametrize("days", ["0", "-1", "soon", "1.5"])
def test_a_bad_older_than_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    config, _url = seeded(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["--config", str(config), "prune", "--older-than", days])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--older-than" in err and "whole number of days, at least 1" in err


@pytest.mark.parametrize(
    ("value", "expected"), [("-2", "at least 1 (or 0 to keep everything)"), ('"soon"', "integer")]
)
def test_a_bad_retention_setting_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    config, _url = seeded(tmp_path, retention=f"retention_days = {value}\n")
    assert main(["--config", str(config), "prune"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "store.retention_days" in err and expected in err


def test_zero_retention_keeps_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _url = seeded(tmp_path, retention="retention_days = 0\n")
    assert main(["--config", str(config), "prune"]) == 2
    assert "--older-than DAYS" in capsys.readouterr().err
