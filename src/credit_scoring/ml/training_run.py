"""One training run, end to end: prepare and fit (``ml.training``), then evaluate, describe
and save (``ml.model_description``). Its own module, so that neither of those imports the
other's caller."""

from __future__ import annotations

from pathlib import Path

from credit_scoring.ml.model_description import Stamp, describe, evaluate, save
from credit_scoring.ml.training import TrainConfig, Trainer


def train(config: TrainConfig) -> Path:
    """Prepare, fit, evaluate, describe and save one model; return its version directory."""
    stamp = Stamp.now()
    trainer = Trainer(config)
    data = trainer.prepare()
    fitted = trainer.fit(data)
    evaluation = evaluate(config, data, fitted)
    metadata = describe(config, data, fitted, evaluation, stamp)
    return save(config, fitted.pipeline, evaluation, metadata)
