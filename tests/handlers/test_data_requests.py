"""Personal-data requests (PDPO) under moto: access, correction, erasure and opt-out, by
managers only, recorded without personal data, and nothing personal in the logs."""

import io
import json
from types import ModuleType
from typing import Any

import pytest

from clinic.aws import dynamodb
from tests.handlers.test_staff_handler import CAUSEWAY, MANAGER, listing, open_day, table_items
from tests.support import Answer, call, load_function

PHONE = "+852 9456 7812"
E164 = "+85294567812"
OILY = {
    "skin_type": "oily",
    "concerns": ["enlarged_pores", "blackheads"],
    "pore_shape": "round",
    "age_range": "25_34",
    "precautions": ["pregnant_or_breastfeeding"],
}


@pytest.fixture
def functions(aws: None) -> dict[str, ModuleType]:
    return {name: load_function(f"{name}Function") for name in ("Registration", "Staff", "Recommendation")}


def request(staff: ModuleType, kind: str, phone: str = PHONE, claims: dict[str, str] = MANAGER, **extra: Any) -> Answer:
    return call(staff, "POST", "/staff/data-requests", body={"type": kind, "phone": phone, **extra}, claims=claims)


def a_person(functions: dict[str, ModuleType], **changes: Any) -> dict[str, Any]:
    """A registration linked to questionnaire answers (with a health precaution)."""
    rec_id = call(functions["Recommendation"], "POST", "/recommendations", body=OILY).body["recommendation_id"]
    body = {
        "name": "Chan Tai Man",
        "phone": PHONE,
        "email": "tm.chan@example.com",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": open_day(),
        "agree_terms": True,
        "marketing_consent": True,
        "recommendation_id": rec_id,
    } | changes
    answer = call(functions["Registration"], "POST", "/registrations", body=body)
    assert answer.status == 201, answer.body
    created: dict[str, Any] = answer.body
    return created | {"recommendation_id": rec_id}


def test_only_managers_make_data_requests(functions: dict[str, ModuleType]) -> None:
    assert request(functions["Staff"], "access", claims=CAUSEWAY).status == 403
    assert (
        call(functions["Staff"], "POST", "/staff/data-requests", body={"type": "access", "phone": PHONE}).status == 401
    )


