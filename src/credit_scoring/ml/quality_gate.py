"""The quality gate a model must pass before it is published for production.

Evaluated from the artifact's metadata at training (stored there) and again before
publishing and deploying, so that a model is judged by the same rules everywhere.
"""

from __future__ import annotations

from credit_scoring.ml.artifact_metadata import ArtifactMetadata
from credit_scoring.ml.artifact_metadata import GateCheck as Check
from credit_scoring.ml.artifact_metadata import QualityGate

RECALL_TOLERANCE = 0.02
MINIMUM_RISK_AUC = 0.75


def _recall_check(metadata: ArtifactMetadata) -> Check:
    policy = metadata.threshold_policy
    if policy.target_recall is None:  # a cost policy promises no recall
        return Check(
            name="risk_recall_on_test",
            passed=True,
            detail=f"cost policy (ratio {policy.cost_ratio})",
        )
    target = policy.target_recall
    recall = float(metadata.metrics.test["decision"]["risk_recall"])
    floor = target - RECALL_TOLERANCE
    return Check(
        name="risk_recall_on_test",
        passed=recall >= floor,
        detail=f"{metadata.risk_class} recall {recall:.3f} on unseen test rows at the threshold "
        f"(needs >= {floor:.2f}: target {target:.2f} - tolerance {RECALL_TOLERANCE})",
    )


def _baseline_check(metadata: ArtifactMetadata) -> Check:
    cv = metadata.metrics.cross_validation
    chosen = metadata.model.chosen
    ours, baseline = float(cv[chosen]["log_loss"]), float(cv["linear_baseline"]["log_loss"])
    return Check(
        name="beats_linear_baseline",
        passed=ours < baseline,
        detail=f"cross-validated log loss {ours:.4f} ({chosen}) vs {baseline:.4f} "
        "(linear baseline)",
    )


def evaluate_gate(metadata: ArtifactMetadata) -> list[Check]:
    """Every rule of the gate, evaluated on an artifact's metadata."""
    kind = metadata.training_data.kind
    overlap = metadata.metrics.split.customer_overlap
    auc = float(metadata.metrics.test["risk_vs_rest_auc"])
    return [
        Check(name="real_training_data", passed=kind == "real", detail=f"trained on {kind} data"),
        Check(
            name="customer_disjoint_test",
            passed=overlap == 0,
            detail=f"{overlap} customers in train and test",
        ),
        _baseline_check(metadata),
        _recall_check(metadata),
        Check(
            name="risk_auc_on_test",
            passed=auc >= MINIMUM_RISK_AUC,
            detail=f"{metadata.risk_class}-vs-rest ROC AUC {auc:.3f} "
            f"(needs >= {MINIMUM_RISK_AUC})",
        ),
    ]


def gate_summary(checks: list[Check]) -> QualityGate:
    """The gate as stored in metadata.json: passed, and each check."""
    return QualityGate(passed=all(check.passed for check in checks), checks=checks)
