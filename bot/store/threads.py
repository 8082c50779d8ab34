"""Thread memory (migration 0011): what each chat thread was last told.

`ThreadMemoryStore` is mixed into `SqlStore`. The conversations core reads a
thread's memory for a follow-up ("what else …", a pronoun) and for an answer that
cites people, and writes it back when such an answer changes it, so "what else
did she say?" resolves "she" whichever process the follow-up reaches. Memories
are small (a few names, the quotes shown, at most `MAX_SHOWN`); one not touched
for `FORGET_AFTER` is deleted, a few at a time, by later writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bot.ports import ThreadMemory
from bot.store.schema import thread_memory

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

FORGET_AFTER = timedelta(days=30)  # a thread revisited after a month starts afresh
MAX_SHOWN = 500  # quotes remembered as shown in one thread; the newest are kept
# Every PRUNE_EVERY-th write also deletes up to PRUNE_LIMIT forgotten threads.
PRUNE_EVERY = 64
PRUNE_LIMIT = 500


class ThreadMemoryStore:
    """Mixin of `SqlStore`: ``thread_memory`` and ``remember_thread``."""

    if TYPE_CHECKING:
        _thread_writes: Iterator[int]

        def _read(
            self, doing: str, *, snapshot: bool = True
        ) -> AbstractContextManager[sa.Connection]: ...
        def _write(
            self, doing: str, *, in_reading: bool = False
        ) -> AbstractContextManager[sa.Connection]: ...
        def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert: ...

    def thread_memory(self, channel: str, thread: str) -> ThreadMemory:
        """What ``thread`` of ``channel`` was last told; see `Store.thread_memory`."""
        query = sa.select(thread_memory.c.people, thread_memory.c.shown).where(
            thread_memory.c.channel == channel, thread_memory.c.thread == thread
        )
        with self._read(f"reading the memory of thread {thread!r}", snapshot=False) as conn:
            row = conn.execute(query).first()
        if row is None:
            return ThreadMemory()
        shown = frozenset((int(story), str(text)) for story, text in json.loads(row.shown))
        return ThreadMemory(people=tuple(json.loads(row.people)), shown=shown)

    def remember_thread(
        self, channel: str, thread: str, memory: ThreadMemory, *, at: datetime
    ) -> None:
        """Replace the memory of ``thread``; see `Store.remember_thread`."""
        # Sorted, so the same memory is the same bytes; the cap keeps the newest story ids.
        shown = sorted(memory.shown, reverse=True)[:MAX_SHOWN]
        values = {
            "people": json.dumps(list(memory.people)),
            "shown": json.dumps([list(s) for s in shown]),
            "updated_at": at,
        }
        insert = self._insert(thread_memory).values(channel=channel, thread=thread, **values)
        upsert = insert.on_conflict_do_update(
            index_elements=[thread_memory.c.channel, thread_memory.c.thread], set_=values
        )
        prune = next(self._thread_writes) % PRUNE_EVERY == 0
        # One statement (two when pruning, each complete on its own): inside an answer's
        # `reading` it needs no transaction of its own.
        with self._write(f"remembering thread {thread!r}", in_reading=True) as conn:
            if prune:
                forgotten = (
                    sa.select(thread_memory.c.channel, thread_memory.c.thread)
                    .where(thread_memory.c.updated_at < at - FORGET_AFTER)
                    .order_by(thread_memory.c.updated_at)
                    .limit(PRUNE_LIMIT)
                )
                conn.execute(
                    sa.delete(thread_memory).where(
                        sa.tuple_(thread_memory.c.channel, thread_memory.c.thread).in_(forgotten)
                    )
                )
            conn.execute(upsert)
