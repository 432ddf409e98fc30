"""The human-readable training report: markdown tables and PNG plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

from credit_scoring.ml.artifact_metadata import ArtifactMetadata, FairLending  # noqa: E402
from credit_scoring.ml.decision import Decision  # noqa: E402


def _save(figure: Any, path: Path) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def _finish_curves(figure: Any, axes: Any, xlabel: str, ylabel: str, title: str, path: Path) -> str:
    """Diagonal reference, labels, legend, title; save."""
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.legend()
    axes.set_title(title)
    return _save(figure, path)


def plot_confusion(matrix: list[list[int]], classes: tuple[str, ...], path: Path) -> str:
    """Confusion matrix (rows: actual, columns: predicted), with counts."""
    figure, axes = plt.subplots(figsize=(4.5, 4))
    values = np.asarray(matrix)
    axes.imshow(values, cmap="Blues")
    axes.set_xticks(range(len(classes)), classes)
    axes.set_yticks(range(len(classes)), classes)
    axes.set_xlabel("predicted")
    axes.set_ylabel("actual")
    for (row, col), count in np.ndenumerate(values):
        axes.text(col, row, str(count), ha="center", va="center")
    axes.set_title("Confusion matrix (test customers)")
    return _save(figure, path)


def plot_roc(y: np.ndarray, proba: np.ndarray, classes: tuple[str, ...], path: Path) -> str:
    """One-vs-rest ROC curve per class."""
    figure, axes = plt.subplots(figsize=(4.5, 4))
    for index, name in enumerate(classes):
        fpr, tpr, _ = roc_curve(y == index, proba[:, index])
        axes.plot(fpr, tpr, label=name)
    return _finish_curves(
        figure, axes, "false positive rate", "true positive rate", "ROC, one vs rest", path
    )


def plot_calibration(y: np.ndarray, proba: np.ndarray, classes: tuple[str, ...], path: Path) -> str:
    """Reliability curve per class (10 quantile bins)."""
    figure, axes = plt.subplots(figsize=(4.5, 4))
    for index, name in enumerate(classes):
        observed, predicted = calibration_curve(
            y == index, proba[:, index], n_bins=10, strategy="quantile"
        )
        axes.plot(predicted, observed, marker="o", label=name)
    return _finish_curves(
        figure, axes, "predicted probability", "observed frequency", "Calibration", path
    )


def plot_importance(importance: dict[str, float], path: Path, top: int = 20) -> str:
    """Horizontal bars of the largest normalised importances."""
    ranked = sorted(importance.items(), key=lambda item: item[1])[-top:]
    figure, axes = plt.subplots(figsize=(6, 0.3 * len(ranked) + 1))
    axes.barh([name for name, _ in ranked], [value for _, value in ranked])
    axes.set_xlabel("share of importance")
    axes.set_title("Feature importance")
    return _save(figure, path)


def _metrics_row(name: str, metrics: dict[str, Any]) -> str:
    return (
        f"| {name} | {metrics['macro_f1']:.4f} | {metrics['accuracy']:.4f} | "
        f"{metrics['log_loss']:.4f} | {metrics['roc_auc_ovr']:.4f} | "
        f"{metrics['risk_vs_rest_auc']:.4f} | {metrics['brier']:.4f} |"
    )


def _ece(values: dict[str, Any]) -> str:
    """The class's ECE (absent from models trained before it was measured)."""
    return f"{values['ece']:.4f}" if "ece" in values else "-"


