"""The local pipeline reads the registrations table's stream as Lambda's event source mapping
does: every committed write once, in order, and nothing of a transaction that rolled back,
even while transactions roll back on moto's server at the same time as it reads."""

import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from infra import cfn, local_pipeline
from infra.local_stack import start_dynamodb

pytestmark = pytest.mark.integration

WRITES = 150


class Recorder:
    """The events function, reduced to remembering the keys it was given."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.keys += [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
        return {}


@pytest.fixture
def embedded_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto's server as the local stack runs it, with the template's tables and pipeline
    resources; the template parameters that name them."""
    endpoint, server = start_dynamodb()
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    local_pipeline._client.cache_clear()
    refs = {**cfn.local_refs(), **local_pipeline.local_refs("http://127.0.0.1:3000")}
    cfn.create_tables(local_pipeline._client("dynamodb"), cfn.local_table_names())
    local_pipeline.create_resources(refs)
    yield refs
    local_pipeline._client.cache_clear()
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)
    server.shutdown()


def write_and_roll_back(table: str) -> None:
    """Committed puts, each followed by a transaction that writes and then rolls back."""
    dynamodb = local_pipeline._client("dynamodb")
    for n in range(WRITES):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"KEPT#{n}"}, "sk": {"S": "X"}})
        try:
            dynamodb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": table, "Item": {"pk": {"S": f"ROLLED-BACK#{n}"}, "sk": {"S": "X"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": table,
                            "Key": {"pk": {"S": "ABSENT"}, "sk": {"S": "X"}},
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                ]
            )
        except dynamodb.exceptions.TransactionCanceledException:
            pass
        else:
            raise AssertionError("the transaction was meant to roll back")


def test_rolled_back_writes_never_reach_the_events_function_and_none_of_the_rest_is_lost(
    embedded_aws: dict[str, str],
) -> None:
    recorder = Recorder()
    pools = {"EventsFunction": recorder, "MessagesFunction": Recorder()}
    pipeline = local_pipeline.Pipeline(pools, embedded_aws, "ap-east-1")
    writer = threading.Thread(target=write_and_roll_back, args=(embedded_aws["RegistrationsTable"],))
    writer.start()
    while writer.is_alive():  # read while the writer writes and rolls back
        pipeline.step()
    writer.join()
    while True:  # then what was written after the last read, a batch at a time
        delivered = len(recorder.keys)
        pipeline.step()
        if len(recorder.keys) == delivered:
            break

    assert [key for key in recorder.keys if key.startswith("ROLLED-BACK#")] == []
    assert recorder.keys == [f"KEPT#{n}" for n in range(WRITES)]
