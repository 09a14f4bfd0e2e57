"""The registration function under moto: every case of the contract, faults and privacy."""

import io
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import ModuleType
from typing import Any
from unittest.mock import patch

import pytest

from clinic.aws import dynamodb
from clinic.registration import REFERENCE_PATTERN, today_in_hong_kong
from tests.support import Answer, call, client_error, dynamodb_calls, load_function

TABLE = "RegistrationsTable"


def open_day(offset: int = 7, branch_closed: tuple[int, ...] = (6,)) -> str:
    """An ordinary weekday inside the booking window (no Sunday, no public holiday)."""
    from clinic.registration import booking_window, public_holidays
    from clinic.settings import settings

    today = today_in_hong_kong()
    holidays = public_holidays(booking_window(today, settings()))
    day = today + timedelta(days=offset)
    while day.weekday() in branch_closed or day in holidays:
        day += timedelta(days=1)
    return day.isoformat()


def form(**changes: Any) -> dict[str, Any]:
    base = {
        "name": "Chan Tai Man",
        "phone": "+852 9123 4567",
        "email": "tm.chan@example.com",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": open_day(),
        "preferred_period": "afternoon",
        "agree_terms": True,
        "marketing_consent": False,
        "lang": "en",
        "source": {
            "page_url": "https://www.example-clinic.hk/blog/pores",
            "utm_source": "facebook",
        },
        "website": "",
    }
    return base | changes


def items(prefix: str) -> list[dict[str, Any]]:
    scanned = dynamodb().scan(TableName=TABLE)["Items"]
    return [item for item in scanned if item["pk"]["S"].startswith(prefix)]


@pytest.fixture
def registration(aws: None) -> Iterator[ModuleType]:
    module = load_function("RegistrationFunction")
    call(module, "GET", "/registration-options")  # warm: content loaded
    return module


def register(module: ModuleType, headers: dict[str, str] | None = None, **changes: Any) -> Answer:
    return call(module, "POST", "/registrations", body=form(**changes), headers=headers)


def manage(module: ModuleType, created: dict[str, Any]) -> Answer:
    """The manage page of a registration, opened with the token its answer gave."""
    return call(
        module, "GET", f"/registrations/{created['reference']}", headers={"X-Manage-Token": created["manage_token"]}
    )


# --- options ------------------------------------------------------------------------------


def test_options_follow_hong_kong_today_and_the_defaults(registration: ModuleType) -> None:
    answer = call(
        registration,
        "GET",
        "/registration-options",
        query={"treatment": "acne-treatment", "lang": "en"},
    )
    assert answer.status == 200
    today = today_in_hong_kong()
    assert answer.body["min_date"] == (today + timedelta(days=1)).isoformat()
    assert answer.body["max_date"] == (today + timedelta(days=60)).isoformat()
    assert answer.body["treatment"]["id"] == "acne-treatment"
    assert answer.body["periods"] == ["morning", "afternoon", "evening"]
    assert all(answer.body["min_date"] <= day <= answer.body["max_date"] for day in answer.body["closed_dates"])
    branches = {b["id"]: b for b in answer.body["branches"]}
    assert branches["causeway-bay"]["daily_capacity"] == 20
    assert branches["central"]["closed_weekdays"] == [6]
    assert answer.body["full_dates"] == []
    assert set(answer.body["consent"]) >= {
        "version",
        "terms_url",
        "privacy_url",
        "collection_statement",
        "marketing_statement",
    }


def test_options_speak_chinese_and_refuse_a_treatment_without_a_trial(
    registration: ModuleType,
) -> None:
    chinese = call(registration, "GET", "/registration-options", query={"lang": "zh-HK"})
    assert (
        chinese.body["treatment"]["name"]
        != call(registration, "GET", "/registration-options").body["treatment"]["name"]
    )
    refused = call(registration, "GET", "/registration-options", query={"treatment": "aha-peel"})
    assert refused.status == 422
    assert refused.field_codes() == {"treatment": "TREATMENT_NOT_OFFERED"}


# --- creating -----------------------------------------------------------------------------


