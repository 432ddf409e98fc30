"""The audit log's streams (apart from ``records``, so that the command line names them
without importing the model's libraries)."""

from __future__ import annotations

from enum import Enum


class Stream(str, Enum):
    """A kind of audit record, with the field that identifies one."""

    PREDICTIONS = "predictions"
    FEEDBACK = "feedback"

    @property
    def id_field(self) -> str:
        """The field that is unique per record of this stream."""
        return "decision_id" if self is Stream.PREDICTIONS else "feedback_id"
