"""Lazily created AWS clients.

Created on first use, never at import (cold start), once per process. boto3 itself
honours ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_DYNAMODB`` and ``AWS_REGION``.
"""

import os
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_lock = threading.Lock()


@cache
def _create_dynamodb() -> "DynamoDBClient":
    import boto3
    from botocore.config import Config

    # Short timeouts and few retries: a Lambda behind API Gateway has 29 s at most, and a
    # fast 503 with Retry-After serves the caller better than a slow one.
    config = Config(
        connect_timeout=2,
        read_timeout=5,
        retries={"mode": "standard", "max_attempts": 3},
    )
    # Lambda sets AWS_REGION; botocore itself only reads AWS_DEFAULT_REGION.
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return boto3.client("dynamodb", config=config, region_name=region)


def dynamodb() -> "DynamoDBClient":
    """The process's DynamoDB client (thread-safe creation)."""
    with _lock:
        return _create_dynamodb()


@cache
def _create_client(service: str, region: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
    return boto3.client(service, config=config, region_name=region or _region())  # type: ignore[call-overload]


def client(service: str, region: str | None = None) -> Any:
    """The process's client for another service (EventBridge, SNS, SES…), in ``region``
    (default: the function's own)."""
    with _lock:
        return _create_client(service, region)


def _region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


def reset_clients() -> None:
    """Forget the cached clients (tests that change the endpoint or mock call this)."""
    with _lock:
        _create_dynamodb.cache_clear()
        _create_client.cache_clear()
