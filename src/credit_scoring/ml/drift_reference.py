"""Reference distributions of the training features, stored in the artifact for drift checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BINS = 10


def feature_reference(values: pd.Series) -> dict[str, Any]:
    """Decile bin edges (unique) and the training share in each bin, plus the missing share."""
    present = values.dropna().to_numpy(dtype=float)
    missing = float(values.isna().mean())
    if len(present) == 0:
        return {"edges": [], "shares": [], "missing_share": missing}
    edges = np.unique(np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1]))
    counts = np.bincount(np.searchsorted(edges, present, side="right"), minlength=len(edges) + 1)
    shares = counts / len(values)
    return {"edges": edges.tolist(), "shares": shares.tolist(), "missing_share": missing}


def reference_distributions(features: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The reference of every encoded feature."""
    return {str(name): feature_reference(features[name]) for name in features.columns}
