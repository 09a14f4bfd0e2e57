"""Events function: every change of a registration, from the table's stream to the bus.

Each stream record of a registration item (``sk=REG``; the event source mapping filters
the others out, and :func:`clinic.events.registration_event` ignores them too) becomes at
most one documented event without personal data, put on the stack's EventBridge bus. A
record whose event cannot be put is reported as a batch item failure, so Lambda retries
from it (then bisects, then sends it to the dead-letter queue).
"""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.aws import client
from clinic.events import registration_event
from clinic.settings import require

config = require("EVENT_BUS_NAME")
logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class PublishFailed(RuntimeError):
    """EventBridge did not accept the event (it says why in an error code)."""


def record_handler(record: DynamoDBRecord) -> None:
    """Map one stream record to its event, if any, and put it on the bus."""
    stream = record.dynamodb
    assert stream is not None
    assert record.event_name is not None
    created = stream.approximate_creation_date_time
    event = registration_event(
        record.event_name.name,
        stream.old_image or None,
        stream.new_image or None,
        change_id=record.event_id or "",
        occurred_at=datetime.fromtimestamp(created, UTC) if created else datetime.now(UTC),
        removed_by=record.user_identity.get("principalId"),
    )
    if event is None:
        return
    reply = client("events").put_events(Entries=[event.put_events_entry(config.event_bus_name)])
    if reply.get("FailedEntryCount"):
        raise PublishFailed(reply["Entries"][0].get("ErrorCode", "unknown"))
    metrics.add_metric(name=event.detail_type, unit=MetricUnit.Count, value=1)
    logger.info("event published", extra={"detail_type": event.detail_type, "reference": event.detail.reference})


@cold_start
@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """DynamoDB Streams entry point (partial batch responses)."""
    return dict(
        process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
    )
