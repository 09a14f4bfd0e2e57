"""Messages in DynamoDB: the outbox that makes each message go out once, and the reads of
the registrations table the messages function needs.

Messages table, one item per registration, kind and channel (no text, no full recipient,
no token: what the PDPO access request lists as "messages sent"):

- ``pk=MSG#<reference>, sk=<kind>#<channel>``: ``state`` (``sending`` until the provider
  accepted the message, then ``sent``), ``lease_until`` (epoch seconds: a claim whose
  sender died is taken over after it), ``to_masked``, ``lang``, ``sent_at``,
  ``message_id`` (the provider's), ``expires_at`` (the registration's own expiry).

Why a conditional write rather than Powertools' idempotency utility: the record is keyed by
what must happen once (registration, kind, channel), not by the payload that asked for it
(an event, a redelivery, a replayed event and a daily run each ask differently), and it
doubles as the queryable record of what was sent. ``claim`` is one conditional PutItem,
``sent`` and ``release`` one write each. A sender that dies after the provider accepted but
before ``sent`` leaves a claim that a retry takes over once the lease ends: that one window
may repeat a message (no store can close it without the provider's own deduplication).

Registrations are read by key (one GetItem), and a day's registrations through the
``ByBranchDate`` index (``gsi1pk=BRANCH#<branch>``, ``gsi1sk=<date>#…``): one Query per
branch, reading only the reference and status.
"""

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from clinic.aws import dynamodb
from clinic.dynamo import error_code, storage_faults
from clinic.messaging import Message, Recipient

#: Seconds a claim holds before another attempt may take it over (the function's timeout).
LEASE_SECONDS = 30


def _key(message: Message) -> dict[str, Any]:
    return {"pk": {"S": f"MSG#{message.reference}"}, "sk": {"S": f"{message.kind}#{message.channel}"}}


class DynamoOutbox:
    """:class:`clinic.messaging.Outbox` on the messages table."""

    def __init__(self, table: str) -> None:
        self.table = table

    def claim(self, message: Message, expires_at: int, now: datetime) -> bool:
        """One conditional PutItem: absent, or claimed by a sender whose lease ended."""
        moment = int(now.timestamp())
        try:
            with storage_faults():
                dynamodb().put_item(
                    TableName=self.table,
                    Item={
                        **_key(message),
                        "state": {"S": "sending"},
                        "lease_until": {"N": str(moment + LEASE_SECONDS)},
                        "expires_at": {"N": str(expires_at)},
                    },
                    ConditionExpression="attribute_not_exists(pk) OR (#state = :sending AND lease_until < :now)",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues={":sending": {"S": "sending"}, ":now": {"N": str(moment)}},
                )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def sent(self, message: Message, provider_id: str, now: datetime) -> None:
        """One UpdateItem: the claim becomes the record of the message sent."""
        with storage_faults():
            dynamodb().update_item(
                TableName=self.table,
                Key=_key(message),
                UpdateExpression="SET #state = :sent, sent_at = :at, to_masked = :to, lang = :lang, message_id = :id "
                "REMOVE lease_until",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":sent": {"S": "sent"},
                    ":at": {"S": now.isoformat()},
                    ":to": {"S": message.masked_to},
                    ":lang": {"S": message.lang},
                    ":id": {"S": provider_id},
                },
            )

    def release(self, message: Message) -> None:
        """One DeleteItem, only of a claim still sending."""
        try:
            with storage_faults():
                dynamodb().delete_item(
                    TableName=self.table,
                    Key=_key(message),
                    ConditionExpression="#state = :sending",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues={":sending": {"S": "sending"}},
                )
        except Exception as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise

    def history(self, reference: str) -> list[dict[str, str]]:
        """The messages sent for a registration (one Query): channel, kind, time, masked
        recipient, language — what a PDPO access request reports."""
        with storage_faults():
            items = dynamodb().query(
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                FilterExpression="#state = :sent",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":pk": {"S": f"MSG#{reference}"}, ":sent": {"S": "sent"}},
            )["Items"]
        return [
            {
                "kind": item["sk"]["S"].split("#")[0],
                "channel": item["sk"]["S"].split("#")[1],
                "to": item["to_masked"]["S"],
                "lang": item["lang"]["S"],
                "sent_at": item["sent_at"]["S"],
            }
            for item in items
        ]

    def forget(self, reference: str) -> int:
        """Delete the records of a registration whose personal data was erased (the masked
        recipient is still about the person): one Query, one DeleteItem per record."""
        with storage_faults():
            keys = dynamodb().query(
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": f"MSG#{reference}"}},
                ProjectionExpression="pk, sk",
            )["Items"]
            for key in keys:
                dynamodb().delete_item(TableName=self.table, Key=key)
        return len(keys)


class DynamoRecipients:
    """The registrations the messages function reads, on the registrations table."""

    def __init__(self, table: str) -> None:
        self.table = table

    def recipient(self, reference: str) -> Recipient | None:
        """One consistent GetItem; None when the registration is gone or holds no contact details."""
        with storage_faults():
            item = (
                dynamodb()
                .get_item(
                    TableName=self.table,
                    Key={"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}},
                    ConsistentRead=True,
                )
                .get("Item")
            )
        if not item or "doc" not in item:
            return None
        try:
            recipient = Recipient.model_validate_json(item["doc"]["S"])
        except ValidationError:
            return None
        return recipient.model_copy(update={"status": item.get("status", {}).get("S", recipient.status)})

    def references_on(self, day: date, branches: list[str], statuses: frozenset[str]) -> list[str]:
        """The references of the day's registrations in ``statuses``: one Query per branch
        (and page) on ``ByBranchDate``, projecting only the key and the status."""
        found: list[str] = []
        with storage_faults():
            for branch in branches:
                request: dict[str, Any] = {
                    "TableName": self.table,
                    "IndexName": "ByBranchDate",
                    "KeyConditionExpression": "gsi1pk = :branch AND begins_with(gsi1sk, :day)",
                    "ProjectionExpression": "pk, #status",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":branch": {"S": f"BRANCH#{branch}"},
                        ":day": {"S": f"{day.isoformat()}#"},
                    },
                }
                while True:
                    page = dynamodb().query(**request)
                    found += [
                        item["pk"]["S"].removeprefix("REG#")
                        for item in page["Items"]
                        if item.get("status", {}).get("S") in statuses
                    ]
                    if "LastEvaluatedKey" not in page:
                        break
                    request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return found
