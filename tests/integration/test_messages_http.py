"""Messages over HTTP against the local stack: what the person receives, in their language,
within 5 seconds, once; the manage link works; the daily run reminds the day before."""

import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.test_registration_http import open_days
from tests.support import LocalApi

pytestmark = pytest.mark.integration

_phones = iter(range(66_100_000, 66_200_000))
WITHIN_SECONDS = 5.0  # the contract's bound


def new_phone() -> str:
    """An E.164 Hong Kong mobile number nobody else in this session has used."""
    return f"+852{next(_phones)}"


def messages(api: LocalApi, to: str) -> list[dict[str, Any]]:
    answer = api.request("GET", f"/_local/messages?to={quote(to)}")
    assert answer.status == 200
    items: list[dict[str, Any]] = answer.body["items"]
    return items


def wait_for(api: LocalApi, to: str, done: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """Poll ``GET /_local/messages`` until ``done`` holds, failing after the contract's 5 s."""
    deadline = time.monotonic() + WITHIN_SECONDS
    while True:
        items = messages(api, to)
        if done(items):
            return items
        if time.monotonic() > deadline:
            tail = "".join([line for line in getattr(api, "log", []) if "/_local/" not in line][-12:])
            pytest.fail(f"after {WITHIN_SECONDS} s: {kinds(items)}\n{tail}")
        time.sleep(0.05)  # polling interval, not a timing assumption


def register(api: LocalApi, headers: dict[str, str] | None = None, **changes: Any) -> dict[str, Any]:
    body = {
        "name": "Chan Tai Man",
        "phone": new_phone(),
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": open_days(api, "causeway-bay")[0],
        "preferred_period": "evening",
        "agree_terms": True,
        "lang": "en",
    } | changes
    answer = api.request("POST", "/registrations", body, headers=headers)
    assert answer.status == 201, answer.body
    created: dict[str, Any] = body | answer.body
    return created


def kinds(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["channel"], item["kind"]) for item in items]


def test_a_registration_is_confirmed_by_sms_and_email_with_a_working_link(local_stack: LocalApi) -> None:
    created = register(local_stack, email="chan.confirm@example.com")
    sms = wait_for(local_stack, created["phone"], lambda items: len(items) == 1)[0]
    email = wait_for(local_stack, "chan.confirm@example.com", lambda items: len(items) == 1)[0]
    for message in (sms, email):
        assert (message["kind"], message["lang"], message["reference"]) == ("confirmation", "en", created["reference"])
        assert "Acne Treatment" in message["text"]
        assert "Causeway Bay" in message["text"]
        assert "evening" in message["text"]
        assert str(date.fromisoformat(created["preferred_date"]).year) in message["text"]
    assert (sms["channel"], email["channel"]) == ("sms", "email")
    fragment = sms["text"].split("#clinic-manage=", 1)[1].split(maxsplit=1)[0]
    assert sms["text"].split("#clinic-manage=", 1)[0].endswith(f"{local_stack.base_url}/")
    reference, token = fragment.split(".", 1)
    opened = local_stack.request("GET", f"/registrations/{reference}", headers={"X-Manage-Token": token})
    assert opened.status == 200
    assert opened.body["reference"] == created["reference"]


def test_in_chinese_and_without_email_only_an_sms_in_chinese(local_stack: LocalApi) -> None:
    created = register(local_stack, lang="zh-HK")
    (sms,) = wait_for(local_stack, created["phone"], lambda items: len(items) == 1)
    assert (sms["channel"], sms["lang"]) == ("sms", "zh-HK")
    assert "銅鑼灣" in sms["text"]
    assert "晚上" in sms["text"]
    assert f"{local_stack.base_url}/zh-HK/#clinic-manage={created['reference']}." in sms["text"]


def test_a_keyed_replay_sends_no_second_message(local_stack: LocalApi) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = register(local_stack, headers=key, phone=new_phone())
    fields = {k: first[k] for k in ("name", "phone", "preferred_date")}
    replay = register(local_stack, headers=key, **fields)
    assert replay["reference"] == first["reference"]
    wait_for(local_stack, first["phone"], lambda items: len(items) == 1)
    # A later registration's confirmation proves the pipeline went past the replay.
    later = register(local_stack)
    wait_for(local_stack, later["phone"], lambda items: len(items) == 1)
    assert kinds(messages(local_stack, first["phone"])) == [("sms", "confirmation")]


@pytest.mark.parametrize("lang", ["en", "zh-HK"])
def test_a_cancellation_sends_a_notice(local_stack: LocalApi, lang: str) -> None:
    created = register(local_stack, lang=lang)
    wait_for(local_stack, created["phone"], lambda items: len(items) == 1)
    cancelled = local_stack.request(
        "POST", f"/registrations/{created['reference']}/cancel", headers={"X-Manage-Token": created["manage_token"]}
    )
    assert cancelled.status == 200
    items = wait_for(local_stack, created["phone"], lambda items: len(items) == 2)
    assert kinds(items) == [("sms", "confirmation"), ("sms", "cancellation")]
    assert items[1]["lang"] == lang
    assert ("is cancelled" if lang == "en" else "已取消") in items[1]["text"]


@pytest.mark.parametrize("lang", ["en", "zh-HK"])
def test_the_clock_the_day_before_sends_a_reminder_once(local_stack: LocalApi, lang: str) -> None:
    day = open_days(local_stack, "causeway-bay")[3 if lang == "en" else 4]
    created = register(local_stack, lang=lang, preferred_date=day, email=f"reminder.{lang.lower()}@example.com")
    wait_for(local_stack, created["phone"], lambda items: len(items) == 1)
    day_before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    two_days_before = (date.fromisoformat(day) - timedelta(days=2)).isoformat()

    assert local_stack.request("POST", "/_local/clock", {"date": two_days_before}).status == 200
    run = local_stack.request("POST", "/_local/clock", {"date": day_before})
    assert run.status == 200
    assert run.body["reminder_date"] == day
    again = local_stack.request("POST", "/_local/clock", {"date": day_before})
    assert again.status == 200

    items = messages(local_stack, created["phone"])  # the clock answers after the run
    assert kinds(items) == [("sms", "confirmation"), ("sms", "reminder")]
    assert items[1]["lang"] == lang
    assert ("tomorrow" if lang == "en" else "明天") in items[1]["text"]
    assert f"#clinic-manage={created['reference']}." in items[1]["text"]
    assert kinds(messages(local_stack, created["email"])) == [("email", "confirmation"), ("email", "reminder")]


def test_the_local_routes_refuse_what_they_do_not_serve(local_stack: LocalApi) -> None:
    assert local_stack.request("POST", "/_local/clock", {"date": "tomorrow"}).status == 422
    assert local_stack.request("GET", "/_local/clock").status == 405
    assert local_stack.request("POST", "/_local/messages", {}).status == 405
