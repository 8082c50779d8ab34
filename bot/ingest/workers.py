"""`Workers`: ingest's CPU-bound steps (feed parsing, article text) off the event loop.

feedparser and trafilatura are pure Python over lxml: a cold poll of many feeds
is bound by them, not by the network. Run in threads they share one core (the
GIL); run in worker processes, one per core, they use all of them while the
event loop only does I/O. A worker that dies (a parser crashing in C, the
kernel killing it for memory) costs the one document it was working on, which
becomes an `IngestError` for that feed, and the pool is rebuilt for the next.

``Workers(processes=0)`` runs the same functions in a thread instead: for
one-shot commands and tests, where starting processes costs more than it saves.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from bot.errors import IngestError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Imported once in the fork server, so each worker starts with them loaded.
_PRELOAD = ["bot.ingest.formats", "bot.ingest.fulltext"]


def _exit_with(parent: int) -> None:
    """Worker initializer: end this worker when ``parent`` (the bot) ends.

    A killed bot (SIGKILL, the OOM killer) runs no cleanup; its workers, children
    of the fork server and blocked on a queue they hold both ends of, would wait
    forever, a few more with every restart. A daemon thread waits for the parent
    to exit (a pidfd where Linux has one, else a check each second) and ends the
    worker at once.
    """

    def watch() -> None:
        try:
            pidfd = os.pidfd_open(parent)
        except (AttributeError, OSError):  # not Linux >= 5.3, or the parent is gone
            pidfd = None
        if pidfd is not None:
            select.select([pidfd], [], [])  # readable once the parent has exited
        else:
            while _alive(parent):
                time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="newsbrief-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or its number reused by another
        return False
    return True


def default_processes() -> int:
    """One worker per core, or none (threads) on a single core, where processes only cost."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if cores and cores > 1 else 0


class Workers:
    """Runs picklable, module-level functions in worker processes (or a thread).

    Called by the ingest pipeline (`poll_feeds`) for `parse_document` and
    `article_text`. `run` raises whatever the function raises (pickled back from
    the worker), or `IngestError` when the worker process died.
    The pool starts on first use, so building a `Workers` costs nothing.
    """

    def __init__(self, processes: int | None = None, *, preload: Sequence[str] = ()) -> None:
        self.processes = default_processes() if processes is None else max(0, processes)
        self._preload = [*_PRELOAD, *preload]  # more modules the work will need (quotes)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # forkserver, not fork: the bot has threads (store, Slack, to_thread) and
                # forking a threaded process can copy a held lock into the child.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(self._preload)
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_exit_with,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
        call = functools.partial(fn, *args, **kwargs)
        if self.processes == 0:
            return await asyncio.to_thread(call)
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, call)
        except BrokenProcessPool as exc:
            log.warning("an ingest worker process died (%s); starting new ones", exc)
            self._discard(pool)
            raise IngestError(f"the worker process died while running {fn.__name__}") from exc

    def close(self) -> None:
        """Stop the worker processes (they finish the document in hand)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
