"""Exact SHAP values of CatBoost's oblivious trees, from tables made once per model.

SHAP here is path-dependent TreeSHAP, as CatBoost computes it (``ShapValues``): a feature
left out of a coalition is averaged over by the training weights of the tree's branches.
In an oblivious tree every leaf at depth ``d`` is reached by ``d`` comparisons, so one
row's SHAP values in a tree depend only on the leaf it reaches. This module works out,
for each tree and each of its leaves, the SHAP value of each of its split features (the
Shapley values of the tree's coalition game, over every coalition of its few features);
explaining a row is then a lookup of its leaves and a sum, not a tree walk. Holds the
tests to CatBoost's own ``ShapValues`` (``tests/ml/test_explanation.py``).
"""

from __future__ import annotations

from math import factorial
from typing import Any

import numpy as np

STEP = 64  # trees tabulated at once: bounds the tables' working memory


class ObliviousShap:
    """SHAP tables of a model's oblivious trees (grouped by depth: a tree may be shallower
    than the model's depth)."""

    def __init__(self, trees: list[dict[str, Any]], dims: int, features: int) -> None:
        self._features = features
        depths = np.asarray([len(tree["splits"]) for tree in trees])
        self._groups = [
            _DepthGroup(np.flatnonzero(depths == depth), trees, dims, features)
            for depth in np.unique(depths)
        ]
        self.expected = np.sum([group.expected for group in self._groups], axis=0)  # (dims,)

    def contributions(self, leaves: np.ndarray) -> np.ndarray:
        """Per row, per feature, per output dimension: the SHAP values of rows that reach
        ``leaves`` (rows, trees: leaf indices as CatBoost numbers them), summed over the
        trees: (rows, features, dims)."""
        rows = len(leaves)
        dims = len(self.expected)
        flat = np.zeros(rows * (self._features + 1) * dims)
        for group in self._groups:
            index, phi = group.lookup(leaves)
            flat += np.bincount(index, phi, minlength=len(flat))
        return flat.reshape(rows, self._features + 1, dims)[:, : self._features]


