"""Monitoring over a period of audit records: data drift, the decision mix, outcomes."""
