"""Small helpers every DynamoDB repository uses: fault translation and (de)serialising."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from clinic.errors import StorageUnavailable

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


# Attribute values written by hand, not with boto3's TypeSerializer: that one lives in the
# boto3 package, whose import (resources, S3 transfers) costs about 20 ms of a cold start in a
# function that otherwise needs only botocore. The items here hold JSON values only.
def _typed(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):  # before int: bool is an int
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Mapping):
        return {"M": {str(key): _typed(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [_typed(item) for item in value]}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def _plain(typed: Mapping[str, Any]) -> Any:
    ((kind, value),) = typed.items()
    match kind:
        case "S" | "BOOL":
            return value
        case "N":
            return int(value) if value.lstrip("-").isdigit() else Decimal(value)
        case "NULL":
            return None
        case "M":
            return {key: _plain(item) for key, item in value.items()}
        case "L":
            return [_plain(item) for item in value]
    raise TypeError(f"unexpected DynamoDB type {kind}")


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping of JSON values as a DynamoDB item (``None`` values left out)."""
    return {key: _typed(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as a plain mapping (numbers as ``int``, or ``Decimal`` when fractional)."""
    return {key: _plain(value) for key, value in item.items()}
