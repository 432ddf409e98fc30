"""LightGBM's trees compiled to machine code (lleaves, on LLVM) for scoring many rows: about
ten times LightGBM's own matrix prediction here. Compiled once, at training, into the
artifact (its sha256 in metadata.json, so the signature covers it), for any x86-64 CPU, not
only the one that trained it. A machine of another architecture, or an artifact without the
file, scores through LightGBM itself; the Scorer's parity check guards the answers.
"""

from __future__ import annotations

import os
import platform
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata as package_metadata
from pathlib import Path

import numpy as np

from credit_scoring.ml.artifact_metadata import CompiledTrees

COMPILED_FILE = "lightgbm.o"
TARGET_CPU = "x86-64"  # the baseline every x86-64 machine runs
SUPPORTED_MACHINES = ("x86_64", "AMD64")
ROWS_PER_THREAD = 20_000  # below this a second thread costs more than it saves

Forest = Callable[[np.ndarray], np.ndarray]


class CompiledTreesUnavailable(RuntimeError):
    """The compiled trees cannot run on this machine."""


def compile_lightgbm(model_text: str, directory: Path) -> CompiledTrees:
    """Compile a LightGBM model (its text form) into ``directory``; what metadata records."""
    import lleaves

    path = directory / COMPILED_FILE
    with _model_file(model_text) as model_file:
        lleaves.Model(model_file=model_file).compile(
            cache=str(path), target_cpu=TARGET_CPU, target_cpu_features=""
        )
    return CompiledTrees(
        file=COMPILED_FILE,
        sha256="",  # set by save_artifact with the other checksums
        machine=platform.machine(),
        target_cpu=TARGET_CPU,
        compiler=f"lleaves {_version('lleaves')}, llvmlite {_version('llvmlite')}",
    )


def load_forest(model_text: str, path: Path, compiled: CompiledTrees) -> Forest:
    """The compiled trees as a function of a float64 matrix: LightGBM's probabilities
    (one column per class; the positive class's alone for two classes)."""
    if platform.machine() not in SUPPORTED_MACHINES or compiled.machine not in SUPPORTED_MACHINES:
        raise CompiledTreesUnavailable(
            f"compiled for {compiled.machine}, this machine is {platform.machine()}"
        )
    import lleaves

    with _model_file(model_text) as model_file:
        model = lleaves.Model(model_file=model_file)
        model.compile(cache=str(path), target_cpu=TARGET_CPU, target_cpu_features="")

    def forest(X: np.ndarray) -> np.ndarray:
        proba: np.ndarray = model.predict(X, n_jobs=_threads(len(X)))
        return proba

    return forest


def _threads(rows: int) -> int:
    return max(1, min(len(os.sched_getaffinity(0)), rows // ROWS_PER_THREAD))


@contextmanager
def _model_file(text: str) -> Iterator[str]:
    """The model text in a temporary file, as lleaves reads it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.txt"
        path.write_text(text)
        yield str(path)


def _version(package: str) -> str:
    return package_metadata.version(package)
