"""PostgreSQL connections are pinged after idling, not at every checkout."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from bot.store import engine as engines
from bot.store import make_store


def _counting_pings(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_checkouts_in_quick_succession_are_not_pinged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ping is a round trip; a chat answer checks a connection out five times or
    more within milliseconds (``pool_pre_ping`` pinged at each)."""
    with make_store(postgres_url) as store:
        store.list_feeds()
        pings = _counting_pings(store.engine, monkeypatch)
        for _ in range(5):
            store.list_feeds()
        assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced(
    postgres_url: str, postgres_admin: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 0.0)
    with make_store(postgres_url) as store:
        with store.engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        pings = _counting_pings(store.engine, monkeypatch)
        with postgres_admin.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert store.list_feeds() == []  # the dead connection is pinged and replaced
        assert len(pings) >= 1
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar() != pid
