"""The fitted boosters called natively on float matrices: no DataFrame, no thread start-up
for a few rows. Each gives the class probabilities its scikit-learn estimator gives (the
Pipeline is the reference; ``tests/ml/test_fast_path.py`` holds them to 1e-6) and the split
points of a feature (the ages worth trying, ``ml.fast_model``)."""

from __future__ import annotations

import ctypes
import json
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from catboost import CatBoostClassifier
from lightgbm import LGBMClassifier
from lightgbm.basic import _LIB  # type: ignore[attr-defined]  # LightGBM calls it too

from credit_scoring.ml.compiled_trees import Forest
from credit_scoring.ml.oblivious_shap import ObliviousShap

FEW_ROWS = 64  # up to this many rows, one thread: starting more costs more than the trees
_FLOAT64 = 1  # C_API_DTYPE_FLOAT64
_NORMAL = 0  # C_API_PREDICT_NORMAL: probabilities
_CONTRIB = 3  # C_API_PREDICT_CONTRIB: SHAP values of the raw margins


class UnsupportedModel(ValueError):
    """The fitted model has a part the fast path does not evaluate."""


class Booster(Protocol):
    """A fitted booster, evaluated natively."""

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per row of the float matrix ``X``."""

    def split_points(self, feature: int) -> np.ndarray:
        """Every threshold the trees compare ``feature`` with (``x <= t`` goes one way)."""

    def margin_contributions(self, X: np.ndarray) -> np.ndarray:
        """The SHAP values of the raw margins (one per class, or the log-odds of the second
        of two): (rows, features + 1, margins), the last feature being the expected value,
        so that each row's sum over features is its margins."""


def _check(status: int) -> None:
    if status != 0:
        raise RuntimeError(_LIB.LGBM_GetLastError().decode())


class LightGBMRows:
    """A LightGBM classifier: the same trees compiled (``ml.compiled_trees``) when the
    artifact has them, faster at every size here (one row 20-30 µs against 36-38, 44 rows
    110-140 µs against 660-1060); else LightGBM's C API, its single-row fast path for one
    record and its matrix prediction (one thread for a few rows) for more."""

    def __init__(self, estimator: LGBMClassifier, compiled: Forest | None = None) -> None:
        self._compiled = compiled
        booster = estimator.booster_
        self._booster = booster
        self._handle = booster._handle
        self._classes = len(estimator.classes_)
        self._columns = booster.num_feature()
        self._iterations = int(booster.best_iteration or -1)
        self._outputs = 1 if self._classes == 2 else self._classes
        self._local = threading.local()  # a fast-path configuration per thread

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of the rows of ``X``."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if self._compiled is not None:
            out = self._compiled(X)
        elif len(X) == 1:
            out = self._single(X[0])
        else:
            out = self._matrix(X)
        scores = out.reshape(len(X), self._outputs)
        return np.hstack([1.0 - scores, scores]) if self._classes == 2 else scores

    def _single(self, row: np.ndarray) -> np.ndarray:
        config = getattr(self._local, "config", None)
        if config is None:
            config = ctypes.c_void_p()
            _check(
                _LIB.LGBM_BoosterPredictForMatSingleRowFastInit(
                    self._handle,
                    ctypes.c_int(_NORMAL),
                    ctypes.c_int(0),
                    ctypes.c_int(self._iterations),
                    ctypes.c_int(_FLOAT64),
                    ctypes.c_int32(self._columns),
                    b"num_threads=1",
                    ctypes.byref(config),
                )
            )
            self._local.config = config
        out = np.empty(self._outputs, dtype=np.float64)
        length = ctypes.c_int64()
        _check(
            _LIB.LGBM_BoosterPredictForMatSingleRowFast(
                config,
                row.ctypes.data_as(ctypes.c_void_p),
                ctypes.byref(length),
                out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
            )
        )
        return out

    def margin_contributions(self, X: np.ndarray) -> np.ndarray:
        """LightGBM's own TreeSHAP (``pred_contrib``) of the margins."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        width = self._columns + 1
        out = self._matrix(X, _CONTRIB, width * self._outputs)
        by_margin = out.reshape(len(X), self._outputs, width)
        return np.ascontiguousarray(by_margin.transpose(0, 2, 1))

    def _matrix(self, X: np.ndarray, kind: int = _NORMAL, width: int = 0) -> np.ndarray:
        out = np.empty(len(X) * (width or self._outputs), dtype=np.float64)
        length = ctypes.c_int64()
        threads = b"num_threads=1" if len(X) <= FEW_ROWS else b""
        _check(
            _LIB.LGBM_BoosterPredictForMat(
                self._handle,
                X.ctypes.data_as(ctypes.c_void_p),
                ctypes.c_int(_FLOAT64),
                ctypes.c_int32(len(X)),
                ctypes.c_int32(self._columns),
                ctypes.c_int(1),
                ctypes.c_int(kind),
                ctypes.c_int(0),
                ctypes.c_int(self._iterations),
                threads,
                ctypes.byref(length),
                out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
            )
        )
        return out

    def split_points(self, feature: int) -> np.ndarray:
        """The thresholds of every split on ``feature`` (numerical ``<=`` splits only), read
        from the model's text (its JSON dump takes five times longer to make and read)."""
        found: list[float] = []
        features: list[str] = []
        thresholds: list[str] = []
        for line in self._booster.model_to_string().splitlines():
            name, _, values = line.partition("=")
            if name == "split_feature":
                features = values.split()
            elif name == "threshold":
                thresholds = values.split()
            elif name == "decision_type":  # the last of a tree's three split lines
                found += _thresholds_on(feature, features, thresholds, values.split())
        return np.unique(np.asarray(found, dtype=np.float64))