class _DepthGroup:
    """The SHAP tables of the trees ``members`` (of one depth)."""

    def __init__(
        self, members: np.ndarray, trees: list[dict[str, Any]], dims: int, features: int
    ) -> None:
        chosen = [trees[k] for k in members]
        depth = len(chosen[0]["splits"])
        split_features = np.asarray(
            [[s["float_feature_index"] for s in t["splits"]] for t in chosen], dtype=np.int64
        ).reshape(len(chosen), depth)
        weights = np.asarray([t["leaf_weights"] for t in chosen], dtype=np.float64)
        values = np.asarray([t["leaf_values"] for t in chosen], dtype=np.float64)
        values = values.reshape(len(chosen), 1 << depth, dims)
        slots, slot_feature = _slots(split_features)
        tables = [
            _phi_tables(slots[k : k + STEP], weights[k : k + STEP], values[k : k + STEP])
            for k in range(0, len(chosen), STEP)
        ]
        self._members = members
        self._phi = np.concatenate([phi for phi, _ in tables])  # (trees, leaves, slots, dims)
        self.expected = np.concatenate([base for _, base in tables]).sum(axis=0)
        self._features, self._dims = features, dims
        self._slot_feature = np.where(slot_feature < 0, features, slot_feature)

    def lookup(self, leaves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each SHAP value of rows reaching ``leaves`` adds up, in a flat (rows,
        features + 1, dims) array, and the values."""
        rows = len(leaves)
        reached = leaves[:, self._members]
        phi = self._phi[np.arange(len(self._members)), reached]  # (rows, trees, slots, dims)
        row_start = (np.arange(rows) * (self._features + 1))[:, None, None, None]
        cell = (row_start + self._slot_feature[None, :, :, None]) * self._dims
        index = np.broadcast_to(cell + np.arange(self._dims), phi.shape)
        return index.ravel(), phi.ravel()


def _slots(split_features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each split's slot (its feature's position among the tree's distinct features) and
    each slot's feature (-1 for the unused slots of a tree with a repeated feature), both
    per tree."""
    trees, depth = split_features.shape
    slots = np.zeros_like(split_features)
    slot_feature = np.full((trees, depth), -1, dtype=np.int64)
    for t in range(trees):
        distinct, slots[t] = np.unique(split_features[t], return_inverse=True)
        slot_feature[t, : len(distinct)] = distinct
    return slots, slot_feature


def _phi_tables(
    slots: np.ndarray, weights: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For trees of one depth: the SHAP value of each slot at each leaf (trees, leaves,
    slots, dims), and each tree's expected value (trees, dims)."""
    trees, depth = slots.shape
    leaves = 1 << depth
    ratios = _cover_ratios(weights, depth)  # (trees, leaves, levels)
    played = np.array([len(np.unique(row)) for row in slots])
    coalitions = 1 << depth  # masks over slots; those naming a missing slot weigh zero
    expected = np.empty((coalitions, trees, leaves, values.shape[-1]))
    for mask in range(coalitions):
        inside = (mask >> slots) & 1 == 1  # (trees, levels): the level's feature is known
        reach = np.where(inside[:, None, :], 1.0, ratios).prod(axis=2)  # (trees, leaves)
        expected[mask] = _known_sum(reach[..., None] * values, inside)
    phi = np.zeros((trees, leaves, depth, values.shape[-1]))
    for slot in range(depth):
        for mask in range(coalitions):
            if mask >> slot & 1:
                continue
            weight = _shapley_weight(mask, slot, played)  # (trees,)
            gain = expected[mask | 1 << slot] - expected[mask]
            phi[:, :, slot] += weight[:, None, None] * gain
    return phi, expected[0, :, 0]


def _cover_ratios(weights: np.ndarray, depth: int) -> np.ndarray:
    """The share of its parent's training weight each node on a leaf's path holds, level by
    level from the root (CatBoost's last split) down: (trees, leaves, levels)."""
    trees, leaves = weights.shape
    ratios = np.ones((trees, leaves, depth))
    offsets = (np.arange(trees) * leaves)[:, None]
    parent = np.broadcast_to(weights.sum(axis=1, keepdims=True), (trees, leaves))
    for level in reversed(range(depth)):
        node = (np.arange(leaves) >> level)[None, :] + offsets  # the leaf's node below it
        cover = np.bincount(node.ravel(), weights.ravel(), trees * leaves)[node]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios[:, :, level] = np.where(parent > 0, cover / parent, 0.0)
        parent = cover
    return ratios


def _known_sum(weighted: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """For each tree and leaf X: the sum of ``weighted`` over the leaves that agree with X
    on the known levels (``inside``)."""
    trees, leaves, dims = weighted.shape
    known = (inside.astype(np.int64) << np.arange(inside.shape[1])).sum(axis=1)  # (trees,)
    keys = np.arange(leaves)[None, :] & known[:, None]  # (trees, leaves)
    flat = keys + (np.arange(trees) * leaves)[:, None]
    sums = np.stack(
        [np.bincount(flat.ravel(), weighted[..., d].ravel(), trees * leaves) for d in range(dims)],
        axis=-1,
    )
    known_sums: np.ndarray = sums[flat]
    return known_sums


def _shapley_weight(mask: int, slot: int, played: np.ndarray) -> np.ndarray:
    """Shapley's weight |S|! (n - |S| - 1)! / n! of coalition ``mask`` for ``slot`` in trees
    of ``played`` features (zero where the coalition or the slot is not in the tree)."""
    size = bin(mask).count("1")
    fits = (mask >> played == 0) & (slot < played)
    n = np.maximum(played, size + 1)
    weight = np.array(
        [factorial(size) * factorial(k - size - 1) / factorial(k) for k in n], dtype=np.float64
    )
    return np.where(fits, weight, 0.0)
