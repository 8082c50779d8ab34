"""compose.yaml, checked without an engine: services, health checks, order, environment.

No Docker engine runs here, so the file is parsed and held to what the code
expects: the commands are real subcommands, the environment loads into
`Settings`, the store URL names the database service, secrets carry no values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.settings import load_settings

ROOT = Path(__file__).parents[2]
SECRETS = {
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "DISCORD_TOKEN",
    "OPENAI_API_KEY",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}``, for the test."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3) or ""
        if name in env:
            return env[name]
        if op == ":?":
            raise AssertionError(f"{name} is required: {rest}")
        return rest

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def test_services_and_two_replicas(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "migrate", "check", "newsbrief"}
    bot = services["newsbrief"]
    assert bot["command"] == ["run"] and bot["deploy"]["replicas"] == 2
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["check"]["command"] == ["check"]
    for name in ("migrate", "check", "newsbrief"):
        build_parser().parse_args(services[name]["command"])  # real subcommands


def test_start_order_is_database_then_migrate_then_check_then_the_bot(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    done = {"condition": "service_completed_successfully"}
    assert services["check"]["depends_on"] == {"migrate": done}
    assert services["newsbrief"]["depends_on"] == {"check": done}
    assert services["migrate"]["restart"] == services["check"]["restart"] == "no"


def test_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["newsbrief"]["healthcheck"]["test"] == ["CMD", "newsbrief", "health"]
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert "8080" in services["newsbrief"]["expose"]
    assert "EXPOSE 3000 8080" in (ROOT / "Dockerfile").read_text()
    # The drain on SIGTERM (60 s) fits in the grace period before a kill.
    assert int(services["newsbrief"]["stop_grace_period"].rstrip("s")) > 60


def test_volumes(compose: dict[str, Any]) -> None:
    assert "pgdata" in compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    [config] = compose["services"]["newsbrief"]["volumes"]
    source, target, mode = interpolate(config, {}).split(":")
    assert (ROOT / source).is_file() and target == "/etc/newsbrief/newsbrief.toml"
    assert mode == "ro"


def test_secrets_come_from_the_environment_only(compose: dict[str, Any]) -> None:
    env = compose["services"]["newsbrief"]["environment"]
    assert set(env) >= SECRETS
    for name in SECRETS:
        assert env[name] is None  # passed through, never written here
    assert "${POSTGRES_PASSWORD:?" in env["NEWSBRIEF_STORE__URL"]
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]


def test_the_environment_loads_into_settings_pointing_at_the_db_service(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = compose["services"]
    db = services["db"]["environment"]
    shell = {"POSTGRES_PASSWORD": "pw"}
    for name, value in services["newsbrief"]["environment"].items():
        if value is not None:
            monkeypatch.setenv(name, interpolate(value, shell))
    monkeypatch.chdir(tmp_path)
    settings = load_settings(ROOT / "config" / "newsbrief.example.toml")
    assert settings.store.url == (
        f"postgresql+psycopg://{db['POSTGRES_USER']}:pw@db:5432/{db['POSTGRES_DB']}"
    )
    assert settings.run.health_port == 8080 and settings.run.log_format == "json"
