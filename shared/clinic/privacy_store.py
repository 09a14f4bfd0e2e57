"""Personal-data requests in DynamoDB: find, correct and erase one person's data.

Reads go through the staff store (the phone index, one Query per registration for its
history). An erasure is one transaction per registration (the registration, its history
steps, and for an active one its trial claim and its place), then the linked
questionnaire answers and the consent ledger; the anonymised record of each request goes to
the audit table under ``pk=DATA_REQUESTS``.
"""

import json
from datetime import timedelta
from typing import Any

from clinic.aws import dynamodb
from clinic.dynamo import error_code, from_item, storage_faults, to_item
from clinic.errors import Conflict
from clinic.messaging_store import DynamoOutbox
from clinic.privacy import ACTIVE, DataRequestRecord
from clinic.registration import ConsentEvent, Registration
from clinic.registration_store import DynamoRegistrations, release_items
from clinic.staff.keys import phone_key
from clinic.staff.store import DynamoStaffStore

_RECORDS_PK = "DATA_REQUESTS"


class DynamoPersonalData:
    """:class:`clinic.privacy.PersonalDataStore` on the registrations, recommendations and audit tables."""

    def __init__(
        self,
        registrations_table: str,
        recommendations_table: str,
        audit_table: str,
        audit_retention_days: int,
        secret: str,
        messages_table: str = "",
    ) -> None:
        self.table = registrations_table
        self.recommendations_table = recommendations_table
        self.audit_table = audit_table
        self.audit_retention_days = audit_retention_days
        self.secret = secret
        self.outbox = DynamoOutbox(messages_table) if messages_table else None
        self.staff = DynamoStaffStore(registrations_table)
        self.registrations = DynamoRegistrations(registrations_table)

    def registrations_of(self, phone: str) -> list[tuple[Registration, list[dict[str, Any]]]]:
        """The phone index, then each registration with its history (one Query each)."""
        found = []
        for registration in self.staff.by_phone(phone_key(phone, self.secret)):
            with_history = self.staff.history(registration.reference)
            if with_history:
                stored, history = with_history
                found.append((stored, [step.model_dump(mode="json", by_alias=True) for step in history]))
        return found

    def recommendations(self, ids: list[str]) -> list[dict[str, Any]]:
        """One GetItem per linked recommendation (a person has one or two)."""
        result = []
        with storage_faults():
            for recommendation_id in ids:
                item = (
                    dynamodb()
                    .get_item(
                        TableName=self.recommendations_table, Key={"pk": {"S": recommendation_id}}, ConsistentRead=True
                    )
                    .get("Item")
                )
                if item:
                    result.append(from_item(item))
        return result

    def _ledger_keys(self, subject: str) -> list[dict[str, Any]]:
        with storage_faults():
            return list(
                dynamodb().query(
                    TableName=self.table,
                    KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": {"S": f"CONSENT#{subject}"}},
                    ConsistentRead=True,
                )["Items"]
            )

    def consents(self, subject: str) -> list[dict[str, Any]]:
        """One Query of the person's ledger partition (sorted by time)."""
        return [json.loads(item["doc"]["S"]) for item in self._ledger_keys(subject)]

    def messages(self, references: list[str]) -> list[dict[str, Any]]:
        """What was sent about these registrations: one Query of the outbox each."""
        if self.outbox is None:
            return []
        return [{"reference": ref} | sent for ref in references for sent in self.outbox.history(ref)]

    def correct(self, registration: Registration, corrected: Registration) -> None:
        """One conditional Put: the record exactly as read, or 409 STALE_STATUS."""
        from botocore.exceptions import ClientError

        try:
            with storage_faults():
                dynamodb().put_item(
                    TableName=self.table,
                    Item=self.registrations.item(corrected),
                    ConditionExpression="doc = :doc",
                    ExpressionAttributeValues={":doc": {"S": registration.model_dump_json(exclude_none=True)}},
                )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise Conflict("STALE_STATUS") from None
            raise

    def withdraw_marketing(self, registration: Registration, event: ConsentEvent) -> None:
        """As the person's own opt-out: the registration and the ledger entry together."""
        self.registrations.withdraw_marketing(registration, event)

    def record_consent(self, event: ConsentEvent) -> None:
        """One PutItem in the ledger."""
        with storage_faults():
            dynamodb().put_item(**self.registrations.ledger_put(event, None)["Put"])

    def erase(self, registrations: list[Registration], recommendation_ids: list[str], subject: str) -> dict[str, int]:
        """Per registration one transaction; then the linked answers and the ledger."""
        counts = {"registrations": 0, "history": 0, "recommendations": 0, "consents": 0}
        # Active ones first: their release checks the claim is theirs, before a past one's
        # erasure removes the person's claim outright.
        for registration in sorted(registrations, key=lambda r: r.status not in ACTIVE):
            counts["history"] += self._erase_registration(registration)
            counts["registrations"] += 1
        with storage_faults():
            for recommendation_id in recommendation_ids:
                deleted = dynamodb().delete_item(
                    TableName=self.recommendations_table, Key={"pk": {"S": recommendation_id}}, ReturnValues="ALL_OLD"
                )
                counts["recommendations"] += 1 if deleted.get("Attributes") else 0
            for item in self._ledger_keys(subject):
                dynamodb().delete_item(TableName=self.table, Key={"pk": item["pk"], "sk": item["sk"]})
                counts["consents"] += 1
        return counts

    def _erase_registration(self, registration: Registration) -> int:
        """Delete the registration item and its history, releasing an active one's claim and
        place in the same transaction; the number of history steps removed."""
        with storage_faults():
            keys = dynamodb().query(
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"REG#{registration.reference}"}},
                ProjectionExpression="pk, sk",
                ConsistentRead=True,
            )["Items"]
        items: list[dict[str, Any]] = [{"Delete": {"TableName": self.table, "Key": key}} for key in keys]
        if registration.status in ACTIVE:
            items.extend(release_items(self.table, registration))
        else:  # a trial used (attended, converted, no-show) still holds the person's claim
            claim = {"pk": {"S": registration.claim_key}, "sk": {"S": "TRIAL"}}
            items.append({"Delete": {"TableName": self.table, "Key": claim}})
        self.registrations.transact(items)
        return len(keys) - 1

    def record_request(self, record: DataRequestRecord) -> None:
        """One PutItem in the audit table (it outlives the data: AuditRetentionDays)."""
        item = to_item(
            {
                "pk": _RECORDS_PK,
                "sk": f"{record.received_at.isoformat()}#{record.request_id}",
                **record.model_dump(mode="json"),
                "expires_at": int((record.received_at + timedelta(days=self.audit_retention_days)).timestamp()),
            }
        )
        with storage_faults():
            dynamodb().put_item(TableName=self.audit_table, Item=item)
