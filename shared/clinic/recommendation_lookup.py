"""Whether a recommendation exists, for the registration function: one small GetItem.

Kept apart from :mod:`clinic.recommendation_store` so that the registration function never
imports the scoring engine or reads its rules file (a test holds it to that).
"""

import time

from clinic.aws import dynamodb
from clinic.dynamo import storage_faults
from clinic.ids import RECOMMENDATION_ID


def recommendation_exists(table: str, recommendation_id: str) -> bool:
    """Whether the id names a live recommendation: one consistent GetItem of the key and the
    expiry (DynamoDB's TTL deletes late, so an expired item counts as gone)."""
    if not RECOMMENDATION_ID.match(recommendation_id):
        return False
    with storage_faults():
        item = (
            dynamodb()
            .get_item(
                TableName=table,
                Key={"pk": {"S": recommendation_id}},
                ConsistentRead=True,
                ProjectionExpression="pk, expires_at",
            )
            .get("Item")
        )
    return item is not None and int(item["expires_at"]["N"]) > time.time()
