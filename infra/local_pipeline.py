"""The events and messages pipeline of the local stack, on its embedded AWS (moto).

Deployed, Lambda's event source mappings carry the registrations table's stream to the
events function and the messages queue to the messages function; EventBridge routes the
events to that queue by the template's rule; Scheduler runs the reminders daily. moto's
server keeps streams, buses, rules and queues but invokes no function, so here one
background thread does what the two event source mappings do:

1. read the table's stream and invoke the events function's workers with a DynamoDB Streams
   event; a failed record is retried from its position, as Lambda does;
2. moto's EventBridge applies the template's rule and puts the matching events on the queue;
3. receive from the queue and invoke the messages function's workers with an SQS event,
   deleting every message not reported as a batch item failure.

``POST /_local/clock`` invokes the messages function as the schedule would on that date.
What was sent is read from moto's SNS and SES backends (the server runs in this process),
joined with the outbox for kind, language and reference; each message is printed, masked,
once it is sent. Locally only: none of this is in template.yaml.
"""

import copy
import json
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from infra import cfn

ACCOUNT = "123456789012"  # moto's default account
FUNCTIONS = ("EventsFunction", "MessagesFunction")  # invoked by the pipeline, not by HTTP
POLL_SECONDS = 0.2
LOCAL_VISIBILITY_SECONDS = 2  # a failed message comes back quickly here (deployed: the queue's 180 s)
MAX_STREAM_ATTEMPTS = 5  # as the template's MaximumRetryAttempts
STREAM_BATCH = 50  # as the template's BatchSize

# moto's server and this pipeline share the embedded AWS's state (the server runs in this
# process): the server handles each request under this lock, the pipeline reads under it too.
EMBEDDED_AWS = threading.Lock()


