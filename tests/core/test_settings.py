"""Configuration: TOML + environment, secrets from the environment only, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

EXAMPLE = Path(__file__).parents[2] / "config" / "newsbrief.example.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSBRIEF_STORE__URL", "SLACK_BOT_TOKEN", "NEWSBRIEF_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsbrief.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_documents_a_valid_configuration() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.store.url.startswith("sqlite:")
    assert settings.channels[0].timezone == "Europe/Berlin"
    assert len(settings.feeds) == 2


def test_defaults_without_a_file() -> None:
    settings = load_settings(None)
    assert settings.ingest.poll_interval_minutes == 15
    assert settings.briefing.max_stories == 8


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[store]\nurl = "sqlite:///a.db"\n')
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", "postgresql+psycopg://db/newsbrief")
    assert load_settings(path).store.url == "postgresql+psycopg://db/newsbrief"


def test_secrets_come_from_the_environment_and_stay_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = load_settings(None)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert "xoxb-very-secret" not in repr(settings)
    assert "xoxb-very-secret" not in str(settings.model_dump())


def test_a_secret_in_the_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[slack]\nbot_token = "xoxb-leaked"\n')
    with pytest.raises(ConfigError, match="slack.bot_token.*SLACK_BOT_TOKEN") as info:
        load_settings(path)
    assert "xoxb-leaked" not in str(info.value)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[ingest]\nconcurency = 3\n", "ingest.concurency: unknown option"),
        ('[ingest]\nread_timeout_seconds = "soon"\n', "ingest.read_timeout_seconds"),
        ("[ingest]\nconcurrency = 0\n", "ingest.concurrency: Input should be greater"),
        # The shape only: `run` and `check` refuse "irc:x" (no platform registered for it).
        ('[[channels]]\nid = "irc"\n', 'channels.0.id: .*"PLATFORM:ID".*"slack:CHANNEL_ID"'),
        ('[[channels]]\nid = "slack:C1"\ntimezone = "Mars/Base"\n', "IANA time zone"),
        ('[[channels]]\nid = "slack:C1"\nschedule = "daily"\n', "5-field cron"),
        ('[store]\nurl = "mysql://x"\n', "store.url: .*sqlite"),
    ],
)
def test_a_wrong_option_names_the_option_and_what_is_expected(
    tmp_path: Path, toml: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path, toml))


def test_invalid_toml_and_missing_file_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[store\n"))
    with pytest.raises(ConfigError, match="copy config/newsbrief.example.toml"):
        load_settings(tmp_path / "absent.toml")
