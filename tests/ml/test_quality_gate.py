"""The quality gate: each rule fails the model it should, and a synthetic model never passes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credit_scoring.ml.artifact_metadata import ArtifactMetadata
from credit_scoring.ml.quality_gate import evaluate_gate
from tests.helpers import passing


def failed(metadata: dict[str, Any]) -> set[str]:
    typed = ArtifactMetadata.model_validate(metadata)
    return {check.name for check in evaluate_gate(typed) if not check.passed}


@pytest.fixture
def metadata(trained_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((trained_dir / "metadata.json").read_text())
    return loaded


def test_a_synthetic_model_fails_the_gate_and_training_records_it(
    metadata: dict[str, Any],
) -> None:
    assert "real_training_data" in failed(metadata)
    assert metadata["quality_gate"]["passed"] is False
    stored = {c["name"]: c["passed"] for c in metadata["quality_gate"]["checks"]}
    assert stored["real_training_data"] is False


def breaks(name: str) -> Callable[[dict[str, Any]], None]:
    def low_recall(m: dict[str, Any]) -> None:
        m["metrics"]["test"]["decision"]["risk_recall"] = 0.80

    def worse_than_linear(m: dict[str, Any]) -> None:
        cv = m["metrics"]["cross_validation"]
        cv[m["model"]["chosen"]]["log_loss"] = cv["linear_baseline"]["log_loss"] + 0.01

    def leaky_split(m: dict[str, Any]) -> None:
        m["metrics"]["split"]["customer_overlap"] = 3

    def weak_auc(m: dict[str, Any]) -> None:
        m["metrics"]["test"]["risk_vs_rest_auc"] = 0.7

    def synthetic(m: dict[str, Any]) -> None:
        m["training_data"]["kind"] = "synthetic"

    return {
        "risk_recall_on_test": low_recall,
        "beats_linear_baseline": worse_than_linear,
        "customer_disjoint_test": leaky_split,
        "risk_auc_on_test": weak_auc,
        "real_training_data": synthetic,
    }[name]


@pytest.mark.parametrize(
    "rule",
    [
        "risk_recall_on_test",
        "beats_linear_baseline",
        "customer_disjoint_test",
        "risk_auc_on_test",
        "real_training_data",
    ],
)
def test_each_rule_fails_alone(metadata: dict[str, Any], rule: str) -> None:
    good = passing(metadata)
    assert failed(good) == set()
    breaks(rule)(good)
    assert failed(good) == {rule}
