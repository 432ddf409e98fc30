"""The quality gate a model must pass before it is published for production.

Evaluated from the artifact's metadata at training (stored there) and again before
publishing and deploying, so that a model is judged by the same rules everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

RECALL_TOLERANCE = 0.02
MINIMUM_RISK_AUC = 0.75


@dataclass(frozen=True)
class Check:
    """One rule of the gate and how the model fared."""

    name: str
    passed: bool
    detail: str


def _recall_check(metadata: dict[str, Any]) -> Check:
    policy = metadata["threshold_policy"]
    if "target_recall" not in policy:  # a cost policy promises no recall
        return Check("risk_recall_on_test", True, f"cost policy (ratio {policy['cost_ratio']})")
    target = float(policy["target_recall"])
    recall = float(metadata["metrics"]["test"]["decision"]["risk_recall"])
    floor = target - RECALL_TOLERANCE
    return Check(
        "risk_recall_on_test",
        recall >= floor,
        f"{metadata['risk_class']} recall {recall:.3f} on unseen test rows at the threshold "
        f"(needs >= {floor:.2f}: target {target:.2f} - tolerance {RECALL_TOLERANCE})",
    )


def _baseline_check(metadata: dict[str, Any]) -> Check:
    cv = metadata["metrics"]["cross_validation"]
    chosen = metadata["model"]["chosen"]
    ours, baseline = float(cv[chosen]["log_loss"]), float(cv["linear_baseline"]["log_loss"])
    return Check(
        "beats_linear_baseline",
        ours < baseline,
        f"cross-validated log loss {ours:.4f} ({chosen}) vs {baseline:.4f} (linear baseline)",
    )


def evaluate_gate(metadata: dict[str, Any]) -> list[Check]:
    """Every rule of the gate, evaluated on an artifact's metadata."""
    kind = metadata["training_data"]["kind"]
    overlap = int(metadata["metrics"]["split"]["customer_overlap"])
    auc = float(metadata["metrics"]["test"]["risk_vs_rest_auc"])
    return [
        Check("real_training_data", kind == "real", f"trained on {kind} data"),
        Check("customer_disjoint_test", overlap == 0, f"{overlap} customers in train and test"),
        _baseline_check(metadata),
        _recall_check(metadata),
        Check(
            "risk_auc_on_test",
            auc >= MINIMUM_RISK_AUC,
            f"{metadata['risk_class']}-vs-rest ROC AUC {auc:.3f} (needs >= {MINIMUM_RISK_AUC})",
        ),
    ]


def gate_summary(checks: list[Check]) -> dict[str, Any]:
    """The gate as stored in metadata.json: passed, and each check."""
    return {"passed": all(check.passed for check in checks), "checks": [asdict(c) for c in checks]}