def test_a_registration_is_created_once_with_a_consent_record(registration: ModuleType) -> None:
    answer = register(registration, marketing_consent=True, lang="zh-HK")
    assert answer.status == 201
    assert REFERENCE_PATTERN.match(answer.body["reference"])
    assert answer.body["status"] == "pending_confirmation"
    assert answer.body["preferred_period"] == "afternoon"
    assert len(answer.body["manage_token"]) >= 32
    [stored] = items("REG#")
    doc = stored["doc"]["S"]
    assert '"phone":"+85291234567"' in doc
    assert '"version":"' in doc
    assert '"marketing_consent":true' in doc
    assert '"lang":"zh-HK"' in doc
    assert answer.body["manage_token"] not in doc  # only its hash is stored
    assert int(stored["expires_at"]["N"]) > 0


def test_a_keyed_retry_gets_the_stored_answer_with_a_working_token(registration: ModuleType) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = register(registration, headers=key)
    again = register(registration, headers=key, phone="9123-4567")  # the same number, written differently
    assert first.status == again.status == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.body == first.body
    assert manage(registration, again.body).status == 200
    assert len(items("REG#")) == 1
    assert items("CAP#")[0]["taken"]["N"] == "1"


def test_a_lost_reply_costs_nothing_a_keyed_retry_returns_a_working_token(registration: ModuleType) -> None:
    from botocore.exceptions import ReadTimeoutError

    key = {"Idempotency-Key": str(uuid.uuid4())}
    lost = ReadTimeoutError(endpoint_url="http://dynamodb")
    # Given DynamoDB commits the transaction but its reply never arrives
    with dynamodb_calls(lose_reply=lambda operation: lost if operation == "TransactWriteItems" else None):
        first = register(registration, headers=key)
    assert first.status == 503
    assert len(items("REG#")) == 1  # stored all the same
    # When the widget retries with the same key
    retry = register(registration, headers=key)
    # Then the person gets the booking and a token that manages it
    assert retry.status == 201
    assert retry.body["reference"] == items("REG#")[0]["pk"]["S"].removeprefix("REG#")
    assert manage(registration, retry.body).status == 200
    cancel = call(
        registration,
        "POST",
        f"/registrations/{retry.body['reference']}/cancel",
        headers={"X-Manage-Token": retry.body["manage_token"]},
    )
    assert cancel.status == 200


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(registration: ModuleType) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = register(registration, headers=key)
    other_day = register(registration, headers=key, preferred_date=open_day(9), lang="zh-HK")
    other_person = register(registration, headers=key, phone="6123 4567", name="Wong Siu Ming")
    for refused in (other_day, other_person):
        assert refused.status == 422
        assert refused.error_code() == "IDEMPOTENCY_KEY_REUSED"
        assert first.body["reference"] not in json.dumps(refused.body)
    assert "Idempotency-Key" in other_day.field_codes()
    malformed = register(registration, headers={"Idempotency-Key": "with spaces"})
    assert malformed.field_codes() == {"Idempotency-Key": "INVALID_VALUE"}
    assert len(items("REG#")) == 1
    assert len(items("TRIAL#")) == 1


