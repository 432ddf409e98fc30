"""Reasons for a decision: the served risk split exactly among the fields a client sent.

What is explained is the risk log-odds of the probabilities served
(``ml.fast_model.risk_log_odds``): log P(risk class) minus the mean log-probability of the
other classes; for two classes, the log-odds of the risk class. The model's SHAP values
(LightGBM's ``pred_contrib``, CatBoost's oblivious trees through ``ml.oblivious_shap``,
weighed through the stack's meta-model) give each feature's part; a feature's part goes
to the field it is made from, shared equally when it is made from several
(``FeatureEncoder.sources``). So, for each record, ``base_value`` plus every field's
contribution is ``value``, the risk log-odds, to rounding.

A reason against is a field that pushed the risk up; in favour, one that pushed it down.
Protected attributes are never model inputs, so never reasons; an applicant of 62 or more
is explained at the age the elderly rule scored them at, and their age is never a reason
against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.ml.fair_lending import ELDERLY_FROM
from credit_scoring.profiles.base import Label, Profile

TOP_REASONS = 4  # adverse-action notices name up to four principal reasons (Regulation B)
EXPLAINED = "risk_log_odds"


def source_matrix(
    sources: Mapping[str, tuple[str, ...]], features: list[str], fields: list[str]
) -> np.ndarray:
    """(features, fields): the share of each feature's contribution that goes to each of the
    model's input ``fields``; ValueError for a feature made from anything else (a protected
    attribute can never become a reason)."""
    matrix = np.zeros((len(features), len(fields)))
    position = {name: k for k, name in enumerate(fields)}
    for row, feature in enumerate(features):
        made_from = sources.get(feature, ())
        if not made_from or any(field not in position for field in made_from):
            raise ValueError(f"feature {feature} is not made from model inputs: {made_from}")
        for field in made_from:
            matrix[row, position[field]] = 1.0 / len(made_from)
    return matrix


@dataclass(frozen=True)
class Explanations:
    """Records' risk log-odds split among the model's input fields."""

    profile: Profile
    fields: list[str]  # the columns of ``contributions``
    contributions: np.ndarray  # (records, fields)
    base: np.ndarray  # (records,)
    age_protected: np.ndarray  # (records,): age may not be a reason against this record
    missing: np.ndarray  # (records, fields): the field was not sent, or sent as unknown

    def of(
        self, index: int, values: Mapping[str, Any], *, favourable: bool, limit: int = TOP_REASONS
    ) -> dict[str, Any]:
        """One record's explanation, as the API answers it: the fields that pushed its risk
        up most (``against``), and with ``favourable`` those that pushed it down most
        (``in_favour``); ``values`` are the values the client sent, by field."""
        row = self.contributions[index]
        order = np.argsort(-row, kind="stable")
        against = [k for k in order if row[k] > 0 and self._may_count_against(index, k)][:limit]
        in_favour = [k for k in order[::-1] if row[k] < 0][:limit] if favourable else []
        listed = against + in_favour
        answer: dict[str, Any] = {
            "explains": EXPLAINED,
            "value": float(self.base[index] + row.sum()),
            "base_value": float(self.base[index]),
            "against": [self._reason(index, k, values, raises=True) for k in against],
        }
        if favourable:
            answer["in_favour"] = [self._reason(index, k, values, raises=False) for k in in_favour]
        answer["other_fields"] = float(row.sum() - row[listed].sum())
        return answer

    def columns(self, limit: int = TOP_REASONS) -> dict[str, np.ndarray]:
        """The explanations as the columns of a scored file: the risk log-odds and its base
        value, then the ``limit`` fields against each record (strongest first, empty when
        fewer pushed its risk up) and their contributions."""
        against = self.contributions.copy()
        if self.profile.elderly_age_input in self.fields:
            age = self.fields.index(self.profile.elderly_age_input)
            against[self.age_protected, age] = 0.0
        order = np.argsort(-against, axis=1, kind="stable")[:, :limit]
        strength = np.take_along_axis(against, order, axis=1)
        names = np.asarray(self.fields, dtype=object)[order]
        columns = {
            "risk_log_odds": self.base + self.contributions.sum(axis=1),
            "base_value": self.base,
        }
        for k in range(order.shape[1]):
            pushed_up = strength[:, k] > 0
            columns[f"reason_{k + 1}"] = np.where(pushed_up, names[:, k], "")
            columns[f"reason_{k + 1}_contribution"] = np.where(pushed_up, strength[:, k], np.nan)
        return columns

    def _may_count_against(self, index: int, field: int) -> bool:
        return not (
            self.age_protected[index] and self.fields[field] == self.profile.elderly_age_input
        )

    def _reason(
        self, index: int, field: int, values: Mapping[str, Any], *, raises: bool
    ) -> dict[str, Any]:
        name = self.fields[field]
        label = self.profile.input(name).label or Label(name, name)
        value = values.get(name)
        reasons = self.profile.reasons_of(name)
        if self.missing[index, field]:  # what pushed was the answer's absence
            message = Label(f"{label.en}: not informed", f"{label.pt}: não informado")
        else:
            message = reasons.raises if raises else reasons.lowers
        return {
            "field": name,
            "label": {"en": label.en, "pt": label.pt},
            "value": value,
            "contribution": float(self.contributions[index, field]),
            "message": {"en": message.en, "pt": message.pt},
        }


def missing_values(columns: Mapping[str, np.ndarray], fields: list[str]) -> np.ndarray:
    """(records, fields): whether each field is missing (not sent, or an unknown answer)."""
    return np.column_stack([pd.isna(np.asarray(columns[name], dtype=object)) for name in fields])


def elderly_rows(profile: Profile, columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """Whether each record is of an applicant the elderly rule protects."""
    age_input = profile.elderly_age_input
    count = len(next(iter(columns.values())))
    if age_input is None:
        return np.zeros(count, dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.asarray(columns[age_input], dtype=np.float64) >= ELDERLY_FROM
