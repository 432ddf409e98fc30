"""Waiting on the event loop for a spool's records to reach the disk: one thread hop per
fsync, shared by every request that wrote before it began, instead of one hop per request."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from credit_scoring.service.audit.spool import Spool

Waiter = tuple[int, "asyncio.Future[None]"]


class LoopGroupCommit:
    """Awaitable durability of one spool's writes. The first waiter starts an fsync on a
    dedicated thread; those who write meanwhile wait for the next fsync, which covers
    them all. A waiter returns only once an fsync begun after its write has returned, and
    gets the spool's SpoolError when that fsync failed."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"fsync-{spool.stream}")
        self._waiting: list[Waiter] = []
        self._syncing = False

    async def wait(self, ticket: int) -> None:
        """Return once the spool's write ``ticket`` is on disk (at once without fsync)."""
        if not self._spool.fsync:
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.append((ticket, future))
        if not self._syncing:
            self._sync(loop)
        await future

    def close(self) -> None:
        """Let the fsync in flight finish, then stop the thread."""
        self._executor.shutdown(wait=True)

    def _sync(self, loop: asyncio.AbstractEventLoop) -> None:
        self._syncing = True
        waiting, self._waiting = self._waiting, []
        target = max(ticket for ticket, _ in waiting)
        synced = loop.run_in_executor(self._executor, self._spool.make_durable, target)
        synced.add_done_callback(partial(self._synced, loop, waiting))

    def _synced(
        self, loop: asyncio.AbstractEventLoop, waiting: list[Waiter], synced: asyncio.Future[None]
    ) -> None:
        error = synced.exception()
        for _, future in waiting:
            if future.done():  # its request was cancelled meanwhile
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)
        self._syncing = False
        if self._waiting:
            self._sync(loop)
