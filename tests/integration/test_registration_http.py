"""Registration over HTTP against the local stack: the contract's cases and the races."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from tests.support import Answer, LocalApi

pytestmark = pytest.mark.integration

_phones = iter(range(65_000_000, 66_000_000))


def new_phone() -> str:
    """A Hong Kong mobile number nobody else in this test session has used."""
    number = str(next(_phones))
    return f"+852 {number[:4]} {number[4:]}"


def options(api: LocalApi, lang: str = "en") -> dict[str, Any]:
    answer = api.request("GET", f"/registration-options?treatment=acne-treatment&lang={lang}")
    assert answer.status == 200
    body: dict[str, Any] = answer.body
    return body


def open_days(api: LocalApi, branch: str = "sha-tin") -> list[str]:
    """Bookable dates for a branch, latest first (so tests rarely share one)."""
    opts = options(api)
    closed = set(opts["closed_dates"])
    branch_info = next(b for b in opts["branches"] if b["id"] == branch)
    first, last = date.fromisoformat(opts["min_date"]), date.fromisoformat(opts["max_date"])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    usable = [d.isoformat() for d in days if d.weekday() not in branch_info["closed_weekdays"]]
    return [d for d in reversed(usable) if d not in closed and d not in branch_info["full_dates"]]


def body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "陳大文",
        "phone": new_phone(),
        "treatment": "acne-treatment",
        "branch": "sha-tin",
        "agree_terms": True,
        "lang": "zh-HK",
    } | changes


def register(api: LocalApi, payload: dict[str, Any], key: str | None = None) -> Answer:
    return api.request("POST", "/registrations", payload, headers={"Idempotency-Key": key} if key else None)


def test_register_replay_conflict_manage_and_cancel(local_stack: LocalApi) -> None:
    day = open_days(local_stack)[5]
    payload = body(preferred_date=day, preferred_period="morning", email="tai.man@example.com")
    key = str(uuid.uuid4())
    created = register(local_stack, payload, key)
    assert created.status == 201
    assert created.body["preferred_date"] == day
    replay = register(local_stack, payload, key)
    assert replay.status == 201
    assert replay.body == created.body
    for other_key in (None, str(uuid.uuid4())):
        conflict = register(local_stack, payload | {"preferred_period": "evening"}, other_key)
        assert conflict.status == 409
        assert conflict.error_code() == "ALREADY_REGISTERED"
        assert created.body["reference"] not in json.dumps(conflict.body)
    assert register(local_stack, payload | {"preferred_period": "evening"}, key).error_code() == (
        "IDEMPOTENCY_KEY_REUSED"
    )

    reference, token = created.body["reference"], created.body["manage_token"]
    view = local_stack.request("GET", f"/registrations/{reference}", headers={"X-Manage-Token": token})
    assert view.status == 200
    assert view.body["phone"].endswith(payload["phone"][-2:])
    assert "tai.man" not in view.body["email"]
    assert local_stack.request("GET", f"/registrations/{reference}", headers={"X-Manage-Token": "nope"}).status == 404
    assert local_stack.request("GET", f"/registrations/{reference}/cancel").status == 405
    cancelled = local_stack.request("POST", f"/registrations/{reference}/cancel", headers={"X-Manage-Token": token})
    assert cancelled.body == {"reference": reference, "status": "cancelled"}
    assert register(local_stack, payload | {"preferred_period": "evening"}).status == 201


def test_validation_errors_over_http_in_chinese(local_stack: LocalApi) -> None:
    opts = options(local_stack, "zh-HK")
    too_early = (date.fromisoformat(opts["min_date"]) - timedelta(days=1)).isoformat()
    answer = register(local_stack, body(phone="2123 4567", preferred_date=too_early, agree_terms=False))
    assert answer.status == 422
    assert answer.field_codes() == {
        "phone": "PHONE_NOT_HK_MOBILE",
        "preferred_date": "DATE_TOO_EARLY",
        "agree_terms": "TERMS_NOT_ACCEPTED",
    }
    assert answer.body["error"]["message"] == "部分資料需要修正。"
    too_late = (date.fromisoformat(opts["max_date"]) + timedelta(days=1)).isoformat()
    assert register(local_stack, body(preferred_date=too_late)).field_codes() == {"preferred_date": "DATE_TOO_LATE"}
    if opts["closed_dates"]:
        closed = register(local_stack, body(preferred_date=opts["closed_dates"][0]))
        assert closed.field_codes() == {"preferred_date": "DATE_CLOSED"}


def test_malformed_and_oversized_bodies(local_stack: LocalApi) -> None:
    malformed = local_stack.request(
        "POST", "/registrations", raw=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert malformed.status == 400
    assert malformed.error_code() == "MALFORMED_JSON"
    huge = local_stack.request("POST", "/registrations", body(name="A" * 20000))
    assert huge.status == 413


def test_the_honeypot_over_http(local_stack: LocalApi) -> None:
    day = open_days(local_stack)[8]
    before = options(local_stack)
    assert register(local_stack, body(preferred_date=day, website="x")).status == 201
    assert options(local_stack) == before  # nothing was taken


@pytest.mark.parametrize("round_", range(3))
def test_sixty_concurrent_registrations_never_exceed_the_last_places(local_stack: LocalApi, round_: int) -> None:
    day = open_days(local_stack, "tsim-sha-tsui")[10 + round_]
    capacity = next(b for b in options(local_stack)["branches"] if b["id"] == "tsim-sha-tsui")["daily_capacity"]
    places_left = 5
    for _ in range(capacity - places_left):
        assert register(local_stack, body(branch="tsim-sha-tsui", preferred_date=day)).status == 201
    payloads = [body(branch="tsim-sha-tsui", preferred_date=day) for _ in range(60)]
    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda p: register(local_stack, p), payloads))
    statuses = [a.status for a in answers]
    assert statuses.count(201) == places_left
    assert statuses.count(409) == 60 - places_left
    assert {a.error_code() for a in answers if a.status == 409} == {"DATE_FULL"}
    branch = next(b for b in options(local_stack)["branches"] if b["id"] == "tsim-sha-tsui")
    assert day in branch["full_dates"]


def test_concurrent_keyed_retries_make_one_registration_with_one_token(local_stack: LocalApi) -> None:
    payload = body(branch="mong-kok", preferred_date=open_days(local_stack, "mong-kok")[3])
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: register(local_stack, payload, key), range(20)))
    assert [a.status for a in answers] == [201] * 20
    assert len({(a.body["reference"], a.body["manage_token"]) for a in answers}) == 1
    reference, token = answers[0].body["reference"], answers[0].body["manage_token"]
    assert local_stack.request("GET", f"/registrations/{reference}", headers={"X-Manage-Token": token}).status == 200


def test_concurrent_unkeyed_duplicates_make_one_registration_and_learn_nothing(local_stack: LocalApi) -> None:
    payload = body(branch="mong-kok", preferred_date=open_days(local_stack, "mong-kok")[4])
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: register(local_stack, payload), range(20)))
    assert sorted(a.status for a in answers) == [201] + [409] * 19
    reference = next(a.body["reference"] for a in answers if a.status == 201)
    assert not [a for a in answers if a.status == 409 and reference in json.dumps(a.body)]
