"""Move capacity counters written before the single capacity partition into it.

Counters were ``pk=CAP#<branch>, sk=<date>``; they are now ``pk=CAP#DAYS,
sk=<date>#<branch>`` (see ``clinic.registration_store``), so that the registration options
read every branch's full dates in one Query. Run it once, right after deploying the new code
over a stack that already took registrations; until then a booked branch-day counts from
zero and cancelling one of its bookings answers 503. Each counter moves in one transaction
(its count added to the new counter, the old one deleted), so a second run moves nothing
and counts written since the deploy are kept.

    python -m infra.migrate_capacity --table <RegistrationsTableName output>
"""

import argparse
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

from infra import cfn

sys.path.insert(0, str(cfn.ROOT / "shared"))

from clinic.aws import dynamodb
from clinic.registration_store import CAPACITY_PK, capacity_key


def _old_counters(table: str) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "begins_with(pk, :cap) AND pk <> :days",
        "ExpressionAttributeValues": {":cap": {"S": "CAP#"}, ":days": {"S": CAPACITY_PK}},
    }
    while True:
        page = dynamodb().scan(**request)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def migrate(table: str) -> int:
    """Move every old counter of ``table``; the number moved."""
    moved = 0
    for item in _old_counters(table):
        branch, day = item["pk"]["S"].removeprefix("CAP#"), date.fromisoformat(item["sk"]["S"])
        dynamodb().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": capacity_key(branch, day),
                        "UpdateExpression": "ADD taken :taken SET expires_at = if_not_exists(expires_at, :expires)",
                        "ExpressionAttributeValues": {
                            ":taken": item["taken"],
                            ":expires": item.get("expires_at", {"N": "0"}),
                        },
                    }
                },
                {
                    "Delete": {
                        "TableName": table,
                        "Key": {"pk": item["pk"], "sk": item["sk"]},
                        "ConditionExpression": "taken = :taken",  # changed since the scan: fails, run it again
                        "ExpressionAttributeValues": {":taken": item["taken"]},
                    }
                },
            ]
        )
        moved += 1
    return moved


def main(argv: list[str] | None = None) -> int:
    """Migrate the table named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="the registrations table's name")
    args = parser.parse_args(argv)
    print(f"moved {migrate(args.table)} capacity counters into {CAPACITY_PK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
