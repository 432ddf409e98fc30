"""The shared first step of every serving Pipeline: record cleaning by the profile's columns.

Feature encoding is each profile's own (``Profile.features``); both follow the rules of
``profiles.transformer.ProfileTransformer``.
"""

from __future__ import annotations

import pandas as pd

from credit_scoring.profiles.transformer import InputColumnsError, ProfileTransformer

__all__ = ["InputColumnsError", "RecordCleaner"]


class RecordCleaner(ProfileTransformer):
    """Parse raw records into canonical values, each column by its kind's parser (see
    ``profiles.kinds``): dirt tokens, unreadable text and impossible values become missing."""

    def _transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Canonical values of every input column, in the profile's order."""
        profile = self.profile
        return pd.DataFrame(
            {column.name: column.kind.parse(X[column.name], column) for column in profile.inputs},
            index=X.index,
        )

    def _names(self) -> list[str]:
        return self.profile.input_names
