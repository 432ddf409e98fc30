"""A challenger in the shadows: a second model of a profile scores every request beside the
model that decides (the champion); only the champion answers, and each audit record keeps
what the challenger would have said. A challenger that fails changes no answer and loses no
record: its failure is logged, counted and noted in the records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from credit_scoring.ml.scorer import Scorer
from credit_scoring.profiles.transformer import Columns
from credit_scoring.service.metrics import Metrics

logger = logging.getLogger(__name__)

KEPT = ("credit_class", "probabilities", "risk_probability", "decision")  # of each answer


@dataclass(frozen=True)
class Challenger:
    """A profile's challenger, and the metrics counting its failures and agreements."""

    scorer: Scorer
    metrics: Metrics

    def annotate(self, columns: Columns, audit_records: list[dict[str, Any]]) -> None:
        """Score the records' canonical ``columns`` and put the challenger's version,
        probabilities and would-be decision into each of their audit records."""
        version, profile = self.scorer.version, self.scorer.profile.name
        try:
            scored = self.scorer.score_columns(columns)
            classes = self.scorer.profile.classes
            said = [scored.item(k, classes) for k in range(len(audit_records))]
        except Exception as error:  # noqa: BLE001 - nothing a challenger does may break an answer
            self.metrics.challenger_failures.labels(profile).inc()
            # the error's type only: its message may quote an applicant's values
            logger.warning("challenger %s failed: %s", version, type(error).__name__)
            for record in audit_records:
                record["challenger"] = {"model_version": version, "error": type(error).__name__}
            return
        for record, item in zip(audit_records, said):
            record["challenger"] = {"model_version": version} | {key: item[key] for key in KEPT}
            agreed = item["decision"] == record["outputs"]["decision"]
            self.metrics.challenger_agreements.labels(profile, str(agreed).lower()).inc()
