"""Log lines: one per event, readable text (default) or JSON lines, and never a secret.

A record names what it is about with ``extra`` ids (`ID_FIELDS`): the feed's
URL, the story's id, the channel, the delivery's idempotency key, the Slack
event id. Text lines append them as ``key=value``; JSON lines carry them as
fields beside ``time``, ``level``, ``logger`` and ``message``.

Every finished line, traceback included, passes `Redactor`: the configured
secrets' values and anything shaped like a Slack, Discord, OpenAI or bearer
token become ``[redacted]``, so a token that slips into an exception message
or a URL still never reaches the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, TextIO

from pydantic import SecretStr

if TYPE_CHECKING:
    from bot.settings import Settings

LogFormat = Literal["text", "json"]
ID_FIELDS = ("feed", "story", "channel", "delivery_key", "event_id", "owner")
REDACTED = "[redacted]"
_TOKEN_SHAPES = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]+"  # Slack bot/user/... tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|sk-[A-Za-z0-9_-]{16,}"  # OpenAI-style API keys
    r"|[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"  # Discord bot tokens
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}"
)
# Third-party loggers that log every request at INFO: one line per event is ours to write.
QUIET_LOGGERS = ("httpx", "httpcore", "aiohttp.access", "apscheduler.executors", "openai")
# Secrets shorter than this are not searched for: redacting "abc" everywhere helps no one.
MIN_SECRET_CHARS = 6


class Redactor:
    """Replaces known secret values and token-shaped strings in a finished line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = sorted({s for s in secrets if len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, values))) if values else None

    def __call__(self, line: str) -> str:
        if self._secrets is not None:
            line = self._secrets.sub(REDACTED, line)
        return _TOKEN_SHAPES.sub(REDACTED, line)


def ids_of(record: logging.LogRecord) -> dict[str, object]:
    """The ids a record was logged with, in `ID_FIELDS` order."""
    return {name: record.__dict__[name] for name in ID_FIELDS if name in record.__dict__}


class TextFormatter(logging.Formatter):
    """``2026-12-03 09:00:00,123 INFO bot.scheduler: posted ... channel=C delivery_key=K``"""

    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = ids_of(record)
        if ids:
            head, sep, trace = line.partition("\n")
            pairs = " ".join(f"{k}={_plain(v)}" for k, v in ids.items())
            line = f"{head} {pairs}{sep}{trace}"
        return self.redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, ids, exc."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **ids_of(record),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return self.redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(
    level: str = "INFO",
    fmt: LogFormat = "text",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Send every log record to ``stream`` (stderr) as ``fmt`` lines, secrets redacted."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _plain(value: object) -> str:
    text = str(value)
    return json.dumps(text) if not text or any(c.isspace() or c == '"' for c in text) else text


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold (tokens, keys, the store URL's password), to redact."""
    values = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    password = _url_password(settings.store.url)
    raw = _url_password(settings.store.url, decode=False)
    return [v for v in [*values, password, raw] if v]


def _url_password(url: str, *, decode: bool = True) -> str | None:
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    if not password:
        return None
    return unquote(password) if decode else password