def test_access_returns_everything_held_about_the_phone(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    answer = request(functions["Staff"], "access", phone="9456-7812")  # any writing of the number
    assert answer.status == 200
    assert answer.body["type"] == "access"
    assert answer.body["subject"] == {"phone": E164}
    data = answer.body["data"]
    [registration] = data["registrations"]
    assert registration["reference"] == person["reference"]
    assert registration["name"] == "Chan Tai Man"
    assert registration["consent"]["marketing_consent"] is True
    assert "manage_token_hash" not in registration
    [recommendation] = data["recommendations"]
    assert "pregnant_or_breastfeeding" in recommendation["answers"]
    assert [c["event"] for c in data["consents"]] == ["registered"]
    assert request(functions["Staff"], "access", phone="6123 4567").body["data"]["registrations"] == []


def test_correction_changes_name_and_email_on_active_registrations(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    corrected = request(functions["Staff"], "correction", changes={"name": "Chan Siu Man", "email": "new@example.com"})
    assert corrected.status == 200
    assert corrected.body["corrected"] == {"registrations": 1}
    detail = call(functions["Staff"], "GET", f"/staff/registrations/{person['reference']}", claims=MANAGER).body
    assert (detail["name"], detail["email"]) == ("Chan Siu Man", "new@example.com")
    missing = request(functions["Staff"], "correction")
    assert missing.status == 422
    assert missing.field_codes() == {"changes": "CHANGES_REQUIRED"}
    bad = request(functions["Staff"], "correction", changes={"name": "1234", "phone": "x"})
    assert bad.status == 422


def test_erasure_reaches_every_table_and_the_phone_may_register_again(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    call(
        functions["Staff"],
        "POST",
        f"/staff/registrations/{person['reference']}/status",
        body={"status": "confirmed"},
        claims=MANAGER,
    )
    erased = request(functions["Staff"], "erasure")
    assert erased.status == 200
    assert erased.body["erased"] == {"registrations": 1, "history": 1, "recommendations": 1, "consents": 1}
    assert "subject" not in erased.body or erased.body["subject"] is None
    # Nothing personal is left in any table; the place and the trial are free again.
    everything = json.dumps(
        [
            dynamodb().scan(TableName=table)["Items"]
            for table in ("RegistrationsTable", "RecommendationsTable", "AuditTable")
        ]
    )
    for personal in ("Chan Tai Man", E164, "tm.chan@example.com", person["recommendation_id"], "pregnant"):
        assert personal not in everything
    assert table_items("RegistrationsTable", "TRIAL#") == []
    assert table_items("RegistrationsTable", "CONSENT#") == []
    assert all(item["taken"]["N"] == "0" for item in table_items("RegistrationsTable", "CAP#"))
    assert request(functions["Staff"], "access").body["data"]["registrations"] == []
    day_list = listing(functions["Staff"], MANAGER, branch="causeway-bay", date=open_day()).body["items"]
    assert person["reference"] not in json.dumps(day_list)
    assert a_person(functions)["reference"] != person["reference"]  # registers again
    # The anonymised record of the request remains.
    [record] = [item for item in table_items("AuditTable", "DATA_REQUESTS") if item["type"]["S"] == "erasure"]
    assert record["by"]["S"] == "manager"
    assert "received_at" in record
    assert "completed_at" in record


def test_marketing_opt_out_is_recorded_even_without_a_registration(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    answer = request(functions["Staff"], "marketing_opt_out")
    assert answer.status == 200
    assert answer.body["withdrawn"] == {"registrations": 1}
    detail = call(functions["Staff"], "GET", f"/staff/registrations/{person['reference']}", claims=MANAGER).body
    assert detail["marketing_consent"] is False
    consents = request(functions["Staff"], "access").body["data"]["consents"]
    assert [(c["event"], c["channel"]) for c in consents] == [
        ("registered", "web"),
        ("marketing_withdrawn", "staff:manager"),
    ]
    stranger = request(functions["Staff"], "marketing_opt_out", phone="6234 5678")
    assert stranger.body["withdrawn"] == {"registrations": 0}
    assert len(table_items("RegistrationsTable", "CONSENT#")) == 3


def test_every_request_is_recorded_with_its_dates_and_no_personal_data(functions: dict[str, ModuleType]) -> None:
    a_person(functions)
    for kind in ("access", "marketing_opt_out", "erasure"):
        assert request(functions["Staff"], kind).status == 200
    records = table_items("AuditTable", "DATA_REQUESTS")
    assert sorted(item["type"]["S"] for item in records) == ["access", "erasure", "marketing_opt_out"]
    assert all(int(item["expires_at"]["N"]) > 0 for item in records)
    assert E164 not in json.dumps(records)
    assert "Chan" not in json.dumps(records)


def test_no_personal_data_reaches_the_logs(
    functions: dict[str, ModuleType], capsys: pytest.CaptureFixture[str]
) -> None:
    log = io.StringIO()
    functions["Staff"].logger.registered_handler.setStream(log)
    a_person(functions)
    capsys.readouterr()
    for kind in ("access", "correction", "marketing_opt_out", "erasure"):
        extra: dict[str, Any] = {"changes": {"email": "other@example.com"}} if kind == "correction" else {}
        assert request(functions["Staff"], kind, **extra).status == 200
    out = capsys.readouterr()
    logs = log.getvalue() + out.out + out.err
    assert "data request carried out" in logs
    for personal in ("Chan Tai Man", E164, "9456", "tm.chan", "other@example.com"):
        assert personal not in logs


def test_staff_see_the_linked_health_precautions_to_advise_safely(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    path = f"/staff/registrations/{person['reference']}"
    detail = call(functions["Staff"], "GET", path, claims=CAUSEWAY).body
    [note] = detail["health_notes"]
    assert note["precaution"] == "pregnant_or_breastfeeding"
    assert "aha-peel" in note["rules_out"]
    assert "fruit-vegetable-infusion" not in note["rules_out"]
    listed = listing(functions["Staff"], CAUSEWAY, date=open_day()).body["items"]
    assert all("health_notes" not in item for item in listed)  # only on the one registration's page
    without = call(
        functions["Staff"],
        "GET",
        f"/staff/registrations/{a_person(functions, phone='6345 6789', recommendation_id=None)['reference']}",
        claims=MANAGER,
    )
    assert without.body["health_notes"] == []


def test_erasing_someone_whose_trial_was_used_frees_their_number(functions: dict[str, ModuleType]) -> None:
    person = a_person(functions)
    for status in ("confirmed", "attended"):
        moved = call(
            functions["Staff"],
            "POST",
            f"/staff/registrations/{person['reference']}/status",
            body={"status": status},
            claims=MANAGER,
        )
        assert moved.status == 200
    assert request(functions["Staff"], "erasure").body["erased"]["registrations"] == 1
    assert table_items("RegistrationsTable", "TRIAL#") == []
    assert a_person(functions)["reference"] != person["reference"]  # may register again