def test_a_key_is_forgotten_after_its_configured_time(registration: ModuleType) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    register(registration, headers=key)
    [stored_key] = items("IDEM#")
    assert int(stored_key["expires_at"]["N"]) - time.time() == pytest.approx(24 * 3600, abs=60)
    # Given the key has expired (DynamoDB's TTL may not have deleted it yet)
    dynamodb().update_item(
        TableName=TABLE,
        Key={"pk": stored_key["pk"], "sk": stored_key["sk"]},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    late = register(registration, headers=key)
    assert late.status == 409
    assert late.error_code() == "ALREADY_REGISTERED"


def test_a_phone_number_reveals_nothing_of_its_booking(registration: ModuleType) -> None:
    booked = register(registration, headers={"Idempotency-Key": str(uuid.uuid4())}).body
    branches = [b["id"] for b in call(registration, "GET", "/registration-options").body["branches"]]
    answers = []
    # A stranger who knows the phone number tries every branch, date and period
    for branch in branches:
        for offset in (6, 7, 8):
            for period in ("morning", "afternoon", "evening", None):
                for key in ({}, {"Idempotency-Key": str(uuid.uuid4())}):
                    answers.append(
                        register(
                            registration,
                            headers=key,
                            name="Somebody Else",
                            email=None,
                            branch=branch,
                            preferred_date=open_day(offset, branch_closed=(5, 6)),
                            preferred_period=period,
                        )
                    )
    assert {a.status for a in answers} == {409}
    assert {json.dumps(a.body, sort_keys=True) for a in answers} == {json.dumps(answers[0].body, sort_keys=True)}
    assert booked["reference"] not in json.dumps(answers[0].body)
    assert answers[0].error_code() == "ALREADY_REGISTERED"
    assert len(items("REG#")) == 1


def test_a_different_registration_for_the_same_person_is_409(registration: ModuleType) -> None:
    register(registration)
    other = register(registration, branch="mong-kok", lang="zh-HK")
    assert other.status == 409
    assert other.error_code() == "ALREADY_REGISTERED"
    assert "已登記" in other.body["error"]["message"]


def test_a_full_day_is_409_and_never_overbooked(registration: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic.settings import settings

    monkeypatch.setenv("DAILY_CAPACITY", "2")
    settings.cache_clear()
    registration = load_function("RegistrationFunction")  # settings are read at cold start
    day = open_day(10)
    answers = [register(registration, phone=f"6500 000{n}", preferred_date=day) for n in range(4)]
    assert [a.status for a in answers] == [201, 201, 409, 409]
    assert answers[2].error_code() == "DATE_FULL"
    [capacity] = items("CAP#")
    assert capacity["taken"]["N"] == "2"
    options = call(registration, "GET", "/registration-options").body
    assert day in {b["id"]: b for b in options["branches"]}["causeway-bay"]["full_dates"]
    assert day not in options["full_dates"]  # other branches still have room


def test_the_honeypot_looks_like_success_but_stores_nothing(registration: ModuleType) -> None:
    answer = register(registration, website="http://cheap-pills.example")
    assert answer.status == 201
    assert REFERENCE_PATTERN.match(answer.body["reference"])
    assert items("REG#") == []
    assert items("TRIAL#") == []


def test_a_recommendation_id_must_exist(registration: ModuleType) -> None:
    unknown = register(registration, recommendation_id="rec-" + "a" * 20)
    assert unknown.field_codes() == {"recommendation_id": "RECOMMENDATION_NOT_FOUND"}
    dynamodb().put_item(
        TableName="RecommendationsTable",
        Item={"pk": {"S": "rec-" + "b" * 20}, "expires_at": {"N": "9999999999"}},
    )
    assert register(registration, recommendation_id="rec-" + "b" * 20).status == 201


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"phone": "2123 4567"}, "phone", "PHONE_NOT_HK_MOBILE"),
        ({"preferred_date": today_in_hong_kong().isoformat()}, "preferred_date", "DATE_TOO_EARLY"),
        (
            {"preferred_date": (today_in_hong_kong() + timedelta(days=61)).isoformat()},
            "preferred_date",
            "DATE_TOO_LATE",
        ),
        ({"branch": "central", "preferred_date": "SUNDAY"}, "preferred_date", "DATE_CLOSED"),
        ({"agree_terms": False}, "agree_terms", "TERMS_NOT_ACCEPTED"),
        ({"name": None}, "name", "INVALID_TYPE"),
        ({"branch": "atlantis"}, "branch", "UNKNOWN_BRANCH"),
        ({"treatment": "carbon-laser"}, "treatment", "TREATMENT_NOT_OFFERED"),
        ({"email": "chan@"}, "email", "EMAIL_INVALID"),
        ({"preferred_date": "03/12/2026"}, "preferred_date", "INVALID_DATE"),
        ({"preferred_period": "night"}, "preferred_period", "INVALID_CHOICE"),
        ({"source": {"page_url": "ftp://x"}}, "source.page_url", "URL_INVALID"),
        ({"hkid": "A1234567"}, "hkid", "UNKNOWN_FIELD"),
    ],
)
def test_each_rule_gives_a_field_level_422(
    registration: ModuleType, changes: dict[str, Any], field: str, code: str
) -> None:
    if changes.get("preferred_date") == "SUNDAY":
        day = today_in_hong_kong() + timedelta(days=8)
        changes["preferred_date"] = (day + timedelta(days=6 - day.weekday())).isoformat()
    answer = register(registration, **changes)
    assert answer.status == 422
    assert answer.error_code() == "VALIDATION_FAILED"
    assert answer.field_codes() == {field: code}
    assert items("REG#") == []


