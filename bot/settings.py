"""Configuration: one TOML file plus environment variables.

Precedence, highest first: ``NEWSBRIEF_<SECTION>__<OPTION>`` environment
variables, the TOML file, the defaults here. Secrets (tokens, API keys) come
only from the environment (``SLACK_BOT_TOKEN``, ``DISCORD_TOKEN``,
``OPENAI_API_KEY``...) and are held as ``SecretStr`` so they never reach a log
or a traceback. A wrong option or value raises `ConfigError` naming the option
and what is expected; ``config/newsbrief.example.toml`` documents every option.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.errors import ConfigError

CONFIG_ENV_VAR = "NEWSBRIEF_CONFIG"
DEFAULT_CONFIG_PATHS = (Path("newsbrief.toml"), Path("config/newsbrief.toml"))

# Names that mark a secret: such keys in the TOML file are refused outright.
_SECRET_KEY_PARTS = ("token", "secret", "api_key", "apikey", "password", "webhook_urls")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    url: str = Field(
        default="sqlite:///newsbrief.db",
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://...",
    )

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("expected a sqlite:/// or postgresql+psycopg:// URL")
        return value

    retention_days: int | None = Field(
        default=None,
        description=(
            "days to keep stories' text and quotes, posted deliveries, briefing items and "
            "the LLM cache; older stories are emptied (never deleted, so they are never "
            "briefed again). Unset or 0 keeps everything; `newsbrief run` prunes daily"
        ),
    )

    @field_validator("retention_days")
    @classmethod
    def _positive_days(cls, value: int | None) -> int | None:
        if value is None or value == 0:
            return None  # keep everything
        if value < 1:
            raise ValueError(
                "expected a whole number of days, at least 1 (or 0 to keep everything)"
            )
        return value


class IngestSettings(_Section):
    poll_interval_minutes: float = Field(default=15, gt=0)
    jitter_seconds: float = Field(default=30, ge=0)
    concurrency: int = Field(default=50, ge=1, le=1000)
    per_host: int = Field(default=4, ge=1, le=100)
    connect_timeout_seconds: float = Field(default=10, gt=0)
    read_timeout_seconds: float = Field(default=20, gt=0)
    max_response_bytes: int = Field(default=10_000_000, ge=10_000)
    fetch_articles: bool = True
    allow_hosts: tuple[str, ...] = ()
    user_agent: str = "newsbrief/0.1 (+https://github.com/newsbrief/newsbrief)"
    pause_after_failures: int = Field(default=10, ge=1)
    max_backoff_minutes: float = Field(default=360, gt=0)
    # Worker processes that parse feeds and pages; None = one per core, 0 = a thread.
    workers: int | None = Field(default=None, ge=0, le=64)

    @field_validator("allow_hosts")
    @classmethod
    def _hosts_or_host_ports(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            split_host_port(entry)  # ValueError names the entry and what is wrong
        return value


class FeedSettings(_Section):
    url: str
    title: str | None = None
    poll_interval_minutes: float | None = Field(default=None, gt=0)

    @field_validator("url")
    @classmethod
    def _feed_url(cls, value: str) -> str:
        return check_feed_url(value)


_PLATFORM_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class ChannelSettings(_Section):
    id: str = Field(description='"console:NAME", "slack:CHANNEL_ID", "discord:CHANNEL_ID", …')
    feeds: tuple[str, ...] = ()
    schedule: str = Field(default="30 8 * * mon-fri", description="cron: minute hour dom month dow")
    timezone: str = "UTC"
    breaking: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _platform_prefix(cls, value: str) -> str:
        # The shape only: which prefixes a platform serves is the composition root's
        # registry (``bot.run.PLATFORMS``), checked by `run` and `check`.
        platform, _, rest = value.partition(":")
        if not _PLATFORM_NAME.fullmatch(platform) or not rest.strip():
            raise ValueError(
                'expected "PLATFORM:ID", like "console:NAME", "slack:CHANNEL_ID", '
                '"discord:CHANNEL_ID" or "webhook:NAME"'
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("schedule")
    @classmethod
    def _five_field_cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError('expected a 5-field cron expression such as "30 8 * * mon-fri"')
        try:  # what `newsbrief run` will build from it: refused now, not when run starts
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(
                f'not a valid cron expression ({exc}); e.g. "30 8 * * mon-fri"'
            ) from exc
        return value

    @field_validator("feeds")
    @classmethod
    def _feed_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_feed_url(url) for url in value)


class BriefingSettings(_Section):
    max_stories: int = Field(default=8, ge=1, le=50)
    max_bullets_per_story: int = Field(default=4, ge=0, le=20)
    backfill_hours: float = Field(default=24, ge=0)
    post_empty: bool = False


class SlackSettings(_Section):
    mode: Literal["socket", "http"] = "socket"
    port: int = Field(default=3000, ge=1, le=65535)
    # Multi-workspace install (OAuth, SLACK_CLIENT_ID/SECRET); off: one workspace, one token.
    oauth: bool = False
    # Slack user ids allowed to subscribe/unsubscribe/schedule besides workspace admins.
    managers: tuple[str, ...] = ()


class DiscordSettings(_Section):
    guild_ids: tuple[int, ...] = ()
    # Privileged intent: answer plain messages in a briefing's thread, not only mentions.
    message_content: bool = False


class WebhookSettings(_Section):
    # "markdown": {"text": ...}; "json": the same text plus the briefing as data.
    format: Literal["markdown", "json"] = "markdown"
    timeout_seconds: float = Field(default=10, gt=0)


class LLMSettings(_Section):
    model: str | None = None
    base_url: str | None = None
    timeout_seconds: float = Field(default=10, gt=0)
    daily_token_budget: int = Field(default=200_000, ge=0)
    # Retries (with backoff) on 429, 5xx, timeouts; then the offline extractor is used.
    max_retries: int = Field(default=2, ge=0, le=10)
    # Whole-story and whole-poll deadlines: a dead server costs seconds, then offline.
    deadline_seconds: float = Field(default=20, gt=0)
    poll_deadline_seconds: float = Field(default=45, gt=0)


class RunSettings(_Section):
    heartbeat_file: Path = Path("/tmp/newsbrief.heartbeat")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "text": one readable line per event; "json": one JSON object per line (`--log-format`).
    log_format: Literal["text", "json"] = "text"
    # GET /health and /metrics on this port (`--health-port`); unset: none (Slack's port
    # serves both whenever Slack runs). 0 picks a free port.
    health_port: int | None = Field(default=None, ge=0, le=65535)
    health_host: str = "0.0.0.0"
    tick_seconds: float = Field(default=1.0, gt=0, le=60)
    lease_seconds: float = Field(default=120, ge=1)
    # Tests and benchmarks only: post "console:" channels as JSON lines to this file.
    record_file: Path | None = None
    record_post_delay_seconds: float = Field(default=0, ge=0)


class Settings(BaseSettings):
    """Everything newsbrief can be told. Build it with `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBRIEF_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    briefing: BriefingSettings = BriefingSettings()
    slack: SlackSettings = SlackSettings()
    discord: DiscordSettings = DiscordSettings()
    webhook: WebhookSettings = WebhookSettings()
    llm: LLMSettings = LLMSettings()
    run: RunSettings = RunSettings()
    feeds: tuple[FeedSettings, ...] = ()
    channels: tuple[ChannelSettings, ...] = ()

    # Secrets: environment only (the TOML loader refuses them).
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "NEWSBRIEF_SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "NEWSBRIEF_SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "NEWSBRIEF_SLACK_SIGNING_SECRET"),
    )
    slack_client_id: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_ID", "NEWSBRIEF_SLACK_CLIENT_ID"),
    )
    slack_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_SECRET", "NEWSBRIEF_SLACK_CLIENT_SECRET"),
    )
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "NEWSBRIEF_DISCORD_TOKEN")
    )
    # Incoming-webhook URLs by name (channel "webhook:NAME"), as a JSON object. They carry
    # their own credentials, so like tokens they are read only from the environment.
    webhook_urls: dict[str, SecretStr] = Field(
        default_factory=dict,
        validation_alias=AliasChoices("WEBHOOK_URLS", "NEWSBRIEF_WEBHOOK_URLS"),
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSBRIEF_OPENAI_API_KEY")
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init kwargs, so the environment must rank above it.
        return (env_settings, init_settings)


def split_host_port(entry: str) -> tuple[str, int | None]:
    """``"host"``, ``"host:port"``, ``"[v6]:port"`` or a bare IPv6 literal → (host, port).

    Raises ValueError saying what is wrong, for the settings to name the option.
    """
    text = entry.strip()
    if not text or any(c.isspace() for c in text) or "/" in text or "@" in text:
        raise ValueError(f"{entry!r} is not a host name, IP address or host:port")
    host, port = text, None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"{entry!r}: expected [IPv6]:port")
        port = rest[1:] or None
    elif text.count(":") == 1:
        host, port = text.split(":")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535")
    if not host:
        raise ValueError(f"{entry!r} has no host")
    return normal_host(host), int(port) if port is not None else None


def normal_host(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("[").removesuffix("]")


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")
CREDENTIALS_REFUSED = (
    "a user name or password in a feed URL would be stored and shown to every channel "
    "and in `newsbrief feeds`; newsbrief does not send credentials to feeds"
)


def check_feed_url(value: str) -> str:
    """A feed in the operator's config: an http(s) URL without credentials, or a local file."""
    url = value.strip()
    if not url:
        raise ValueError("empty: expected an http(s):// URL or a local file path")
    match = _SCHEME.match(url)
    scheme = match[1].lower() if match else None
    if scheme is not None and scheme not in ("http", "https", "file"):
        raise ValueError(
            f"{scheme}:// feeds cannot be fetched: expected http(s):// or a local file"
        )
    if scheme in ("http", "https") and "@" in urlsplit(url).netloc:
        raise ValueError(CREDENTIALS_REFUSED)
    return url


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError('expected an IANA time zone such as "Europe/Berlin" or "UTC"') from exc
    return value


def find_config_path(explicit: str | Path | None = None) -> Path | None:
    """The config file to read: ``--config``, then $NEWSBRIEF_CONFIG, then ./newsbrief.toml."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV_VAR)
    if from_env:
        return Path(from_env)
    return next((p for p in DEFAULT_CONFIG_PATHS if p.is_file()), None)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the TOML file at ``path`` (if any) and the environment; raise `ConfigError`."""
    data = _read_toml(Path(path)) if path else {}
    _refuse_secrets(data, where=str(path))
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, source=str(path) if path else "environment")) from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file {path} not found; copy config/newsbrief.example.toml to start one"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be read): save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror or exc}") from exc


def _refuse_secrets(data: Mapping[str, Any], *, where: str, prefix: str = "") -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key.lower().endswith(_SECRET_KEY_PARTS):
            env_name = dotted.replace(".", "_").upper()
            raise ConfigError(
                f"{dotted} in {where}: secrets are read only from the environment; "
                f"remove it from the file and set {env_name} instead"
            )
        if isinstance(value, Mapping):
            _refuse_secrets(value, where=where, prefix=f"{dotted}.")


def _explain(exc: ValidationError, *, source: str) -> str:
    lines = [f"invalid configuration in {source}:"]
    for error in exc.errors():
        option = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            lines.append(f"  {option}: unknown option (see config/newsbrief.example.toml)")
            continue
        got = error.get("input")
        secret = option.lower().endswith(_SECRET_KEY_PARTS) or CREDENTIALS_REFUSED in str(
            error["msg"]
        )
        shown = "" if secret or isinstance(got, Mapping) else f" (got {got!r})"
        lines.append(f"  {option}: {error['msg']}{shown}")
    return "\n".join(lines)
