"""Lazily created AWS clients.

Created on first use, never at import (cold start), once per process, straight from
botocore: boto3's session adds resources, S3 transfers and their imports (importing it and
making a DynamoDB client took 296 ms against botocore's 270, medians of 15 fresh
interpreters here) and nothing these low-level clients use. botocore
honours ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_DYNAMODB``; the region is Lambda's
``AWS_REGION``.
"""

import os
import threading
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from clinic.settings import settings

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient

_lock = threading.Lock()

SDK_CONNECT_TIMEOUT = 1
SDK_ATTEMPTS = 2  # the first try and one retry


def _new_client(service: str, region: str | None, config: "Config") -> Any:
    import botocore.session

    # Lambda sets AWS_REGION; botocore itself only reads AWS_DEFAULT_REGION.
    return botocore.session.get_session().create_client(service, region_name=region or _region(), config=config)


@cache
def _create_dynamodb() -> "DynamoDBClient":
    from botocore.config import Config

    # Every attempt, retries included, must end well inside the function's 10 s timeout,
    # so a frozen or unreachable DynamoDB gives the contract's 503, not a Lambda timeout:
    # worst case SDK_ATTEMPTS x (connect + read, 1 + 2 s) + one backoff (25 ms scale after
    # a timeout, at most 2 s after throttling) ≈ 6 to 8 s.
    # DynamoDB answers in milliseconds; 2 s unanswered means it will not answer in time.
    config = Config(
        connect_timeout=SDK_CONNECT_TIMEOUT,
        read_timeout=settings().dynamodb_read_timeout,
        retries={"mode": "standard", "max_attempts": SDK_ATTEMPTS},
    )
    return cast("DynamoDBClient", _new_client("dynamodb", None, config))


def dynamodb() -> "DynamoDBClient":
    """The process's DynamoDB client (thread-safe creation)."""
    with _lock:
        return _create_dynamodb()


@cache
def _create_client(service: str, region: str | None) -> Any:
    from botocore.config import Config

    config = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
    return _new_client(service, region, config)


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
