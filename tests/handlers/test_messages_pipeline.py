"""Events and messages under moto, step by step: the events function's mapping, the bus's
rule, the messages function sending once, redeliveries, failures and the dead-letter queue,
and the reminders' selection. The pipeline is driven one step at a time by the local
stack's own :class:`infra.local_pipeline.Pipeline`, with the handlers called in-process."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from types import ModuleType
from typing import Any
from unittest.mock import patch

import pytest

from clinic.aws import client, dynamodb
from infra import cfn, local_pipeline
from infra.local_stack import LocalContext
from tests.handlers.test_registration_handler import form
from tests.support import call, load_function

REFS = {**cfn.local_refs(), **local_pipeline.local_refs("http://127.0.0.1:3000")}
REGION = REFS["MessagingRegion"]


@dataclass
class Direct:
    """A function invoked in this process (the local stack uses worker processes)."""

    name: str
    module: ModuleType

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.module.lambda_handler(event, LocalContext(self.name))
        return result


@dataclass
class Stack:
    registration: ModuleType
    messages: ModuleType
    pipeline: local_pipeline.Pipeline

    def register(self, **changes: Any) -> dict[str, Any]:
        answer = call(self.registration, "POST", "/registrations", body=form(**changes))
        assert answer.status == 201, answer.body
        body: dict[str, Any] = answer.body
        return body

    def sent(self, to: str | None = None) -> list[dict[str, Any]]:
        return self.pipeline.sent(to)


@pytest.fixture
def stack(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("MANAGE_PAGE_URL_EN", REFS["ManagePageUrlEn"])
    monkeypatch.setenv("MANAGE_PAGE_URL_ZH_HK", REFS["ManagePageUrlZhHk"])
    from clinic.settings import settings

    settings.cache_clear()  # read again, with the pages of this machine
    local_pipeline._client.cache_clear()
    local_pipeline.create_resources(REFS)
    events, messages = load_function("EventsFunction"), load_function("MessagesFunction")
    pools = {
        "EventsFunction": Direct("EventsFunction", events),
        "MessagesFunction": Direct("MessagesFunction", messages),
    }
    pipeline = local_pipeline.Pipeline(pools, REFS, "ap-east-1")
    pipeline.visibility_seconds = 0  # a failed message is visible again at once
    yield Stack(load_function("RegistrationFunction"), messages, pipeline)
    local_pipeline._client.cache_clear()


def queue_bodies(name: str) -> list[dict[str, Any]]:
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(m["Body"]) for m in got]


def set_status(reference: str, status: str) -> None:
    """What staff's status change does to the item (issue 12), reduced to what matters here."""
    item = dynamodb().get_item(
        TableName="RegistrationsTable", Key={"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}}
    )
    doc = json.loads(item["Item"]["doc"]["S"]) | {"status": status}
    dynamodb().update_item(
        TableName="RegistrationsTable",
        Key={"pk": {"S": f"REG#{reference}"}, "sk": {"S": "REG"}},
        UpdateExpression="SET #s = :s, doc = :d",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}, ":d": {"S": json.dumps(doc)}},
    )


def test_the_events_function_puts_a_created_event_without_personal_data_on_the_bus(stack: Stack) -> None:
    created = stack.register()
    stack.pipeline._deliver = lambda sqs: False  # type: ignore[method-assign]  # stop at the queue
    stack.pipeline.step()
    (event,) = queue_bodies("MessagesQueue")  # the rule routed it: source and detail-type matched
    assert event["source"] == "clinic.registrations"
    assert event["detail-type"] == "RegistrationCreated"
    assert event["detail"]["reference"] == created["reference"]
    assert event["detail"]["change"] == {"from": None, "to": "pending_confirmation"}
    text = json.dumps(event)
    for personal in ("Chan Tai Man", "91234567", "tm.chan@example.com", created["manage_token"]):
        assert personal not in text


def test_a_status_change_reaches_the_bus_but_asks_for_no_message(stack: Stack) -> None:
    created = stack.register()
    stack.pipeline.step()
    set_status(created["reference"], "confirmed")
    with patch.object(stack.pipeline.events, "invoke", wraps=stack.pipeline.events.invoke) as events:
        stack.pipeline.step()
    (records,) = [c.args[0]["Records"] for c in events.call_args_list]
    assert [r["eventName"] for r in records] == ["MODIFY"]
    assert queue_bodies("MessagesQueue") == []  # the rule takes created, cancelled and erased only
    assert len(stack.sent()) == 2


def test_a_registration_gets_one_sms_and_one_email_in_its_language(stack: Stack) -> None:
    created = stack.register(lang="zh-HK")
    stack.pipeline.step()
    sms, email = sorted(stack.sent(), key=lambda m: m["channel"], reverse=True)
    assert (sms["channel"], sms["to"], sms["kind"], sms["lang"]) == ("sms", "+85291234567", "confirmation", "zh-HK")
    assert (email["channel"], email["to"]) == ("email", "tm.chan@example.com")
    link = f"http://127.0.0.1:3000/zh-HK/#clinic-manage={created['reference']}.{created['manage_token']}"
    assert link in sms["text"]
    assert link in email["text"]
    assert "銅鑼灣" in sms["text"]


