"""CI's gate on the real data: the card_default model trained from the shared UCI file must
reach a held-out ROC AUC of at least 0.77. Prints it either way."""

import json
import sys
from pathlib import Path

MINIMUM_AUC = 0.77

models = Path(sys.argv[1]) / "card_default"
version = (models / "LATEST").read_text().strip()
metadata = json.loads((models / version / "metadata.json").read_text())
auc = metadata["metrics"]["test_raw_records"]["risk_vs_rest_auc"]
print(f"card_default {version}: held-out ROC AUC {auc:.4f} on single records (needs >= {MINIMUM_AUC})")
print(f"beside it: {metadata['data_ceiling']}")
sys.exit(0 if auc >= MINIMUM_AUC else 1)