class Invoker(Protocol):
    """A function's worker pool (``infra.local_stack.FunctionPool``)."""

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the function on ``event``."""
        ...


def local_refs(base_url: str) -> dict[str, str]:
    """Template parameters that point at this machine: the demo page holds the widgets
    that open the manage links."""
    return {"ManagePageUrlEn": f"{base_url}/", "ManagePageUrlZhHk": f"{base_url}/zh-HK/"}


@cache
def _client(service: str, region: str | None = None) -> Any:
    """One client per service and region (polling five times a second)."""
    import boto3

    return boto3.client(service, region_name=region)  # type: ignore[call-overload]


def create_resources(refs: dict[str, str]) -> None:
    """The template's bus, queues and rules in moto, and the sender identity verified in
    the messaging region (deployed, it is verified once by hand: see the README)."""
    events, sqs = _client("events"), _client("sqs")
    for name in cfn.resources("AWS::Events::EventBus"):
        events.create_event_bus(Name=refs[name])
    arns: dict[str, str] = {}
    queues = cfn.resources("AWS::SQS::Queue")
    for name, queue in sorted(queues.items(), key=lambda item: "RedrivePolicy" in item[1]["Properties"]):
        attributes = {"VisibilityTimeout": str(queue["Properties"].get("VisibilityTimeout", 30))}
        redrive = queue["Properties"].get("RedrivePolicy")
        if redrive:
            target = arns[redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]]
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": target, "maxReceiveCount": redrive["maxReceiveCount"]}
            )
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for name, rule in cfn.resources("AWS::Events::Rule").items():
        props = rule["Properties"]
        bus = refs[props["EventBusName"]["Ref"]]
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]))
        targets = [{"Id": t["Id"], "Arn": arns[t["Arn"]["Fn::GetAtt"][0]]} for t in props["Targets"]]
        events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
    _client("ses", refs["MessagingRegion"]).verify_domain_identity(Domain=refs["EmailSenderIdentity"])


def stream_event(records: list[dict[str, Any]], stream_arn: str, region: str) -> dict[str, Any]:
    """A DynamoDB Streams event as Lambda delivers it, from ``GetRecords`` records."""
    delivered = []
    for record in records:
        stream = dict(record["dynamodb"])
        created = stream.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            stream["ApproximateCreationDateTime"] = int(created.timestamp())
        delivered.append({**record, "dynamodb": stream, "awsRegion": region, "eventSourceARN": stream_arn})
    return {"Records": delivered}


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it, from ``ReceiveMessage`` messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def schedule_event(day: date) -> dict[str, Any]:
    """What the reminder schedule sends on ``day`` (10:00 in Hong Kong)."""
    hong_kong_ten = datetime.combine(day, time(10)) - timedelta(hours=8)
    scheduled = hong_kong_ten.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"action": "send_reminders", "scheduled_time": scheduled}


class Pipeline:
    """Stream → events function → (moto's bus and rule) → queue → messages function."""

    def __init__(self, pools: Mapping[str, Invoker], refs: dict[str, str], region: str) -> None:
        self.events, self.messages = (pools[name] for name in FUNCTIONS)
        self.refs, self.region = refs, region
        self.messaging_region = refs["MessagingRegion"]
        self._stop = threading.Event()
        self._printed: set[str] = set()
        self._print_lock = threading.Lock()
        dynamodb, sqs = _client("dynamodb"), _client("sqs")
        self.stream_arn = dynamodb.describe_table(TableName=refs["RegistrationsTable"])["Table"]["LatestStreamArn"]
        self.queue_url = sqs.get_queue_url(QueueName="MessagesQueue")["QueueUrl"]
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.visibility_seconds = LOCAL_VISIBILITY_SECONDS
        self._last_sequence: str | None = None
        self._pending: list[dict[str, Any]] = []
        self._attempts = 0
        self._thread = threading.Thread(target=self._run, name="pipeline", daemon=True)

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (the thread ends after its current step)."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.step()
            except Exception as error:  # keep the pipeline alive; say what failed, never the data
                print(f"pipeline step failed: {type(error).__name__}", file=sys.stderr, flush=True)

    def step(self) -> None:
        """One round: new stream records to the events function, the queue's messages to
        the messages function, and what was sent to the console."""
        records = self._new_records()
        if records:
            self._last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
        self._pending += records
        if self._pending:
            self._pending, self._attempts = self._publish(self._pending, self._attempts)
        if self._deliver(_client("sqs")):
            self.print_new()

    def _new_records(self) -> list[dict[str, Any]]:
        """The stream's records after the last one read, as ``GetRecords`` returns them.

        Read from moto's backend under :data:`EMBEDDED_AWS`, not through its API: there,
        ``GetShardIterator`` and ``GetRecords`` are two requests, and a transaction failing
        between them leaves the iterator on the copy of the table moto abandons when it rolls
        back, with the failed writes in its stream (DynamoDB never streams them), and the
        records that follow reuse their sequence numbers."""
        from moto.dynamodb.models import dynamodb_backends

        with EMBEDDED_AWS:
            shard = dynamodb_backends[ACCOUNT][self.region].get_table(self.refs["RegistrationsTable"]).stream_shard
            assert shard is not None  # the template enables the table's stream
            after = int(self._last_sequence) + 1 if self._last_sequence else shard.starting_sequence_number
            return copy.deepcopy(shard.get(after, STREAM_BATCH))

    def _publish(self, records: list[dict[str, Any]], attempts: int) -> tuple[list[dict[str, Any]], int]:
        """Invoke the events function; keep the records from the first failure for a retry."""
        try:
            result = self.events.invoke(stream_event(records, self.stream_arn, self.region)) or {}
        except Exception:  # a function error (e.g. every record failed): Lambda retries the whole batch
            result = {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
        failed = [item["itemIdentifier"] for item in result.get("batchItemFailures", [])]
        if not failed:
            return [], 0
        if attempts + 1 >= MAX_STREAM_ATTEMPTS:
            print(f"events: {len(records)} stream records dropped after {MAX_STREAM_ATTEMPTS} attempts", flush=True)
            return [], 0
        first = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
        return records[first:], attempts + 1

    def _deliver(self, sqs: Any) -> bool:
        """Invoke the messages function on what the queue holds; delete what succeeded.
        True when the function ran."""
        messages = sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=self.visibility_seconds,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return False
        try:
            result = self.messages.invoke(sqs_event(messages, self.queue_arn, self.region)) or {}
        except Exception:  # a function error (e.g. every record failed): nothing is deleted
            result = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
        failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return True

    def run_reminders(self, day: date) -> dict[str, Any]:
        """``POST /_local/clock``: the daily schedule's run on ``day``."""
        result = self.messages.invoke(schedule_event(day))
        self.print_new()
        return result

    def sent(self, to: str | None = None) -> list[dict[str, Any]]:
        """Messages sent (to ``to``, if given), oldest first, as ``GET /_local/messages`` shows them."""
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        with EMBEDDED_AWS:
            raw: list[tuple[str, str, str, str]] = [
                (message_id, "sms", phone, text)
                for message_id, (phone, text) in sns_backends[ACCOUNT][self.messaging_region].sms_messages.items()
            ]
            for message in ses_backends[ACCOUNT][self.messaging_region].sent_messages:
                for address in message.destinations.get("ToAddresses", []):
                    raw.append((message.id, "email", address, message.body))
        outbox = self._outbox()
        items = []
        for message_id, channel, address, text in raw:
            record = outbox.get(message_id)
            if record is None or (to is not None and address != to):
                continue  # not yet marked sent (a moment), or someone else's
            items.append({"channel": channel, "to": address, **record, "text": text, "message_id": message_id})
        items.sort(key=lambda item: item["sent_at"])
        return items

    def _outbox(self) -> dict[str, dict[str, str]]:
        """The outbox's sent records by provider message id (a scan: local and small)."""
        pages = _client("dynamodb").get_paginator("scan").paginate(TableName=self.refs["MessagesTable"])
        records = {}
        for page in pages:
            for item in page["Items"]:
                if item.get("state", {}).get("S") == "sent":
                    records[item["message_id"]["S"]] = {
                        "kind": item["sk"]["S"].split("#")[0],
                        "lang": item["lang"]["S"],
                        "reference": item["pk"]["S"].removeprefix("MSG#"),
                        "sent_at": item["sent_at"]["S"],
                        "masked": item["to_masked"]["S"],
                    }
        return records

    def print_new(self) -> None:
        """Print each message sent since the last call, masked (never its text or link)."""
        with self._print_lock:
            self._print_unseen()

    def _print_unseen(self) -> None:
        for item in self.sent():
            if item["message_id"] not in self._printed:
                self._printed.add(item["message_id"])
                print(
                    f"message sent: {item['channel']} to {item['masked']} · {item['kind']} · {item['lang']} · "
                    f"{item['reference']}",
                    flush=True,
                )


def local_route(
    pipeline: Pipeline, method: str, raw_path: str, read_body: Callable[[], bytes]
) -> tuple[int, dict[str, str], bytes] | None:
    """``GET /_local/messages?to=`` and ``POST /_local/clock``: status, headers and body, or
    None for any other path."""
    split = urlsplit(raw_path)
    if split.path not in {"/_local/messages", "/_local/clock"}:
        return None
    json_type = {"Content-Type": "application/json"}
    if split.path == "/_local/messages" and method == "GET":
        to = parse_qs(split.query).get("to", [None])[-1]
        if to and to.startswith(" "):  # an unencoded "+852…" arrives as " 852…"
            to = "+" + to[1:]
        keys = ("channel", "to", "kind", "lang", "reference", "text", "sent_at")
        items = [{key: item[key] for key in keys} for item in pipeline.sent(to)]
        return 200, json_type, json.dumps({"items": items}, ensure_ascii=False).encode()
    if split.path == "/_local/clock" and method == "POST":
        try:
            day = date.fromisoformat(json.loads(read_body() or b"{}")["date"])
        except (ValueError, KeyError, TypeError):
            problem = {"error": {"code": "VALIDATION_FAILED", "message": 'Send {"date": "YYYY-MM-DD"}.'}}
            return 422, json_type, json.dumps(problem).encode()
        return 200, json_type, json.dumps(pipeline.run_reminders(day)).encode()
    allow = "GET" if split.path == "/_local/messages" else "POST"
    problem = {"error": {"code": "METHOD_NOT_ALLOWED", "message": f"Allowed: {allow}."}}
    return 405, {**json_type, "Allow": allow}, json.dumps(problem).encode()
