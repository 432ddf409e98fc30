"""The one scorer: an artifact and the threshold in force turn records into decisions. The API,
the CLI and the bench call it (and Spark's path, issue O, is to).

Two ways in, one way through: validated API records (canonical values by name, read by
each column's kind) and raw file rows (the Pipeline's own record cleaning) both become
canonical columns; the profile's features make a float matrix; the model step runs on the
native boosters (``ml.fast_model``). When the artifact's model has no fast form, the
Pipeline's own steps score instead, and ``fast_path`` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.ml.artifact import Artifact
from credit_scoring.ml.boosters import FEW_ROWS
from credit_scoring.ml.decision import ScoredRecords, decide
from credit_scoring.ml.compiled_trees import Forest, load_forest
from credit_scoring.ml.explanation import (
    EXPLAINED,
    Explanations,
    elderly_rows,
    missing_values,
    source_matrix,
)
from credit_scoring.ml.fast_model import FastModel, fast_model, lightgbm_in, risk_log_odds
from credit_scoring.profiles.base import InputColumn, Profile
from credit_scoring.profiles.transformer import Columns, float_matrix

logger = logging.getLogger(__name__)


def canonical_columns(records: Sequence[Mapping[str, Any]], profile: Profile) -> Columns:
    """Validated records (values by input name) as canonical columns, each value read by its
    column's kind, as the record cleaning reads a file's."""
    return {column.name: _column(records, column) for column in profile.inputs}


def _column(records: Sequence[Mapping[str, Any]], column: InputColumn) -> np.ndarray:
    values = [column.kind.canonical(record.get(column.name), column) for record in records]
    if column.kind.ranged:
        return np.asarray(values, dtype=np.float64)
    array = np.empty(len(values), dtype=object)  # element by element: tuples stay values
    for index, value in enumerate(values):
        array[index] = value
    return array


class Scorer:
    """The artifact's model and the decision threshold in force."""

    def __init__(self, artifact: Artifact, threshold: float | None = None) -> None:
        self.artifact = artifact
        self.profile: Profile = artifact.profile
        self.threshold = float(artifact.metadata.threshold if threshold is None else threshold)
        pipeline = artifact.pipeline
        self._clean, self._features, self._model = pipeline[0], pipeline[1], pipeline[-1]
        self._ranges = dict(artifact.metadata.training_ranges)
        self._low = np.asarray([low for low, _ in self._ranges.values()], dtype=np.float64)
        self._high = np.asarray([high for _, high in self._ranges.values()], dtype=np.float64)
        self.fast: FastModel | None = None
        compiled, self.fast_path = self._compiled_trees()
        names: list[str] = []
        try:
            names = list(self._features.get_feature_names_out())
            self.fast = fast_model(self._model, names, compiled)
        except Exception as error:  # whatever stops it, the Pipeline still scores (or not)
            self.fast_path = f"off: {error}; scoring through the Pipeline"
            logger.warning("fast path not available for %s: %s", artifact.version, error)
        self._fields = self.profile.model_input_names
        self._to_fields, self.explains = self._explainer(names)

    def _compiled_trees(self) -> tuple[Forest | None, str]:
        """The artifact's compiled LightGBM trees, if it has them and they load here, and
        the fast path's description."""
        compiled = self.artifact.metadata.compiled_trees
        lightgbm = lightgbm_in(self._model)
        if compiled is None or lightgbm is None:
            return None, "native boosters"
        try:
            path = self.artifact.directory / compiled.file
            forest = load_forest(lightgbm.booster_.model_to_string(), path, compiled)
        except Exception as error:  # LightGBM's own prediction still serves
            logger.warning("compiled trees of %s not used: %s", self.version, error)
            return None, f"native boosters (compiled trees not used: {error})"
        return forest, "native boosters, LightGBM compiled"

    def _explainer(self, features: list[str]) -> tuple[np.ndarray | None, str]:
        """How feature contributions add up to fields, and what the reasons are, or why
        there are none."""
        if self.fast is None:
            return None, "off: the model has no native form to take SHAP values from"
        try:
            for name in self._fields:
                self.profile.reasons_of(name)
            to_fields = source_matrix(self._features.sources(), features, self._fields)
        except Exception as error:  # an artifact older than reasons: decisions all the same
            logger.warning("no reasons for %s: %s", self.version, error)
            return None, f"off: {error}; retrain the model with this version for reasons"
        return to_fields, f"exact SHAP values of the {EXPLAINED} (see /docs)"

    @property
    def version(self) -> str:
        """The artifact's version name."""
        return self.artifact.version

    def score_records(self, records: Sequence[Mapping[str, Any]]) -> ScoredRecords:
        """Decisions for validated records (values by input name, as the API validated them)."""
        return self.score_columns(canonical_columns(records, self.profile))

    def canonical_frame(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Raw rows as the Pipeline's record cleaning reads them."""
        canonical: pd.DataFrame = self._clean.transform(raw[self.profile.input_names])
        return canonical

    def score_canonical(self, canonical: pd.DataFrame) -> ScoredRecords:
        """Decisions for rows the record cleaning has read (``canonical_frame``)."""
        return self.score_columns(frame_columns(canonical))

    def score_columns(self, columns: Columns) -> ScoredRecords:
        """Decisions for canonical columns."""
        return decide(
            self.proba(columns),
            self.profile.classes,
            self.profile.risk_index,
            self.threshold,
            self.artifact.metadata.risk_bands,
            outside_training_range=self._outside_training_range(columns),
        )

    def proba(self, columns: Columns) -> np.ndarray:
        """Class probabilities of canonical columns: the fast path, else the Pipeline's."""
        if self.fast is None:
            frame = pd.DataFrame({name: columns[name] for name in self.profile.input_names})
            proba: np.ndarray = self.artifact.pipeline[1:].predict_proba(frame)
            return proba
        return self.fast.proba(self.feature_matrix(columns))

    def feature_matrix(self, columns: Columns) -> np.ndarray:
        """The profile's features of canonical columns, one float row per record."""
        matrix: np.ndarray = self._features.matrix(columns)
        return matrix

    def model_step(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of a feature matrix: the model step alone (the trees, the
        stack, the elderly rule), on the fast path or the Pipeline's last step."""
        if self.fast is None:
            frame = pd.DataFrame(X, columns=self._features.get_feature_names_out())
            proba: np.ndarray = self.artifact.pipeline[2:].predict_proba(frame)
            return proba
        return self.fast.proba(X)

    def explain(self, columns: Columns) -> Explanations | None:
        """The records' risk log-odds split by field (``ml.explanation``); None when the
        model has no native form (the Pipeline serves it) to take SHAP values from."""
        if self.fast is None or self._to_fields is None:
            return None
        attribution = self.fast.explain(self.feature_matrix(columns), self.profile.risk_index)
        count = len(attribution.contributions)
        return Explanations(
            self.profile,
            self._fields,
            attribution.contributions @ self._to_fields,
            np.broadcast_to(attribution.base, (count,)),
            elderly_rows(self.profile, columns),
            missing_values(columns, self._fields),
        )

    def turn_off_explanations(self, reason: str) -> None:
        """No reasons from now on, and ``explains`` says why."""
        self._to_fields, self.explains = None, f"off: {reason}"
        logger.error("reasons off for %s: %s", self.version, reason)

    def _outside_training_range(self, columns: Columns) -> list[tuple[str, ...]]:
        """Per record, the inputs whose value lies outside the range the model was trained
        on (decided all the same: the trees read them as at the range's edge)."""
        count = len(next(iter(columns.values())))
        if not self._ranges:
            return [()] * count
        values = float_matrix([columns[name] for name in self._ranges])
        with np.errstate(invalid="ignore"):
            outside = (values < self._low) | (values > self._high)
        found: list[tuple[str, ...]] = [()] * count
        names = list(self._ranges)
        for row in np.flatnonzero(outside.any(axis=1)):
            found[row] = tuple(names[k] for k in np.flatnonzero(outside[row]))
        return found


PARITY_TOLERANCE = 1e-6


class ScorerError(RuntimeError):
    """A model that cannot score its profile's example records."""


def check_examples(scorer: Scorer) -> None:
    """Score the profile's example bodies (repeated past ``FEW_ROWS``, and the first alone,
    so that each row path is compared) through the Pipeline and the scorer; ScorerError
    when the model cannot (a joblib pickled by a version whose classes have changed since);
    the fast path is turned off, and says why, when its answer differs from the Pipeline's."""
    profile = scorer.profile
    aliases = profile.column_aliases
    raw = pd.DataFrame(
        [
            {aliases.get(k, k): v for k, v in body["data"].items()}
            for body in profile.examples.values()
        ]
    ).reindex(columns=profile.input_names)
    copies = FEW_ROWS // len(raw) + 1  # past FEW_ROWS: the many-row path
    try:
        examples = scorer.artifact.pipeline.predict_proba(raw)
        columns = frame_columns(scorer.canonical_frame(raw))
        many = {name: np.tile(values, copies) for name, values in columns.items()}
        first = {name: values[:1] for name, values in columns.items()}  # the one-row path
        fast = np.vstack([scorer.proba(many), scorer.proba(first)])
        reference = np.vstack([np.tile(examples, (copies, 1)), examples[:1]])
    except Exception as error:  # whatever the model raises, it cannot serve
        raise ScorerError(
            f"the model {scorer.version} cannot score the {profile.name} example "
            f"({type(error).__name__}: {str(error)[:200]}); retrain it with this version"
        ) from error
    gap = float(np.abs(fast - reference).max())
    if scorer.fast is not None and not gap <= PARITY_TOLERANCE:
        scorer.fast = None
        scorer.fast_path = f"off: it differs from the Pipeline by {gap:.2g} on the examples"
        logger.error("fast path off for %s: %s", scorer.version, scorer.fast_path)
    _check_explanations(scorer, columns, examples)


def _check_explanations(scorer: Scorer, columns: Columns, proba: np.ndarray) -> None:
    """Turn the reasons off, saying why, unless the examples' contributions add up to the
    risk log-odds of their probabilities."""
    explained = scorer.explain(columns)
    if explained is None:
        return
    quantity = risk_log_odds(proba, scorer.profile.risk_index)
    gap = float(np.abs(explained.base + explained.contributions.sum(axis=1) - quantity).max())
    if not gap <= PARITY_TOLERANCE:
        scorer.turn_off_explanations(f"their sum differs from the risk log-odds by {gap:.2g}")


def frame_columns(frame: pd.DataFrame) -> Columns:
    """A frame's columns as arrays, by name."""
    return {name: frame[name].to_numpy() for name in frame.columns}
