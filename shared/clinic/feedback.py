"""'Was this helpful?' votes on FAQ entries: atomic counters in the feedback table."""

import time
import uuid
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from clinic.aws import dynamodb
from clinic.dynamo import storage_faults
from clinic.i18n import LANG_FIELD_DESCRIPTION
from clinic.knowledge import Lang
from clinic.text import CleanText

REASON_RETENTION_DAYS = 180


class FeedbackIn(BaseModel):
    """The body of ``POST /faqs/{id}/feedback``."""

    model_config = ConfigDict(extra="forbid")

    helpful: StrictBool
    reason: Annotated[CleanText, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    lang: Lang | None = Field(None, description=LANG_FIELD_DESCRIPTION)


class FeedbackAccepted(BaseModel):
    """The answer to a feedback vote."""

    id: str
    accepted: bool = True


class FeedbackStore(Protocol):
    """Where votes go."""

    def record(self, faq_id: str, helpful: bool, reason: str | None) -> None:
        """Count one vote, and keep its free-text reason for a while."""
        ...


class DynamoFeedback:
    """Votes in the feedback table: ``pk`` = FAQ id; ``sk=counts`` holds the counters and
    ``sk=reason#…`` items the optional reasons, which expire after a while (TTL ``expires_at``)."""

    def __init__(self, table: str) -> None:
        self.table = table

    def record(self, faq_id: str, helpful: bool, reason: str | None) -> None:
        """One round trip: an atomic ADD, joined in one transaction with the reason if any."""
        counter = "helpful" if helpful else "not_helpful"
        update = {
            "TableName": self.table,
            "Key": {"pk": {"S": faq_id}, "sk": {"S": "counts"}},
            "UpdateExpression": "ADD #counter :one",
            "ExpressionAttributeNames": {"#counter": counter},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
        with storage_faults():
            if not reason:
                dynamodb().update_item(**update)  # type: ignore[arg-type]
                return
            now = int(time.time())
            dynamodb().transact_write_items(
                TransactItems=[
                    {"Update": update},  # type: ignore[typeddict-item]
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": {
                                "pk": {"S": faq_id},
                                "sk": {"S": f"reason#{now}#{uuid.uuid4().hex[:8]}"},
                                "helpful": {"BOOL": helpful},
                                "reason": {"S": reason},
                                "expires_at": {"N": str(now + REASON_RETENTION_DAYS * 86400)},
                            },
                        }
                    },
                ]
            )
