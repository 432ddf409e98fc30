"""Single decisions of the requests in flight, scored in one call to the model.

One record through the scorer costs a few hundred microseconds, nearly all of it fixed
(numpy's cost per operation, two calls into the boosters): thirty records in one call cost
little more than one. Under concurrent load, the requests that reach scoring in the same
turn of the event loop are scored together, and each gets its own row back. A request alone
in the process is scored at once, without waiting for the next turn. When the shared call
fails, each request is scored alone: one record's failure stays its own request's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np

from credit_scoring.ml.decision import ScoredRecords
from credit_scoring.ml.scorer import Scorer
from credit_scoring.profiles.transformer import Columns

Waiting = tuple[Columns, "asyncio.Future[ScoredRecords]"]


class ScoringQueue:
    """One profile's scorer, shared by the single decisions of the moment. The first
    request to wait schedules the scoring for the end of the loop's turn; those that reach
    it meanwhile join the same call."""

    def __init__(self, scorer: Scorer, alone: Callable[[], bool]) -> None:
        self.scorer = scorer
        self._alone = alone
        self._waiting: list[Waiting] = []

    async def score(self, columns: Columns) -> ScoredRecords:
        """The decisions of ``columns`` (canonical columns of a few records), as
        ``Scorer.score_columns`` makes them."""
        if self._alone():
            return self.scorer.score_columns(columns)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ScoredRecords] = loop.create_future()
        self._waiting.append((columns, future))
        if len(self._waiting) == 1:
            loop.call_soon(self._score_waiting)
        return await future

    def _score_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        try:
            names = list(waiting[0][0])
            merged = {name: np.concatenate([c[name] for c, _ in waiting]) for name in names}
            scored = self.scorer.score_columns(merged)
        except Exception:  # one request's record may be the cause: each is scored alone
            for columns, future in waiting:
                self._score_alone(columns, future)
            return
        start = 0
        for columns, future in waiting:
            count = len(columns[names[0]])
            if not future.done():  # done: its request was cancelled meanwhile
                future.set_result(scored.rows(start, start + count))
            start += count

    def _score_alone(self, columns: Columns, future: asyncio.Future[ScoredRecords]) -> None:
        """One request's records scored on their own: its decisions, or its own error."""
        if future.done():
            return
        try:
            future.set_result(self.scorer.score_columns(columns))
        except Exception as error:
            future.set_exception(error)