def test_no_email_without_an_address(stack: Stack) -> None:
    stack.register(email=None)
    stack.pipeline.step()
    assert [m["channel"] for m in stack.sent()] == ["sms"]


def test_a_redelivered_or_replayed_event_sends_nothing_more(stack: Stack) -> None:
    stack.register()
    stack.pipeline._deliver = lambda sqs: False  # type: ignore[method-assign]
    stack.pipeline.step()
    (event,) = queue_bodies("MessagesQueue")
    (record,) = local_pipeline.sqs_event(
        [{"MessageId": "m-1", "ReceiptHandle": "r", "Body": json.dumps(event), "MD5OfBody": "x"}], "arn", "ap-east-1"
    )["Records"]
    for _ in range(3):  # SQS's at-least-once, then a replay of the same event under another message id
        assert stack.pipeline.messages.invoke({"Records": [record]}) == {"batchItemFailures": []}
    stack.pipeline.messages.invoke({"Records": [record | {"messageId": "m-2"}]})
    assert len(stack.sent()) == 2


def test_a_failed_send_is_retried_and_sends_only_what_had_failed(stack: Stack) -> None:
    from clinic.messaging_send import AwsSender

    real = AwsSender.send

    def email_down(self: AwsSender, message: Any) -> str:
        if message.channel == "email":
            raise ConnectionError("provider down")
        return real(self, message)

    stack.register()
    with patch.object(AwsSender, "send", email_down):
        stack.pipeline.step()
    assert [m["channel"] for m in stack.sent()] == ["sms"]
    stack.pipeline.step()  # the message came back (partial batch failure, not deleted)
    assert sorted(m["channel"] for m in stack.sent()) == ["email", "sms"]
    stack.pipeline.step()
    assert len(stack.sent()) == 2


def test_a_send_that_keeps_failing_ends_in_the_dead_letter_queue(stack: Stack) -> None:
    from clinic.messaging_send import AwsSender

    stack.register()
    with patch.object(AwsSender, "send", side_effect=ConnectionError("down")):
        for _ in range(7):  # maxReceiveCount 5 in template.yaml
            stack.pipeline.step()
    assert stack.sent() == []
    (dead,) = queue_bodies("MessagesDeadLetterQueue")
    assert dead["detail-type"] == "RegistrationCreated"
    outbox = dynamodb().scan(TableName="MessagesTable")["Items"]
    assert outbox == []  # every claim was given back: a redrive sends them


def test_a_cancellation_sends_a_notice_once(stack: Stack) -> None:
    created = stack.register(email=None, lang="en")
    stack.pipeline.step()
    cancel = call(stack.registration, "POST", f"/registrations/{created['reference']}/cancel",
                  headers={"X-Manage-Token": created["manage_token"]})  # fmt: skip
    assert cancel.status == 200
    stack.pipeline.step()
    stack.pipeline.step()
    kinds = [m["kind"] for m in stack.sent("+85291234567")]
    assert kinds == ["confirmation", "cancellation"]
    assert "is cancelled" in stack.sent()[-1]["text"]


def two_open_days() -> date:
    """A day D such that D+1 and D+2 are bookable at Causeway Bay (open every weekday)."""
    from clinic.registration import booking_window, public_holidays, today_in_hong_kong
    from clinic.settings import settings

    day = today_in_hong_kong() + timedelta(days=3)
    holidays = set(public_holidays(booking_window(today_in_hong_kong(), settings())))
    while {day + timedelta(days=1), day + timedelta(days=2)} & holidays:
        day += timedelta(days=1)
    return day


def test_the_daily_run_reminds_tomorrows_pending_and_confirmed_registrations_once(stack: Stack) -> None:
    today = two_open_days()
    tomorrow, later = (today + timedelta(days=1)).isoformat(), (today + timedelta(days=2)).isoformat()
    pending = stack.register(phone="+85291234501", preferred_date=tomorrow, email=None)
    confirmed = stack.register(phone="+85291234502", preferred_date=tomorrow, email=None, lang="zh-HK")
    attended = stack.register(phone="+85291234503", preferred_date=tomorrow, email=None)
    cancelled = stack.register(phone="+85291234504", preferred_date=tomorrow, email=None)
    stack.register(phone="+85291234505", preferred_date=later, email=None)
    stack.register(phone="+85291234506", preferred_date=tomorrow, email=None, branch="sha-tin")
    set_status(confirmed["reference"], "confirmed")
    set_status(attended["reference"], "attended")
    call(stack.registration, "POST", f"/registrations/{cancelled['reference']}/cancel",
         headers={"X-Manage-Token": cancelled["manage_token"]})  # fmt: skip

    summary = stack.pipeline.run_reminders(today)
    assert summary == {"reminder_date": tomorrow, "registrations": 3, "sent": 3, "failed": 0}
    reminders = [m for m in stack.sent() if m["kind"] == "reminder"]
    assert sorted(m["to"] for m in reminders) == ["+85291234501", "+85291234502", "+85291234506"]
    assert next(m for m in reminders if m["to"] == "+85291234502")["lang"] == "zh-HK"
    assert stack.pipeline.run_reminders(today)["sent"] == 0  # the schedule's retry, or a second run
    assert stack.pipeline.run_reminders(today - timedelta(days=1))["registrations"] == 0
    assert pending["reference"] in {m["reference"] for m in reminders}


