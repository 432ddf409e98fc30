"""The S3-compatible object store (SeaweedFS locally, Amazon S3 on AWS), via boto3."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import SecretStr

from credit_scoring.service.settings import Settings


class StoreError(RuntimeError):
    """The store failed or refused; the message is short and free of secrets (the error's
    code, or its type)."""


def _described(error: Exception) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'ClientError')}: {details.get('Message', '')}"[:200]
    return type(error).__name__


@contextmanager
def _store_errors() -> Iterator[None]:
    """Turn the client library's errors into StoreError."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise StoreError(_described(error)) from error


class ObjectStore:
    """The few operations the audit log needs, on one bucket."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        timeout_seconds: float = 5.0,
    ) -> None:
        self.bucket = bucket
        config = Config(
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"},
        )
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )

    def put_new(self, key: str, body: bytes, content_type: str) -> bool:
        """Store ``body`` under ``key`` unless an object is there: a conditional PUT
        (If-None-Match: *), so an object is never rewritten and no read right is needed."""
        with _store_errors():
            try:
                self._client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentType=content_type,
                    IfNoneMatch="*",
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                    return False
                raise
        return True

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix``."""
        paginator = self._client.get_paginator("list_objects_v2")
        found: list[str] = []
        with _store_errors():
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                found += [item["Key"] for item in page.get("Contents", [])]
        return found

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``."""
        with _store_errors():
            body: bytes = self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (local stores; on AWS it is provisioned)."""
        with _store_errors():
            try:
                self._client.head_bucket(Bucket=self.bucket)
            except ClientError:
                self._client.create_bucket(Bucket=self.bucket)


def object_store(settings: Settings) -> ObjectStore:
    """The audit bucket's client, from the settings (AWS default credentials when unset)."""

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    return ObjectStore(
        settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=secret(settings.s3_access_key_id),
        secret_access_key=secret(settings.s3_secret_access_key),
    )