def test_missing_fields_are_each_named_in_the_callers_language(registration: ModuleType) -> None:
    answer = call(registration, "POST", "/registrations", body={"lang": "zh-HK"})
    assert answer.status == 422
    assert set(answer.field_codes()) == {
        "name",
        "phone",
        "treatment",
        "branch",
        "preferred_date",
        "agree_terms",
    }
    assert set(answer.field_codes().values()) == {"REQUIRED"}
    assert all(field["message"] == "此欄必須填寫。" for field in answer.body["error"]["fields"])


def test_the_too_early_message_is_the_forms_own(registration: ModuleType) -> None:
    answer = register(registration, preferred_date=today_in_hong_kong().isoformat())
    assert answer.body["error"]["fields"][0]["message"].startswith("Date should not be before minimal date")


# --- manage and cancel ----------------------------------------------------------------------


def test_the_manage_page_masks_contact_details(registration: ModuleType) -> None:
    created = register(registration).body
    found = call(
        registration,
        "GET",
        f"/registrations/{created['reference']}",
        headers={"X-Manage-Token": created["manage_token"]},
    )
    assert found.status == 200
    assert found.body["phone"] == "+852 ****-**67"
    assert found.body["email"] == "t******@example.com"
    assert found.body["status"] == "pending_confirmation"
    assert found.body["treatment"]["id"] == "acne-treatment"


def test_a_wrong_token_and_an_unknown_reference_look_the_same(registration: ModuleType) -> None:
    created = register(registration).body
    wrong = call(
        registration,
        "GET",
        f"/registrations/{created['reference']}",
        headers={"X-Manage-Token": "guess"},
    )
    missing_token = call(registration, "GET", f"/registrations/{created['reference']}")
    unknown = call(
        registration,
        "GET",
        "/registrations/PM-0000-0000",
        headers={"X-Manage-Token": created["manage_token"]},
    )
    assert wrong.status == missing_token.status == unknown.status == 404
    assert wrong.body == missing_token.body == unknown.body
    cancel = call(
        registration,
        "POST",
        f"/registrations/{created['reference']}/cancel",
        headers={"X-Manage-Token": "x"},
    )
    assert cancel.status == 404
    assert items("TRIAL#")


def test_cancelling_frees_the_place_and_the_trial(registration: ModuleType) -> None:
    created = register(registration).body
    token = {"X-Manage-Token": created["manage_token"]}
    cancelled = call(registration, "POST", f"/registrations/{created['reference']}/cancel", headers=token)
    assert cancelled.status == 200
    assert cancelled.body == {"reference": created["reference"], "status": "cancelled"}
    assert items("TRIAL#") == []
    assert items("CAP#")[0]["taken"]["N"] == "0"
    again = call(registration, "POST", f"/registrations/{created['reference']}/cancel", headers=token)
    assert again.status == 200  # idempotent
    assert items("CAP#")[0]["taken"]["N"] == "0"
    assert (
        call(registration, "GET", f"/registrations/{created['reference']}", headers=token).body["status"] == "cancelled"
    )
    assert register(registration, branch="mong-kok").status == 201  # the person may book again


def test_a_wrong_method_on_a_registration_path_is_405(registration: ModuleType) -> None:
    answer = call(registration, "GET", "/registrations")
    assert answer.status == 405
    assert answer.headers["allow"] == "POST"


# --- round trips, faults, privacy ------------------------------------------------------------


def count_calls(send: Callable[[], Answer]) -> tuple[Answer, list[str]]:
    with dynamodb_calls() as operations:
        answer = send()
    return answer, operations


