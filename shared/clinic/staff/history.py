"""History steps of a registration, stored beside it: ``pk=REG#<reference>``,
``sk=HIST#<at>#<id>``, written in the same transaction as the change they record (by staff,
or ``by: "customer"`` for the person's own cancellation). Expire with the registration."""

import secrets
from datetime import UTC, datetime
from typing import Any

from clinic.dynamo import to_item

HISTORY_PREFIX = "HIST#"
CUSTOMER = "customer"


def history_put(
    table: str, reference: str, at: datetime, by: str, from_: str, to: str, note: str | None, expires_at: int
) -> dict[str, Any]:
    """The ``Put`` of one history step for a transaction."""
    # The key orders steps by the microsecond they were written (``at`` is shown to the second).
    written = datetime.now(UTC).isoformat(timespec="microseconds")
    item = to_item(
        {
            "pk": f"REG#{reference}",
            "sk": f"{HISTORY_PREFIX}{written}#{secrets.token_hex(3)}",
            "at": at.isoformat(),
            "by": by,
            "from": from_,
            "to": to,
            "note": note,
            "expires_at": expires_at,
        }
    )
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