def _thresholds_on(
    feature: int, features: list[str], thresholds: list[str], decisions: list[str]
) -> list[float]:
    """One tree's thresholds on ``feature``; its splits must be numerical (LightGBM's
    decision type: bit 0 set for a categorical split)."""
    found = []
    for split_feature, threshold, decision in zip(features, thresholds, decisions):
        if int(split_feature) == feature:
            if int(decision) & 1:
                raise UnsupportedModel(f"a categorical split on feature {feature}")
            found.append(float(threshold))
    return found


class CatBoostTrees:
    """A CatBoost classifier's oblivious trees evaluated in numpy for a few rows (all trees
    at once, float32 as CatBoost compares), CatBoost itself for more."""

    def __init__(self, estimator: CatBoostClassifier) -> None:
        self._estimator = estimator
        model = _exported(estimator)
        trees = model["oblivious_trees"]
        if any(s["split_type"] != "FloatFeature" for t in trees for s in t["splits"]):
            raise UnsupportedModel("CatBoost splits other than on float features")
        depth = max(len(t["splits"]) for t in trees)
        self._dims = len(trees[0]["leaf_values"]) >> len(trees[0]["splits"])
        self._features, self._borders = _split_arrays(trees, depth)
        # A missing value of these features counts as above every border: read as +inf
        # (a shallower tree's padding, +inf itself, still never goes right).
        self._missing_above = _missing_above(model)
        self._bits = (1 << np.arange(depth)).astype(np.float32)  # a leaf's index from its bits
        # Each output's leaf values in one flat array, a tree's leaves after the previous
        # tree's: a row's leaves are read with one np.take per output (five times faster
        # than indexing a (trees, leaves, outputs) table by tree and leaf).
        table = _leaf_table(trees, depth, self._dims).reshape(-1, self._dims)
        self._leaf_values = [np.ascontiguousarray(table[:, k]) for k in range(self._dims)]
        self._first_leaf = np.arange(len(trees), dtype=np.int64) << depth  # of each tree
        scale, bias = model["scale_and_bias"]
        self._scale, self._bias = float(scale), np.asarray(bias, dtype=np.float64)
        self._shap = ObliviousShap(trees, self._dims, len(estimator.feature_names_))

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of the rows of ``X``."""
        if len(X) > FEW_ROWS:
            proba: np.ndarray = self._estimator.predict_proba(X)
            return proba
        return probabilities(self._raw(X))

    def margin_contributions(self, X: np.ndarray) -> np.ndarray:
        """The exact path-dependent SHAP values of the raw formula value
        (``ml.oblivious_shap``), scaled as the trees are, the bias in the expected value."""
        contributions = self._shap.contributions(self._leaves_of(X)) * self._scale
        expected = self._shap.expected * self._scale + self._bias
        base = np.broadcast_to(expected, (len(X), 1, self._dims))
        return np.concatenate([contributions, base], axis=1)

    def _leaves_of(self, X: np.ndarray) -> np.ndarray:
        """The leaf each row reaches in each tree: (rows, trees)."""
        if len(self._missing_above):
            values = np.array(X, dtype=np.float32)  # a copy: its missing values rewritten
            above = values[:, self._missing_above]
            values[:, self._missing_above] = np.where(np.isnan(above), np.inf, above)
        else:
            values = np.asarray(X, dtype=np.float32)
        right = values[:, self._features] > self._borders  # (rows, trees, depth)
        # the levels' bits summed by a float matmul (exact below 2**24; numpy's integer
        # matmul has no BLAS: 58 µs against 44 for 44 rows here)
        leaves: np.ndarray = (right.astype(np.float32) @ self._bits).astype(np.int64)
        return leaves

    def _raw(self, X: np.ndarray) -> np.ndarray:
        """The trees' summed leaf values, scaled and biased (CatBoost's raw formula value)."""
        index = self._leaves_of(X) + self._first_leaf  # (rows, trees), into the flat arrays
        summed = np.stack([np.take(values, index).sum(axis=1) for values in self._leaf_values])
        raw: np.ndarray = self._scale * summed.T + self._bias  # (rows, dims)
        return raw

    def split_points(self, feature: int) -> np.ndarray:
        """The borders CatBoost compares ``feature`` with (``x > border`` goes right)."""
        used = self._features == feature
        return np.unique(self._borders[used].astype(np.float64))


def _exported(estimator: CatBoostClassifier) -> dict[str, Any]:
    """The model as CatBoost's JSON export."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        estimator.save_model(str(path), format="json")
        exported: dict[str, Any] = json.loads(path.read_text())
    return exported


