"""Metrics, the decision threshold, and the Bayes-ceiling comparison."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)


def choose_threshold(is_risk: np.ndarray, risk_proba: np.ndarray, target_recall: float) -> float:
    """The highest threshold t whose rule "risk when p >= t" reaches the target recall."""
    if not 0 < target_recall <= 1:
        raise ValueError("target recall must be in (0, 1]")
    positives = np.sort(risk_proba[is_risk.astype(bool)])[::-1]
    if len(positives) == 0:
        raise ValueError("no risk-class rows to choose a threshold from")
    needed = math.ceil(target_recall * len(positives))
    return float(positives[needed - 1])


def cost_threshold(is_risk: np.ndarray, risk_proba: np.ndarray, cost_ratio: float) -> float:
    """The threshold t of the rule "risk when p >= t" with the lowest expected cost, where a
    missed risk case costs ``cost_ratio`` times a refused other case."""
    order = np.argsort(-risk_proba, kind="stable")
    proba, risk = risk_proba[order], is_risk[order].astype(bool)
    caught = np.concatenate([[0], np.cumsum(risk)])  # risk cases among the k highest
    refused = np.concatenate([[0], np.cumsum(~risk)])
    cost = cost_ratio * (caught[-1] - caught) + refused
    denied = int(np.argmin(cost))
    return float(proba[denied - 1]) if denied else float(np.nextafter(proba[0], 1.0))


def threshold_tradeoff(
    is_risk: np.ndarray, risk_proba: np.ndarray, thresholds: np.ndarray
) -> dict[str, np.ndarray]:
    """What each threshold of the rule "risk when p >= t" would do: the share of applicants
    approved, and the share of the risk class refused (its recall)."""
    risky = is_risk.astype(bool)
    refused = risk_proba[None, :] >= np.asarray(thresholds)[:, None]
    return {
        "threshold": np.asarray(thresholds, dtype=float),
        "approval_rate": 1.0 - refused.mean(axis=1),
        "risk_recall": (
            refused[:, risky].mean(axis=1) if risky.any() else np.full(len(refused), np.nan)
        ),
    }


def risk_bands(risk_proba: np.ndarray, threshold: float) -> dict[str, Any]:
    """Cut-offs of the Poor / Standard / Good bands, from out-of-fold risk probabilities:
    Poor from the decision threshold (the applicants the policy refuses); Good the lower-risk
    half of the approved applicants, Standard the other half."""
    approved = risk_proba[risk_proba < threshold]
    good_below = float(np.median(approved)) if len(approved) else threshold
    return {
        "good_below": good_below,
        "poor_from": threshold,
        "rule": "Poor: refused (risk probability at or above the threshold); Good: the "
        "lower-risk half of the approved applicants (below the median out-of-fold risk "
        "probability among them); Standard: the other approved half",
    }


def decision_metrics(
    is_risk: np.ndarray, risk_proba: np.ndarray, threshold: float
) -> dict[str, Any]:
    """Recall and precision of the risk class, the approval rate, the risk rate among the
    approved, and the confusion matrix of the decision, at a threshold."""
    denied = risk_proba >= threshold
    risk = is_risk.astype(bool)
    return {
        "threshold": float(threshold),
        "risk_recall": float(denied[risk].mean()) if risk.any() else float("nan"),
        "risk_precision": float(risk[denied].mean()) if denied.any() else float("nan"),
        "approval_rate": float(1 - denied.mean()),
        "risk_rate_among_approved": float(risk[~denied].mean()) if (~denied).any() else 0.0,
        # rows: actual other / actual risk; columns: approved / denied
        "confusion_at_threshold": [
            [int((~risk & ~denied).sum()), int((~risk & denied).sum())],
            [int((risk & ~denied).sum()), int((risk & denied).sum())],
        ],
    }


def _normalised(proba: np.ndarray) -> np.ndarray:
    """Probabilities clipped away from 0 and summing to one in float64 (XGBoost answers in
    float32, whose rows miss 1 by a rounding error)."""
    clipped = np.clip(np.asarray(proba, dtype="float64"), 1e-15, 1)
    normalised: np.ndarray = clipped / clipped.sum(axis=1, keepdims=True)
    return normalised


def _auc(y: np.ndarray, proba: np.ndarray, labels: list[int]) -> float:
    """ROC AUC: of the second class for two classes, one-vs-rest averaged for more."""
    if len(labels) == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", labels=labels))


def ks_statistic(is_risk: np.ndarray, risk_proba: np.ndarray) -> float:
    """Kolmogorov-Smirnov: the largest gap between the risk and non-risk score distributions."""
    false_positive_rate, true_positive_rate, _ = roc_curve(is_risk, risk_proba)
    return float(np.max(true_positive_rate - false_positive_rate))


CALIBRATION_BINS = 10


def expected_calibration_error(is_class: np.ndarray, class_proba: np.ndarray) -> float:
    """How far a class's probability is from its frequency: over ten equal-width bins of
    the probability, the record-weighted mean of |mean probability - share of the class|."""
    bins = np.minimum((class_proba * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error = 0.0
    for b in np.unique(bins):
        inside = bins == b
        error += inside.mean() * abs(class_proba[inside].mean() - is_class[inside].mean())
    return float(error)


def classification_metrics(
    y: np.ndarray, proba: np.ndarray, classes: tuple[str, ...], risk_index: int
) -> dict[str, Any]:
    """Per-class P/R/F1 and calibration error (ECE), macro F1, accuracy, AUCs, Brier score,
    log loss, confusion matrix."""
    predicted = np.argmax(proba, axis=1)
    labels = list(range(len(classes)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y, predicted, labels=labels, zero_division=0
    )
    one_hot = np.eye(len(classes))[y]
    per_class = {
        name: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
            "ece": expected_calibration_error(y == i, proba[:, i]),
        }
        for i, name in enumerate(classes)
    }
    return {
        "rows": int(len(y)),
        "macro_f1": float(f1_score(y, predicted, average="macro")),
        "accuracy": float(accuracy_score(y, predicted)),
        "roc_auc_ovr": _auc(y, proba, labels),
        "risk_vs_rest_auc": float(roc_auc_score(y == risk_index, proba[:, risk_index])),
        "risk_ks": ks_statistic(y == risk_index, proba[:, risk_index]),
        "brier": float(np.mean(np.sum((proba - one_hot) ** 2, axis=1))),
        "log_loss": float(log_loss(y, _normalised(proba), labels=labels)),
        "per_class": per_class,
        "confusion_matrix": confusion_matrix(y, predicted, labels=labels).tolist(),
    }


def full_metrics(
    y: np.ndarray,
    proba: np.ndarray,
    classes: tuple[str, ...],
    risk_index: int,
    threshold: float,
) -> dict[str, Any]:
    """Classification metrics plus the decision metrics at ``threshold``."""
    metrics = classification_metrics(y, proba, classes, risk_index)
    metrics["decision"] = decision_metrics(y == risk_index, proba[:, risk_index], threshold)
    return metrics
