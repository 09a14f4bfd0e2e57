"""Recommendations in DynamoDB: written once, read back by id, expiring by TTL.

Table layout (``RecommendationsTable``): ``pk`` = the recommendation id; ``answers`` and
``result`` = the questionnaire's answers and the language-independent assessment as JSON;
``created_at`` (ISO, UTC); ``expires_at`` (epoch seconds) for DynamoDB's TTL. Nothing
identifies a person: the answers hold no name, contact or device data.
"""

import time
from datetime import datetime
from typing import Any, Protocol

from clinic.aws import dynamodb
from clinic.dynamo import from_item, storage_faults, to_item
from clinic.recommendation.assessment import Assessment, StoredRecommendation, is_recommendation_id
from clinic.recommendation.questionnaire import Questionnaire
from clinic.settings import settings

_DAY_SECONDS = 86400


class RecommendationStore(Protocol):
    """Where recommendations are kept."""

    def save(self, rec: StoredRecommendation) -> None:
        """Keep a new recommendation (one write)."""
        ...

    def get(self, recommendation_id: str) -> StoredRecommendation | None:
        """The recommendation with this id, unless unknown or expired."""
        ...


class DynamoRecommendations:
    """Recommendations in the recommendations table."""

    def __init__(self, table: str) -> None:
        self.table = table

    def save(self, rec: StoredRecommendation) -> None:
        """One conditional PutItem: an id is never overwritten."""
        created = int(rec.created_at.timestamp())
        item = to_item(
            {
                "pk": rec.recommendation_id,
                "answers": rec.answers.model_dump_json(exclude={"lang"}),
                "result": rec.assessment.model_dump_json(),
                "created_at": rec.created_at.isoformat(),
                "expires_at": created + settings().recommendation_ttl_days * _DAY_SECONDS,
            }
        )
        with storage_faults():
            dynamodb().put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")

    def _live_item(self, recommendation_id: str) -> dict[str, Any] | None:
        """The item of a well-formed id, unless missing or past its expiry (TTL deletes late)."""
        if not is_recommendation_id(recommendation_id):
            return None
        with storage_faults():
            found = dynamodb().get_item(
                TableName=self.table,
                Key={"pk": {"S": recommendation_id}},
                ConsistentRead=True,
            )
        if "Item" not in found:
            return None
        item = from_item(found["Item"])
        return item if int(item["expires_at"]) > time.time() else None

    def get(self, recommendation_id: str) -> StoredRecommendation | None:
        """The stored recommendation (consistent read: a GET right after the POST finds it)."""
        item = self._live_item(recommendation_id)
        if item is None:
            return None
        return StoredRecommendation(
            recommendation_id=item["pk"],
            created_at=datetime.fromisoformat(item["created_at"]),
            answers=Questionnaire.model_validate_json(item["answers"]),
            assessment=Assessment.model_validate_json(item["result"]),
        )
