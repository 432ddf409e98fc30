"""Fair lending in production: approval rates by the audited attributes that are never
model inputs (sex, marital status) and by age band, with the adverse impact ratio (a
group's approval rate over the best-approved group's) and the four-fifths level flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credit_scoring.monitoring.outcomes import APPROVED
from credit_scoring.monitoring.period import PeriodDecisions

FOUR_FIFTHS = 0.8
MIN_GROUP = 30  # fewer decisions in a group: shown, never flagged
AGE_BANDS = (0, 25, 35, 45, 55, 62, 200)
AGE_LABELS = ("under 25", "25-34", "35-44", "45-54", "55-61", "62 and over")


def audited_groups(decisions: PeriodDecisions) -> dict[str, pd.Series]:
    """Per audited attribute, each decision's group: the protected attributes' values, and
    the age input's band."""
    profile = decisions.profile
    groups = {}
    for name in profile.not_model_inputs:
        if name != profile.age_input and name in decisions.inputs:
            groups[name] = pd.Series(decisions.inputs[name]).map(_code)
    if profile.age_input is not None:
        ages = pd.Series(decisions.inputs[profile.age_input], dtype="float64")
        bands = pd.cut(ages, AGE_BANDS, right=False, labels=AGE_LABELS)
        groups[f"{profile.age_input} band"] = bands.astype(object).fillna("missing")
    return groups


def _code(value: object) -> str:
    """A group's name: an integer code without its ``.0``; missing as such."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    return f"{value:g}" if isinstance(value, float) else str(value)


def approval_by_group(decisions: PeriodDecisions) -> pd.DataFrame:
    """One row per attribute and group: decisions, approval rate, adverse impact ratio, and
    whether it falls under four fifths (groups of MIN_GROUP decisions or more)."""
    approved = (decisions.answers["decision"] == APPROVED).to_numpy()
    tables = []
    for attribute, groups in audited_groups(decisions).items():
        table = (
            pd.DataFrame({"group": groups.to_numpy(), "approved": approved})
            .groupby("group")["approved"]
            .agg(decisions="size", approval_rate="mean")
            .reset_index()
        )
        sized = table["decisions"] >= MIN_GROUP
        best = table.loc[sized, "approval_rate"].max() if sized.any() else np.nan
        table["adverse_impact_ratio"] = (table["approval_rate"] / best).round(3)
        table["below_four_fifths"] = sized & (table["adverse_impact_ratio"] < FOUR_FIFTHS)
        table.insert(0, "attribute", attribute)
        tables.append(table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
