"""`newsbrief check` and `newsbrief db upgrade|current` on real stores and servers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from bot.cli import main
from bot.store import alembic_config, head_revision, migrate
from bot.testing import FeedServer
from summarizer.testing import FakeOpenAI

SECRET_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "DISCORD_TOKEN",
    "OPENAI_API_KEY",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"NEWSBRIEF_{name}", raising=False)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there once the probe is closed


def run_cli(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.splitlines()


BAD_CONFIG = """
[store]
url = "{store}"
[ingest]
allow_hosts = ["*.corp.example", "feeds.example:8080"]
[llm]
base_url = "http://127.0.0.1:{llm_port}/v1"
model = "local"
[[feeds]]
url = "http://169.254.169.254/latest/meta-data"
[[feeds]]
url = "http://10.1.2.3/feed.xml"
[[feeds]]
url = "{missing}"
[[channels]]
id = "slack:general"
schedule = "0 8 30 2 *"
[[channels]]
id = "discord:news-room"
"""


def test_every_problem_is_one_line_and_the_exit_code_is_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(
        BAD_CONFIG.format(
            store=f"sqlite:///{tmp_path / 'empty.db'}",
            llm_port=closed_port(),
            missing=tmp_path / "nowhere.xml",
        )
    )
    code, lines = run_cli("--config", str(config), "check", capsys=capsys)
    assert code == 1
    problems = [line for line in lines if line.startswith("problem: ")]
    expected = [
        "channels[0] (slack:general): not a Slack channel id",
        "channels[0] (slack:general): schedule '0 8 30 2 *'",
        "channels[1] (discord:news-room): not a Discord channel id",
        "ingest.allow_hosts: '*.corp.example': wildcards never match",
        "ingest.allow_hosts: 'feeds.example:8080': no port",
        "feed http://169.254.169.254/latest/meta-data: the URL guard refuses it",
        "feed http://10.1.2.3/feed.xml: the URL guard refuses it",
        f"feed {tmp_path / 'nowhere.xml'}: no such file",
        "slack channels configured but SLACK_BOT_TOKEN is not set",
        "discord channels configured but DISCORD_TOKEN is not set",
        "store is empty: `newsbrief db upgrade` creates its tables",
        "llm.base_url http://127.0.0.1:",
    ]
    for start in expected:
        assert sum(p.startswith(f"problem: {start}") for p in problems) == 1, (start, problems)
    assert len(problems) == len(expected)
    assert lines[-1].startswith(f"{len(expected)} problem(s) in ")


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('[ingest]\nallow_hosts = ["http://intranet.example/"]\n', "ingest.allow_hosts:"),
        ('[[channels]]\nid = "console:x"\nfeeds = ["ftp://files.example/f.xml"]\n', "ftp://"),
    ],
)
def test_entries_the_config_loader_refuses_are_reported_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, says: str
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(toml)
    code, lines = run_cli("--config", str(config), "check", capsys=capsys)
    assert code == 2
    assert any(line.startswith("problem: ") and says in line for line in lines), lines


def test_an_invalid_option_is_reported_as_run_would_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(
        '[run]\ntick_seconds = 0\n[[channels]]\nid = "console:x"\ntimezone = "Mars/Base"\n'
    )
    code, lines = run_cli("--config", str(config), "check", capsys=capsys)
    assert code == 2
    assert any(line.startswith("problem: run.tick_seconds:") for line in lines)
    assert any(line.startswith("problem: channels.0.timezone:") for line in lines)


def test_a_sound_config_with_a_migrated_store_and_a_live_llm_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(store)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-three")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-2-three")
    with FeedServer() as feeds, FakeOpenAI() as llm:
        config = tmp_path / "newsbrief.toml"
        config.write_text(
            f'[store]\nurl = "{store}"\n[ingest]\nallow_hosts = ["127.0.0.1"]\n'
            f'[llm]\nbase_url = "{llm.base_url}"\nmodel = "local"\n'
            f'[[channels]]\nid = "slack:C0123ABCD"\nfeeds = ["{feeds.url("/feed.xml")}"]\n'
            'schedule = "30 8 * * mon-fri"\ntimezone = "Europe/Berlin"\n'
        )
        code, lines = run_cli("--config", str(config), "check", capsys=capsys)
    assert code == 0, lines
    assert lines == [f"ok: {config}: 1 feeds, 1 channels"]


def test_offline_leaves_out_the_store_and_the_llm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "newsbrief.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "never.db"}"\n'
        f'[llm]\nbase_url = "http://127.0.0.1:{closed_port()}/v1"\nmodel = "m"\n'
    )
    code, lines = run_cli("--config", str(config), "check", "--offline", capsys=capsys)
    assert code == 0, lines
    assert lines[-1].endswith("(store and LLM not checked)")


def test_db_upgrade_then_current_on_postgres(
    tmp_path: Path,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSBRIEF_STORE__URL", postgres_url)
    monkeypatch.chdir(tmp_path)  # no ./newsbrief.toml: settings from the environment
    assert run_cli("db", "current", capsys=capsys) == (
        1,
        ["store: empty (never migrated)", f"this version: {head_revision()}"],
    )
    assert run_cli("db", "upgrade", capsys=capsys) == (
        0,
        [f"upgraded an empty store -> {head_revision()}"],
    )
    assert run_cli("db", "upgrade", capsys=capsys) == (0, [f"already at {head_revision()}"])
    code, _ = run_cli("db", "current", capsys=capsys)
    assert code == 0
    engine = sa.create_engine(postgres_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables


def test_slack_sdk_stores_work_on_the_migrated_tables(tmp_path: Path) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    try:
        installations = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
        installations.save(
            Installation(app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-t1", bot_id="B1")
        )
        bot = installations.find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None and bot.bot_token == "xoxb-t1"
        states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
        assert states.consume(states.issue())
    finally:
        engine.dispose()


def test_tables_slack_sdk_created_before_the_migration_are_kept(tmp_path: Path) -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0007")
            conn.commit()
        old = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
        old.metadata.create_all(engine)  # what `slack.oauth = true` did before 0009
        with engine.begin() as conn:
            conn.execute(
                old.bots.insert().values(
                    client_id="111.222",
                    app_id="A1",
                    team_id="T9",
                    bot_token="xoxb-kept",
                    is_enterprise_install=False,
                    installed_at=sa.func.now(),
                )
            )
    finally:
        engine.dispose()
    assert migrate(url) == head_revision()
    engine = sa.create_engine(url)
    try:
        bot = SQLAlchemyInstallationStore(client_id="111.222", engine=engine).find_bot(
            enterprise_id=None, team_id="T9"
        )
        assert bot is not None and bot.bot_token == "xoxb-kept"
    finally:
        engine.dispose()


def test_the_slack_oauth_migration_matches_slack_sdks_tables(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    from bot.store.schema import SLACK_OAUTH_TABLES

    migrate(store_url)
    engine = sa.create_engine(store_url)
    try:
        wanted = sa.MetaData()
        installations = SQLAlchemyInstallationStore(client_id="1.2", engine=engine)
        states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=engine)
        for source in (installations.metadata, states.metadata):
            for table in source.tables.values():
                table.to_metadata(wanted)
        assert set(wanted.tables) == set(SLACK_OAUTH_TABLES)

        def ours(obj: object, name: str | None, type_: str, *_: object) -> bool:
            return type_ != "table" or name in SLACK_OAUTH_TABLES

        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": ours})
            diff = compare_metadata(context, wanted)
    finally:
        engine.dispose()
    assert diff == []
