"""The audit trail: who read or changed which registrations, and when (PDPO: a data user
must be able to show who had access). Kept in its own table, apart from the registrations,
for ``AUDIT_RETENTION_DAYS`` (DynamoDB TTL).

Layout (AuditTable): ``pk=DAY#<Hong Kong date>``, ``sk=<time of writing, to the microsecond>#<random id>`` — one
partition per day, read back in time order with one Query. An entry names the actor, the
action, the references it touched and the non-personal filters; never a name, a phone or a
search text (a phone search is recorded as ``q: phone``).
"""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from clinic.aws import dynamodb
from clinic.dynamo import storage_faults, to_item
from clinic.registration import HONG_KONG

Action = Literal["list", "export", "read", "status_change"]


class AuditEntry(BaseModel):
    """One staff access to personal data."""

    at: datetime
    actor: str
    action: Action
    references: list[str]
    filters: dict[str, str] = {}
    change: dict[str, str] | None = None


class AuditLog(Protocol):
    """Where audit entries go."""

    def record(self, entry: AuditEntry) -> None:
        """Store one entry (one PutItem)."""
        ...

    def item(self, entry: AuditEntry) -> dict[str, Any]:
        """The entry as a ``Put`` of a DynamoDB transaction (a change and its entry together)."""
        ...


class DynamoAudit:
    """:class:`AuditLog` on the audit table."""

    def __init__(self, table: str, retention_days: int) -> None:
        self.table = table
        self.retention_days = retention_days

    def _attributes(self, entry: AuditEntry) -> dict[str, Any]:
        day = entry.at.astimezone(HONG_KONG).date()
        expires = entry.at + timedelta(days=self.retention_days)
        return to_item(
            {
                "pk": f"DAY#{day.isoformat()}",
                # Ordered by the microsecond of writing; ``at`` is shown to the second.
                "sk": f"{datetime.now(UTC).isoformat(timespec='microseconds')}#{secrets.token_hex(4)}",
                **entry.model_dump(mode="json", exclude_none=True),
                "expires_at": int(expires.timestamp()),
            }
        )

    def record(self, entry: AuditEntry) -> None:
        """One PutItem."""
        with storage_faults():
            dynamodb().put_item(TableName=self.table, Item=self._attributes(entry))

    def item(self, entry: AuditEntry) -> dict[str, Any]:
        """A transaction's ``Put`` of the entry."""
        return {"Put": {"TableName": self.table, "Item": self._attributes(entry)}}