def _split_arrays(trees: list[dict[str, Any]], depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature and border of each tree's splits, (trees, depth); a shallower tree's missing
    levels compare feature 0 with +inf (never right: bit 0, the leaves it has)."""
    features = np.zeros((len(trees), depth), dtype=np.int64)
    borders = np.full((len(trees), depth), np.inf, dtype=np.float32)
    for t, tree in enumerate(trees):
        for level, split in enumerate(tree["splits"]):
            features[t, level] = split["float_feature_index"]
            borders[t, level] = split["border"]
    return features, borders


def _missing_above(model: dict[str, Any]) -> np.ndarray:
    """The features whose missing value CatBoost counts as above every border (nan_mode
    Max: treatment AsTrue); UnsupportedModel for a treatment it does not document."""
    treatment = {
        info["feature_index"]: info.get("nan_value_treatment", "AsFalse")
        for info in model["features_info"]["float_features"]
    }
    unknown = set(treatment.values()) - {"AsFalse", "AsTrue", "AsIs"}
    if unknown:
        raise UnsupportedModel(f"CatBoost missing-value treatment {sorted(unknown)}")
    return np.asarray(sorted(f for f, how in treatment.items() if how == "AsTrue"), dtype=np.int64)


def _leaf_table(trees: list[dict[str, Any]], depth: int, dims: int) -> np.ndarray:
    """Leaf values, (trees, 2**depth, dims), zero past a shallower tree's leaves."""
    table = np.zeros((len(trees), 1 << depth, dims), dtype=np.float64)
    for t, tree in enumerate(trees):
        values = np.asarray(tree["leaf_values"], dtype=np.float64).reshape(-1, dims)
        table[t, : len(values)] = values
    return table


def probabilities(raw: np.ndarray) -> np.ndarray:
    """Class probabilities from raw scores, one row per record: the sigmoid of a single
    score (two classes: CatBoost's Logloss, a binary logistic regression), the softmax of
    several (MultiClass, two classes included)."""
    if raw.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-raw[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    shifted = np.exp(raw - raw.max(axis=1, keepdims=True))
    proba: np.ndarray = shifted / shifted.sum(axis=1, keepdims=True)
    return proba


def native_booster(estimator: Any, compiled: Forest | None = None) -> Booster:
    """The native evaluator of a fitted LightGBM (with its compiled trees, if given) or
    CatBoost classifier."""
    if isinstance(estimator, LGBMClassifier):
        return LightGBMRows(estimator, compiled)
    if isinstance(estimator, CatBoostClassifier):
        return CatBoostTrees(estimator)
    raise UnsupportedModel(f"no native evaluator for {type(estimator).__name__}")
