"""Messages function: confirmations, cancellation notices and day-before reminders.

Two entry points in one function, as the two triggers deliver them:

- an SQS batch of registration events (the bus's rule → queue): RegistrationCreated sends
  the confirmation, RegistrationCancelled the notice, RegistrationErased deletes the record
  of what was sent; each record fails alone (partial batch response), is retried by SQS and
  ends in the dead-letter queue;
- the daily schedule (EventBridge Scheduler, ``{"action": "send_reminders",
  "scheduled_time": …}``): reminders for the next day's registrations still expected; a
  failure fails the run, which the scheduler retries (what was sent is not sent again).

Each message goes out once per registration, kind and channel (:func:`clinic.messaging.deliver`).
Logs name the reference, kind and channel and the masked recipient, never the text.
"""

from clinic.startup import cold_start  # first: its import pauses the garbage collector (see there)

# isort: split
from datetime import UTC, date, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.event_bridge_event import EventBridgeEvent
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from clinic.content_store import knowledge
from clinic.events import ACTIVE_STATUSES
from clinic.messaging import KIND_OF_EVENT, Delivery, Kind, LinkPages, compose, deliver, due, reminder_day
from clinic.messaging_send import AwsSender
from clinic.messaging_store import DynamoOutbox, DynamoRecipients
from clinic.settings import require
from clinic.token_secret import manage_token_secret

config = require(
    "CONTENT_TABLE",
    "REGISTRATIONS_TABLE",
    "MESSAGES_TABLE",
    "MANAGE_TOKEN_SECRET",
    "MESSAGING_REGION",
    "EMAIL_FROM_ADDRESS",
    "MANAGE_PAGE_URL_EN",
    "MANAGE_PAGE_URL_ZH_HK",
)
logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


class RemindersIncomplete(RuntimeError):
    """Some reminders of a run could not be sent; the scheduler's retry sends them."""


def _send(reference: str, kind: Kind, day: date | None = None) -> Delivery | None:
    """Compose and deliver one kind of message for one registration, once."""
    recipient = DynamoRecipients(config.registrations_table).recipient(reference)
    if recipient is None or not due(recipient, kind, day):
        logger.info("message not due", extra={"reference": reference, "kind": kind})
        return None
    pages = LinkPages(config.manage_page_url_en, config.manage_page_url_zh_hk)
    messages = compose(recipient, kind, knowledge(), pages, manage_token_secret())
    sender = AwsSender(config.messaging_region, config.sms_sender_id, config.email_from_address)
    delivery = deliver(messages, recipient.expires_at, DynamoOutbox(config.messages_table), sender, datetime.now(UTC))
    for message in delivery.sent:
        metrics.add_metric(name=f"MessageSent_{message.channel}", unit=MetricUnit.Count, value=1)
        logger.info(
            "message sent",
            extra={"reference": reference, "kind": kind, "channel": message.channel, "to": message.masked_to},
        )
    for message in delivery.skipped:
        logger.info("message already sent", extra={"reference": reference, "kind": kind, "channel": message.channel})
    return delivery


def record_handler(record: SQSRecord) -> None:
    """One registration event from the queue: a message to send, or (after an erasure) the
    record of the messages sent to forget."""
    event = EventBridgeEvent(record.json_body)
    reference = event.detail["reference"]
    if event.detail_type == "RegistrationErased":
        forgotten = DynamoOutbox(config.messages_table).forget(reference)
        logger.info("messages forgotten", extra={"reference": reference, "records": forgotten})
        return
    kind = KIND_OF_EVENT.get(event.detail_type)
    if kind is not None:
        _send(reference, kind)


def send_reminders(scheduled_time: str) -> dict[str, Any]:
    """The daily run: remind every registration of the next day (Hong Kong) still expected."""
    day = reminder_day(datetime.fromisoformat(scheduled_time.replace("Z", "+00:00")))
    branches = [branch.id for branch in knowledge().branches]
    references = DynamoRecipients(config.registrations_table).references_on(day, branches, ACTIVE_STATUSES)
    sent = failed = 0
    for reference in references:
        try:
            delivery = _send(reference, "reminder", day)
        except Exception as error:
            failed += 1
            logger.warning("reminder failed", extra={"reference": reference, "error": type(error).__name__})
            continue
        sent += len(delivery.sent) if delivery else 0
    summary = {"reminder_date": day.isoformat(), "registrations": len(references), "sent": sent, "failed": failed}
    logger.info("reminders run", extra=summary)
    if failed:
        raise RemindersIncomplete(f"{failed} of {len(references)} registrations")
    return summary


@cold_start
@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """SQS batch of registration events, or the daily schedule's run."""
    if event.get("action") == "send_reminders":
        return send_reminders(str(event["scheduled_time"]))
    return dict(
        process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
    )