def _per_class_table(metrics: dict[str, Any]) -> list[str]:
    lines = [
        "| class | precision | recall | F1 | support | calibration error (ECE) |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in metrics["per_class"].items():
        lines.append(
            f"| {name} | {values['precision']:.4f} | {values['recall']:.4f} | "
            f"{values['f1']:.4f} | {values['support']} | {_ece(values)} |"
        )
    return lines


def _policy_lines(metadata: ArtifactMetadata) -> list[str]:
    """The decision policy, its bands (two-outcome profiles), and how it fared on test."""
    risk, policy = metadata.risk_class, metadata.threshold_policy
    test = metadata.metrics.test
    decision = test["decision"]
    if policy.cost_ratio is not None:
        why = (
            f"the lowest expected cost on out-of-fold predictions when a missed {risk} costs "
            f"{policy.cost_ratio:g} times a refused other applicant"
        )
    else:
        why = f"a target {risk} recall of {policy.target_recall} (+ margin {policy.margin})"
    denied = Decision.NEGADO.value
    lines = [
        "## Decision policy",
        "",
        f"`{denied}` when P({risk}) >= **{metadata.threshold:.4f}**: {why}, chosen on "
        f"{policy.chosen_on}.",
        "",
        f"On the test customers: {risk} recall **{decision['risk_recall']:.4f}**, precision "
        f"{decision['risk_precision']:.4f}, approval rate **{decision['approval_rate']:.4f}**, "
        f"{risk} rate among the approved **{decision['risk_rate_among_approved']:.4f}**; "
        f"KS {test['risk_ks']:.4f}.",
        "",
        f"| actual \\ decision | {Decision.APROVADO.value} | {Decision.NEGADO.value} |",
        "|---|---|---|",
        *(
            f"| {name} | {row[0]} | {row[1]} |"
            for name, row in zip((f"not {risk}", risk), decision["confusion_at_threshold"])
        ),
        "",
    ]
    bands = metadata.risk_bands
    if bands:
        lines += [
            f"Risk bands: Good below {bands.good_below:.4f}, Standard up to the threshold, "
            f"Poor from {bands.poor_from:.4f} ({bands.rule}).",
            "",
        ]
    return lines


def _fair_lending_lines(fairness: FairLending | None) -> list[str]:
    """Which inputs the model must not read, and what they would have been worth."""
    if not fairness:
        return []
    excluded = "; ".join(f"`{name}`: {why}" for name, why in fairness.excluded.items())
    return [
        "## Fair lending",
        "",
        f"Accepted from clients but never read by the model: {excluded}.",
        f"Test ROC AUC without them **{fairness.test_auc_without:.4f}**, with them "
        f"{fairness.test_auc_with:.4f} ({fairness.model}).",
        "",
    ]


def _header_lines(metadata: ArtifactMetadata) -> list[str]:
    """What the model is, what it was trained on, and how it was split."""
    data, split = metadata.training_data, metadata.metrics.split
    return [
        f"# Model report: {metadata.version}",
        "",
        f"- Profile: `{metadata.profile}`; classes {metadata.classes}; "
        f"risk class `{metadata.risk_class}`.",
        f"- Trained on: **{data.kind}** data, `{data.path}` ({data.rows} rows, "
        f"sha256 `{data.sha256[:12]}…`).",
        f"- Chosen model: **{metadata.model.chosen}** ({metadata.model.reason}).",
        f"- Split: {split.train_customers} training customers, {split.test_customers} test "
        f"customers, no customer on both sides; {split.folds}-fold grouped cross-validation on "
        "the training customers.",
        *([f"- Tracked in MLflow: {metadata.tracking.url}"] if metadata.tracking else []),
        "",
    ]


def _metrics_lines(metadata: ArtifactMetadata) -> list[str]:
    """Cross-validation and test tables, per class on test."""
    metrics = metadata.metrics
    header = "| model | macro F1 | accuracy | log loss | ROC AUC (ovr) | risk AUC | Brier |"
    rule = "|---|---|---|---|---|---|---|"
    ceiling = metrics.bayes_ceiling
    return [
        "## Grouped cross-validation (out-of-fold, training customers)",
        "",
        header,
        rule,
        *[_metrics_row(name, values) for name, values in metrics.cross_validation.items()],
        "",
        "## Customer-disjoint test set",
        "",
        header,
        rule,
        _metrics_row(f"{metadata.model.chosen} (customer-cleaned rows)", metrics.test),
        _metrics_row("same model, single raw records as served", metrics.test_raw_records),
        *([_metrics_row("Bayes ceiling (true probabilities)", ceiling)] if ceiling else []),
        "",
        *_per_class_table(metrics.test),
        "",
    ]


def _ceiling_lines(metadata: ArtifactMetadata) -> list[str]:
    """How far the model is from the best achievable: the Bayes ceiling when the data is
    synthetic, else the profile's measured ceiling, if it has one."""
    ceiling = metadata.metrics.bayes_ceiling
    if ceiling is None and metadata.data_ceiling:
        auc = metadata.metrics.test_raw_records["risk_vs_rest_auc"]
        return [
            "## The data's ceiling",
            "",
            f"Test ROC AUC of the risk class, single records as served: **{auc:.4f}**; "
            f"{metadata.data_ceiling}.",
            "",
        ]
    if ceiling is None:
        return []
    gap = ceiling["macro_f1"] - metadata.metrics.test["macro_f1"]
    return [
        "## Bayes ceiling",
        "",
        "The data is synthetic: its generator wrote the true class probabilities of every "
        "row. Scoring those on the same test rows gives the best achievable metrics.",
        f"Macro F1 gap to the ceiling: **{gap:.4f}**.",
        "",
    ]


def write_report(metadata: ArtifactMetadata, plots: dict[str, str], path: Path) -> None:
    """Write report.md from the metadata the artifact carries."""
    lines = [
        *_header_lines(metadata),
        *_metrics_lines(metadata),
        *_policy_lines(metadata),
        *_fair_lending_lines(metadata.fair_lending),
        *(["## Age", "", f"{metadata.elderly_rule}.", ""] if metadata.elderly_rule else []),
        *_ceiling_lines(metadata),
        "## Plots",
        "",
        *[f"![{name}]({file})" for name, file in plots.items()],
    ]
    path.write_text("\n".join(lines) + "\n")
