"""Development tooling the CLI and the tests use, never the served app: a local SeaweedFS
and the local run's settings, key and models."""
