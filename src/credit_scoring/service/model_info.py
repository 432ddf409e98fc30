"""What GET /model shows of a scorer: the artifact's metadata without internal paths, the
threshold in force, and how the model is evaluated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from credit_scoring.ml.scorer import Scorer
from credit_scoring.service.model_registry import registered_as


def report_plots(scorer: Scorer) -> dict[str, Path]:
    """The training report's plots beside the model, by name (``roc.png``...)."""
    return {path.name: path for path in sorted(scorer.artifact.directory.glob("*.png"))}


def model_description(scorer: Scorer, challenger: Scorer | None = None) -> dict[str, Any]:
    """The model in service, as /model answers (with the registry version and the training
    run it came from, and the challenger scored in its shadow, if any)."""
    meta = scorer.artifact.metadata
    metrics = meta.metrics.model_dump()
    return {
        "version": meta.version,
        "profile": meta.profile,
        "registry": registered_as(scorer.artifact.directory),
        "tracking_run": meta.tracking.run_id if meta.tracking else None,
        "challenger": _challenger(challenger),
        "created_at": meta.created_at,
        "git_commit": meta.git_commit,
        "training_data": meta.training_data.model_dump(exclude={"path"}),
        "model": meta.model.model_dump(include={"chosen", "reason", "preset"}),
        "fast_path": scorer.fast_path,
        "explanations": scorer.explains,
        "report_plots": list(report_plots(scorer)),
        "classes": meta.classes,
        "risk_class": meta.risk_class,
        "decision_threshold": scorer.threshold,
        "artifact_threshold": meta.threshold,
        "threshold_policy": meta.threshold_policy.model_dump(exclude_none=True),
        "risk_bands": meta.risk_bands.model_dump() if meta.risk_bands else None,
        "fair_lending": meta.fair_lending.model_dump() if meta.fair_lending else None,
        "elderly_rule": meta.elderly_rule,
        "features": meta.features,
        "metrics": {
            key: value
            for key, value in metrics.items()
            if key != "cross_validation" and value is not None
        },
        "cross_validation": {
            name: {k: v[k] for k in ("macro_f1", "log_loss", "roc_auc_ovr")}
            for name, v in meta.metrics.cross_validation.items()
        },
        "inputs": meta.inputs,
        "training_ranges": meta.training_ranges,
        "libraries": meta.libraries,
    }


def _challenger(scorer: Scorer | None) -> dict[str, Any] | None:
    """The challenger's version and where it came from."""
    if scorer is None:
        return None
    return {
        "version": scorer.version,
        "registry": registered_as(scorer.artifact.directory),
        "decision_threshold": scorer.threshold,
    }