def test_dynamodb_round_trips(registration: ModuleType) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    created, new_calls = count_calls(lambda: register(registration, headers=key))
    _, replay_calls = count_calls(lambda: register(registration, headers=key))
    _, duplicate_calls = count_calls(lambda: register(registration, branch="mong-kok"))
    _, options_calls = count_calls(lambda: call(registration, "GET", "/registration-options"))
    token = {"X-Manage-Token": created.body["manage_token"]}
    _, cancel_calls = count_calls(
        lambda: call(
            registration,
            "POST",
            f"/registrations/{created.body['reference']}/cancel",
            headers=token,
        ),
    )
    assert new_calls == ["TransactWriteItems"]
    assert replay_calls == duplicate_calls == ["TransactWriteItems"]
    assert cancel_calls == ["GetItem", "TransactWriteItems"]
    assert options_calls == ["Query"]  # every branch's full dates: one partition (content cached)


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_storage_faults_are_503_with_retry_after_and_nothing_half_written(registration: ModuleType, code: str) -> None:
    fault = client_error(code, "TransactWriteItems")
    with dynamodb_calls(fail=lambda operation: fault if operation == "TransactWriteItems" else None):
        answer = register(registration)
    assert answer.status == 503
    assert answer.headers["retry-after"] == "2"
    assert items("REG#") == items("TRIAL#") == items("CAP#") == []
    assert register(registration).status == 201  # and the person can simply try again


def test_a_lost_connection_is_503(registration: ModuleType) -> None:
    from botocore.exceptions import EndpointConnectionError

    with dynamodb_calls(fail=lambda _: EndpointConnectionError(endpoint_url="http://x")):
        answer = call(registration, "GET", "/registrations/PM-0000-0000", headers={"X-Manage-Token": "t"})
    assert answer.status == 503


def test_no_personal_data_in_any_log_line(registration: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    log = io.StringIO()
    registration.logger.registered_handler.setStream(log)
    capsys.readouterr()
    created = register(registration, name="Chan Tai Man", phone="9876 5432", email="secret.person@example.com").body
    register(registration, name="Chan Tai Man", phone="+852 9876 5432", email="secret.person@example.com")
    register(registration, name="Chan Tai Man", phone="98765432", branch="mong-kok")
    register(registration, name="Chan Tai Man", phone="2876 5432")
    token = {"X-Manage-Token": created["manage_token"]}
    call(registration, "GET", f"/registrations/{created['reference']}", headers=token)
    call(registration, "POST", f"/registrations/{created['reference']}/cancel", headers=token)
    with patch.object(registration, "registration_problems", side_effect=RuntimeError("Chan Tai Man 98765432")):
        assert register(registration, phone="9876 5432").status == 500
    out = capsys.readouterr()
    logs = log.getvalue() + out.out + out.err
    assert created["reference"] in logs  # the flow was logged…
    for secret in (
        "Chan Tai Man",
        "98765432",
        "9876 5432",
        "+85298765432",
        "secret.person",
        "2876 5432",
        created["manage_token"],
    ):
        assert secret not in logs  # …without anything personal


# --- consent ----------------------------------------------------------------------------------


def ledger() -> list[dict[str, Any]]:
    """The consent ledger's entries, oldest first."""
    return sorted((json.loads(i["doc"]["S"]) | {"sk": i["sk"]["S"]} for i in items("CONSENT#")), key=lambda e: e["sk"])


def test_registering_writes_the_consent_ledger_in_the_same_round_trip(registration: ModuleType) -> None:
    created, calls = count_calls(lambda: register(registration, marketing_consent=True))
    assert calls == ["TransactWriteItems"]
    [entry] = ledger()
    assert entry["event"] == "registered"
    assert entry["terms_accepted"] is True
    assert entry["marketing_consent"] is True
    assert entry["reference"] == created.body["reference"]
    assert "+85291234567" not in json.dumps(items("CONSENT#"))  # the person is a hash there


def test_the_person_withdraws_marketing_consent_at_once(registration: ModuleType) -> None:
    created = register(registration, marketing_consent=True).body
    token = {"X-Manage-Token": created["manage_token"]}
    path = f"/registrations/{created['reference']}/marketing-opt-out"
    assert call(registration, "POST", path, headers={"X-Manage-Token": "wrong"}).status == 404
    withdrawn = call(registration, "POST", path, headers=token)
    assert withdrawn.status == 200
    assert withdrawn.body == {"reference": created["reference"], "marketing_consent": False}
    assert manage(registration, created).body["marketing_consent"] is False
    assert call(registration, "POST", path, headers=token).status == 200  # once is enough
    assert [e["event"] for e in ledger()] == ["registered", "marketing_withdrawn"]
    [withdrawal] = [i for i in items("CONSENT#") if "marketing_withdrawn" in i["sk"]["S"]]
    assert "expires_at" not in withdrawal  # an opt-out is never forgotten
    assert json.loads(withdrawal["doc"]["S"])["channel"] == "manage_link"
