"""The champion and its challenger on the same decisions of a period (the audit records of a
service that scored a challenger in the shadows): how often they agree, how much each would
approve, where they disagree by band of the champion's risk probability, and, once outcomes
arrive, each model's realised figures on the same decisions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.ml.decision import Decision
from credit_scoring.monitoring.outcomes import summary

APPROVED = Decision.APROVADO.value
BANDS = np.linspace(0, 1, 11)  # of the champion's risk probability


def shadowed(frame: pd.DataFrame) -> pd.DataFrame:
    """The decisions a challenger scored (its failures left out)."""
    return frame[frame["challenger_decision"].notna()]


def agreement(frame: pd.DataFrame) -> dict[str, Any]:
    """Per period: decisions, those the challenger scored and failed on, its versions, the
    agreement rate and each model's approval rate on the decisions both scored."""
    both = shadowed(frame)
    agreed = both["decision"] == both["challenger_decision"]
    return {
        "decisions": len(frame),
        "scored by the challenger": len(both),
        "challenger failures": int(frame["challenger_error"].notna().sum()),
        "challenger versions": ", ".join(sorted(both["challenger_version"].unique())),
        "agreement rate": float(agreed.mean()) if len(both) else None,
        "champion approval rate": _approval(both["decision"]),
        "challenger approval rate": _approval(both["challenger_decision"]),
    }


def in_words(frame: pd.DataFrame) -> str | None:
    """One line on the challenger of a period (None when no decision had one)."""
    if frame["challenger_version"].isna().all():
        return None
    said = agreement(frame)
    if said["agreement rate"] is None:
        return f"challenger: failed on all {said['decisions']:,} decisions"
    rates = f"{said['champion approval rate']:.1%} champion, "
    rates += f"{said['challenger approval rate']:.1%} challenger"
    return (
        f"challenger {said['challenger versions']}: agrees on {said['agreement rate']:.1%} of "
        f"{said['scored by the challenger']:,} decisions (approval {rates}; "
        f"{said['challenger failures']:,} failures)"
    )


def _approval(decisions: pd.Series) -> float | None:
    return float((decisions == APPROVED).mean()) if len(decisions) else None


def disagreements_by_band(frame: pd.DataFrame) -> pd.DataFrame:
    """Per band of the champion's risk probability: decisions, and those only the champion
    approves and only the challenger approves."""
    both = shadowed(frame)
    champion, challenger = both["decision"] == APPROVED, both["challenger_decision"] == APPROVED
    table = pd.DataFrame(
        {
            "band": pd.cut(both["risk_probability"], list(BANDS), include_lowest=True),
            "decisions": 1,
            "champion approves, challenger refuses": (champion & ~challenger).astype(int),
            "challenger approves, champion refuses": (~champion & challenger).astype(int),
        }
    )
    return table.groupby("band", observed=True).sum()


def realised_side_by_side(frame: pd.DataFrame) -> pd.DataFrame | None:
    """Each model's realised figures (``monitoring.outcomes.summary``) on the decisions both
    scored that have an outcome; None before any outcome."""
    both = shadowed(frame)
    if not both["actual_risk"].notna().any():
        return None
    as_challenger = both.assign(
        decision=both["challenger_decision"],
        risk_probability=both["challenger_risk_probability"],
    )
    rows = zip(summary(both), summary(as_challenger))
    return pd.DataFrame(
        [
            {"figure": ours["figure"], "champion": ours["realised"], "challenger": its["realised"]}
            for ours, its in rows
            if ours["realised"] is not None or its["realised"] is not None
        ]
    )
