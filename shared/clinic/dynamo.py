"""Small helpers every DynamoDB repository uses: fault translation and (de)serialising."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from clinic.errors import StorageUnavailable

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

# Errors that mean "storage cannot answer now", as opposed to a rule a request broke.
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
        "TransactionInProgressException",
    }
)


def error_code(error: Exception) -> str:
    """The DynamoDB error code of a botocore ClientError (empty for other errors)."""
    response = getattr(error, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


@contextmanager
def storage_faults() -> Iterator[None]:
    """Turn throttling, outages and transport errors into :class:`StorageUnavailable`."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        if error_code(error) in UNAVAILABLE_CODES or _is_throttled_transaction(error):
            raise StorageUnavailable() from error
        raise
    except BotoCoreError as error:  # connection refused, timeouts, endpoint errors
        raise StorageUnavailable() from error


def _is_throttled_transaction(error: Exception) -> bool:
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return any(reason.get("Code") in {"ThrottlingError", "TransactionConflict"} for reason in reasons)


@cache
def _serializer() -> "TypeSerializer":
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> "TypeDeserializer":
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """A plain mapping as a DynamoDB item (attribute values typed)."""
    return {key: _serializer().serialize(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as a plain mapping."""
    return {key: _deserializer().deserialize(value) for key, value in item.items()}
