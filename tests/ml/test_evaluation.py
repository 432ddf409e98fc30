"""Evaluation figures computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from credit_scoring.ml.evaluation import expected_calibration_error


def test_expected_calibration_error_by_hand() -> None:
    # bin 0.1-0.2: p 0.15 twice, one positive (share 0.5): |0.15-0.5| = 0.35, weight 2/4
    # bin 0.9-1.0: p 0.95 twice, both positive: |0.95-1| = 0.05, weight 2/4
    is_class = np.array([True, False, True, True])
    proba = np.array([0.15, 0.15, 0.95, 0.95])
    assert expected_calibration_error(is_class, proba) == pytest.approx(0.5 * 0.35 + 0.5 * 0.05)
