"""Registrations as staff read and change them, in the registrations table.

Layout added for staff (on top of the registration store's, see registration_store.py):

- on each registration item, ``gsi1pk=BRANCH#<branch>``, ``gsi1sk=<date>#<created_at>#<reference>``
  (index ``ByBranchDate``: a branch's list in date then creation order, one Query per page,
  a day being a ``begins_with`` on the sort key) and ``gsi2pk=PHONE#<keyed hash of the
  E.164 phone>``, ``gsi2sk=<created_at>#<reference>`` (index ``ByPhone``, keys only);
- ``pk=REG#<reference>, sk=HIST#<time of writing>#<id>``: one history step, beside its registration, so
  a registration and its history are one Query.

A status change is one transaction: the registration's new status only if it is still as
read (optimistic concurrency: the loser's condition fails → ``STALE_STATUS``), its
history step, the audit entry, and for a cancellation the release of the trial claim and
the place, as the person's own cancellation does.
"""

import json
import time
from datetime import date
from typing import Any

from clinic.aws import dynamodb
from clinic.dynamo import error_code, from_item, storage_faults
from clinic.errors import Conflict
from clinic.registration import Registration
from clinic.registration_store import DynamoRegistrations, release_items
from clinic.staff.history import HISTORY_PREFIX, history_put
from clinic.staff.models import HistoryEntry

BY_BRANCH_DATE = "ByBranchDate"
BY_PHONE = "ByPhone"


def _registration(item: dict[str, Any]) -> Registration:
    return Registration.model_validate_json(item["doc"]["S"])


def _live(registration: Registration) -> bool:
    """Whether the registration is still within its retention (TTL deletes up to days late)."""
    return registration.expires_at > time.time()


class DynamoStaffStore:
    """:class:`clinic.staff.service.StaffStore` on the registrations table."""

    def __init__(self, table: str, recommendations_table: str = "") -> None:
        self.table = table
        self.recommendations_table = recommendations_table
        self.registrations = DynamoRegistrations(table)

    def branch_page(
        self, branch: str, day: date | None, status: str | None, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Registration], dict[str, str] | None]:
        """Query the branch's index partition (one call, more only while a status filter
        leaves the page short)."""
        condition = "gsi1pk = :pk" + (" AND begins_with(gsi1sk, :day)" if day else "")
        values: dict[str, Any] = {":pk": {"S": f"BRANCH#{branch}"}}
        if day:
            values[":day"] = {"S": f"{day.isoformat()}#"}
        # Past its retention, a registration is never served, even before DynamoDB's TTL deletes it.
        values[":now"] = {"N": str(int(time.time()))}
        request: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": BY_BRANCH_DATE,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "FilterExpression": "expires_at > :now",
        }
        if status:
            request["FilterExpression"] += " AND #status = :status"
            request["ExpressionAttributeNames"] = {"#status": "status"}
            values[":status"] = {"S": status}
        found: list[Registration] = []
        last: dict[str, str] | None = start
        with storage_faults():
            while True:
                page = dict(request, Limit=limit - len(found))
                if last:
                    page["ExclusiveStartKey"] = {key: {"S": value} for key, value in last.items()}
                answer = dynamodb().query(**page)
                found.extend(_registration(item) for item in answer["Items"])
                raw_last = answer.get("LastEvaluatedKey")
                last = {key: value["S"] for key, value in raw_last.items()} if raw_last else None
                if last is None or len(found) >= limit:
                    return found, last

    def get(self, reference: str) -> Registration | None:
        """One GetItem (strongly consistent); nothing past its retention."""
        found = self.registrations.get(reference)
        return found if found and _live(found) else None

    def by_phone(self, key: str) -> list[Registration]:
        """One Query on the phone index, then one GetItem per registration found (a person
        has a handful at most)."""
        with storage_faults():
            items = dynamodb().query(
                TableName=self.table,
                IndexName=BY_PHONE,
                KeyConditionExpression="gsi2pk = :pk",
                ExpressionAttributeValues={":pk": {"S": key}},
            )["Items"]
        references = [item["pk"]["S"].removeprefix("REG#") for item in items]
        return [found for reference in references if (found := self.get(reference))]

    def precautions(self, recommendation_id: str) -> list[str]:
        """One GetItem of the linked answers' precautions (nothing once they have expired)."""
        if not self.recommendations_table:
            return []
        with storage_faults():
            item = (
                dynamodb()
                .get_item(
                    TableName=self.recommendations_table,
                    Key={"pk": {"S": recommendation_id}},
                    ProjectionExpression="answers, expires_at",
                )
                .get("Item")
            )
        if not item or int(item["expires_at"]["N"]) <= time.time():
            return []
        precautions: list[str] = json.loads(item["answers"]["S"]).get("precautions", [])
        return precautions

    def history(self, reference: str) -> tuple[Registration, list[HistoryEntry]] | None:
        """One strongly consistent Query: the registration and its history items."""
        with storage_faults():
            items = dynamodb().query(
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"REG#{reference}"}},
                ConsistentRead=True,
            )["Items"]
        registration = next((_registration(item) for item in items if item["sk"]["S"] == "REG"), None)
        if registration is None or not _live(registration):
            return None
        steps = [from_item(item) for item in items if item["sk"]["S"].startswith(HISTORY_PREFIX)]
        return registration, [HistoryEntry.model_validate(step) for step in steps]

    def change_status(self, registration: Registration, entry: HistoryEntry, audit: dict[str, Any]) -> Registration:
        """One transaction (see the module docstring); 409 ``STALE_STATUS`` for the loser."""
        from botocore.exceptions import ClientError

        update: dict[str, Any] = {"status": entry.to}
        if entry.to == "cancelled":
            update["cancelled_at"] = entry.at
        changed = registration.model_copy(update=update)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": self.registrations.item(changed),
                    # The record exactly as read: a status change by someone else, or any other
                    # change meanwhile (the person's marketing opt-out), makes this one stale.
                    "ConditionExpression": "#status = :from AND doc = :doc",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":from": {"S": registration.status},
                        ":doc": {"S": registration.model_dump_json(exclude_none=True)},
                    },
                }
            },
            history_put(
                self.table,
                registration.reference,
                entry.at,
                entry.by,
                registration.status,
                entry.to,
                entry.note,
                registration.expires_at,
            ),
            audit,
        ]
        if entry.to == "cancelled":
            items.extend(release_items(self.table, registration))
        try:
            self.registrations.transact(items)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise Conflict("STALE_STATUS") from None
            raise
        return changed
