"""CREDIT_MODEL_URI: a model version fetched from the object store loads and verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.service.audit.local_store import LocalSeaweed
from credit_scoring.service.model_fetch import fetch_model


def test_fetched_model_loads(trained_dir: Path, seaweed: LocalSeaweed, tmp_path: Path) -> None:
    store = seaweed.store("models")
    store.ensure_bucket()
    for path in trained_dir.iterdir():
        store._client.put_object(
            Bucket="models", Key=f"credit/{trained_dir.name}/{path.name}", Body=path.read_bytes()
        )
    folder = tmp_path / "credit_score"
    directory = fetch_model(f"s3://models/credit/{trained_dir.name}/", folder, store)
    assert directory == folder / trained_dir.name
    assert load_artifact(folder).version == trained_dir.name
    with pytest.raises(ValueError, match="nothing stored"):
        fetch_model("s3://models/nothing/here/", folder, store)
    with pytest.raises(ValueError, match="must look like"):
        fetch_model("https://example.com/model", folder, store)
