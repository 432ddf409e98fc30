"""The single decisions of the moment scored in one call: each request gets its own record's
decision, exactly as scored alone (to the fast path's parity tolerance), and its own audit
record."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.decision import ScoredRecords
from credit_scoring.ml.scorer import PARITY_TOLERANCE, Scorer, canonical_columns
from credit_scoring.profiles.transformer import Columns
from credit_scoring.service.app import create_app
from credit_scoring.service.scoring_queue import ScoringQueue
from tests.helpers import HEADERS, make_settings, spooled_records


class CountingScorer(Scorer):
    """A scorer that notes how many records each call scores (and can be made to fail)."""

    def __init__(self, artifact: Artifact) -> None:
        super().__init__(artifact)
        self.calls: list[int] = []
        self.fails_on: float | None = None  # an Age that makes a call raise

    def score_columns(self, columns: Columns) -> ScoredRecords:
        self.calls.append(len(next(iter(columns.values()))))
        if self.fails_on is not None and self.fails_on in columns["Age"]:
            raise RuntimeError("booster gone")
        return super().score_columns(columns)


def _each(scorer: Scorer, records: list[dict[str, Any]]) -> list[Columns]:
    return [canonical_columns([record], scorer.profile) for record in records]


def _assert_same(got: ScoredRecords, alone: ScoredRecords) -> None:
    assert len(got) == len(alone) == 1
    assert np.abs(got.proba - alone.proba).max() <= PARITY_TOLERANCE
    assert list(got.decision) == list(alone.decision)
    assert list(got.credit_class) == list(alone.credit_class)
    assert got.outside_training_range == alone.outside_training_range


def test_requests_of_one_turn_share_one_call_and_get_their_own_record(
    artifact: Artifact, api_records: list[dict[str, Any]]
) -> None:
    scorer = CountingScorer(artifact)
    queue = ScoringQueue(scorer, alone=lambda: False)
    each = _each(scorer, api_records[:40])

    async def together() -> list[ScoredRecords]:
        return await asyncio.gather(*(queue.score(columns) for columns in each))

    results = asyncio.run(together())
    assert scorer.calls == [40]
    decisions = set()
    for columns, got in zip(each, results):
        _assert_same(got, Scorer.score_columns(scorer, columns))
        decisions.add(str(got.decision[0]))
    assert decisions == {"APROVADO", "NEGADO"}  # the records differ: rows are not mixed up


def test_a_request_alone_is_scored_at_once(
    artifact: Artifact, api_records: list[dict[str, Any]]
) -> None:
    scorer = CountingScorer(artifact)
    queue = ScoringQueue(scorer, alone=lambda: True)

    async def one_by_one() -> list[ScoredRecords]:
        return [await queue.score(columns) for columns in _each(scorer, api_records[:3])]

    assert len(asyncio.run(one_by_one())) == 3
    assert scorer.calls == [1, 1, 1]


def test_a_cancelled_request_leaves_the_others_their_answers(
    artifact: Artifact, api_records: list[dict[str, Any]]
) -> None:
    scorer = CountingScorer(artifact)
    queue = ScoringQueue(scorer, alone=lambda: False)
    each = _each(scorer, api_records[:3])

    async def one_gone() -> list[Any]:
        tasks = [asyncio.create_task(queue.score(columns)) for columns in each]
        await asyncio.sleep(0)  # every task now waits for the call
        tasks[1].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    first, gone, last = asyncio.run(one_gone())
    assert isinstance(gone, asyncio.CancelledError)
    _assert_same(first, Scorer.score_columns(scorer, each[0]))
    _assert_same(last, Scorer.score_columns(scorer, each[2]))


def test_a_failing_call_fails_only_the_request_that_makes_it_fail(
    artifact: Artifact, api_records: list[dict[str, Any]]
) -> None:
    """The shared call fails; each request is then scored alone: the one whose record makes
    the scorer raise gets the error, the others their decisions."""
    scorer = CountingScorer(artifact)
    records = [record | {"Age": 30 + k} for k, record in enumerate(api_records[:4])]
    scorer.fails_on = 32.0
    queue = ScoringQueue(scorer, alone=lambda: False)
    each = _each(scorer, records)

    async def together() -> list[Any]:
        return await asyncio.gather(*(queue.score(c) for c in each), return_exceptions=True)

    outcomes = asyncio.run(together())
    assert scorer.calls == [4, 1, 1, 1, 1]
    assert isinstance(outcomes[2], RuntimeError)
    for k in (0, 1, 3):
        _assert_same(outcomes[k], Scorer.score_columns(scorer, each[k]))


def test_concurrent_predictions_answer_and_audit_each_record_as_alone(
    trained_dir: Path, api_records: list[dict[str, Any]]
) -> None:
    """Thirty different records posted at once through the app: each answer is its own
    record's (as the same record posted alone), and so is its audit record."""
    settings = make_settings(trained_dir)
    app = create_app(settings)
    records = api_records[:30]

    async def post_all() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                posts = [
                    client.post("/predict", json={"data": record}, headers=HEADERS)
                    for record in records
                ]
                together = await asyncio.gather(*posts)
                alone = [
                    await client.post("/predict", json={"data": record}, headers=HEADERS)
                    for record in records
                ]
        return [r.json() for r in together], [r.json() for r in alone]

    together, alone = asyncio.run(post_all())
    audited = spooled_records(settings)
    for record, answer, reference in zip(records, together, alone):
        assert answer["decision"] == reference["decision"]
        for name, probability in reference["probabilities"].items():
            assert answer["probabilities"][name] == pytest.approx(probability, abs=1e-9)
        kept = audited[answer["decision_id"]]
        assert kept["outputs"]["probabilities"] == answer["probabilities"]
        assert kept["inputs"] == audited[reference["decision_id"]]["inputs"]
    assert len({answer["decision"] for answer in together}) == 2