def test_a_refused_write_streams_nothing_and_the_pipeline_reads_on(stack: Stack) -> None:
    key = {"Idempotency-Key": "k-1"}
    first = call(stack.registration, "POST", "/registrations", body=form(), headers=key)
    replay = call(stack.registration, "POST", "/registrations", body=form(), headers=key)
    duplicate = call(stack.registration, "POST", "/registrations", body=form())
    assert (first.status, replay.status, duplicate.status) == (201, 201, 409)
    later = stack.register(phone="+85291234599")
    stack.pipeline.step()
    assert sorted(m["reference"] for m in stack.sent() if m["channel"] == "sms") == sorted(
        [first.body["reference"], later["reference"]]
    )


def test_an_event_the_bus_refuses_is_retried_from_the_stream(stack: Stack) -> None:
    created = stack.register(email=None)
    refused = {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]}
    with patch.object(client("events"), "put_events", return_value=refused):
        stack.pipeline.step()
    assert stack.sent() == []
    stack.pipeline.step()  # the record stayed pending, as Lambda retries from a failed record
    assert [m["reference"] for m in stack.sent()] == [created["reference"]]


def test_a_reminder_run_with_a_failed_send_fails_and_its_retry_sends_only_the_rest(stack: Stack) -> None:
    from clinic.messaging_send import AwsSender

    today = two_open_days()
    tomorrow = (today + timedelta(days=1)).isoformat()
    first = stack.register(phone="+85291234511", preferred_date=tomorrow, email=None)
    second = stack.register(phone="+85291234512", preferred_date=tomorrow, email=None)
    real = AwsSender.send

    def second_down(self: AwsSender, message: Any) -> str:
        if message.reference == second["reference"]:
            raise ConnectionError("provider down")
        return real(self, message)

    with patch.object(AwsSender, "send", second_down), pytest.raises(stack.messages.RemindersIncomplete):
        stack.messages.lambda_handler(local_pipeline.schedule_event(today), LocalContext("MessagesFunction"))
    assert [m["reference"] for m in stack.sent() if m["kind"] == "reminder"] == [first["reference"]]
    retry = stack.pipeline.run_reminders(today)  # the scheduler's retry
    assert (retry["sent"], retry["failed"]) == (1, 0)
    reminded = sorted(m["reference"] for m in stack.sent() if m["kind"] == "reminder")
    assert reminded == sorted([first["reference"], second["reference"]])


def test_the_record_of_messages_sent_is_masked_and_holds_no_text(stack: Stack) -> None:
    from clinic.messaging_store import DynamoOutbox

    created = stack.register(lang="zh-HK")
    stack.pipeline.step()
    history = DynamoOutbox("MessagesTable").history(created["reference"])
    assert sorted((h["channel"], h["kind"], h["to"], h["lang"]) for h in history) == [
        ("email", "confirmation", "t******@example.com", "zh-HK"),
        ("sms", "confirmation", "+852 ****-**67", "zh-HK"),
    ]
    stored = json.dumps(dynamodb().scan(TableName="MessagesTable")["Items"])
    for secret in ("91234567", "tm.chan@example.com", created["manage_token"], "clinic-manage"):
        assert secret not in stored


def test_an_erasure_removes_the_record_of_messages_sent(stack: Stack) -> None:
    from clinic.messaging_store import DynamoOutbox

    created = stack.register()
    kept = stack.register(phone="+85291234598", email=None)
    stack.pipeline.step()
    assert len(DynamoOutbox("MessagesTable").history(created["reference"])) == 2
    # What the PDPO erasure does to the registration item (clinic.privacy_store).
    dynamodb().delete_item(
        TableName="RegistrationsTable", Key={"pk": {"S": f"REG#{created['reference']}"}, "sk": {"S": "REG"}}
    )
    stack.pipeline.step()
    assert DynamoOutbox("MessagesTable").history(created["reference"]) == []
    assert len(DynamoOutbox("MessagesTable").history(kept["reference"])) == 1
    assert [m["reference"] for m in stack.sent()] == [kept["reference"]]  # the local view forgets too
    from moto.sns.models import sns_backends

    assert len(sns_backends[local_pipeline.ACCOUNT][REGION].sms_messages) == 2  # nothing sent on the erasure
