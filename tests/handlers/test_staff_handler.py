"""The staff function under moto: every route, both roles, every transition, the race, the
branch rules, pagination, the export and the audit trail."""

import csv
import io
from datetime import timedelta
from types import ModuleType
from typing import Any
from unittest.mock import patch

import pytest

from clinic.aws import dynamodb
from clinic.registration import today_in_hong_kong
from clinic.staff.transitions import STATUSES, TRANSITIONS
from tests.support import Answer, call, load_function

MANAGER = {"cognito:username": "manager", "cognito:groups": "managers", "token_use": "id"}
CAUSEWAY = {"cognito:username": "staff-causeway-bay", "cognito:groups": "branch-causeway-bay", "token_use": "id"}
NO_GROUP = {"cognito:username": "visitor", "token_use": "id"}
ROUTES = [
    ("GET", "/staff/registrations"),
    ("GET", "/staff/registrations/export"),
    ("GET", "/staff/registrations/PM-AAAA-BBBB"),
    ("POST", "/staff/registrations/PM-AAAA-BBBB/status"),
]
# How to reach each status from a new registration.
PATHS: dict[str, list[str]] = {
    "pending_confirmation": [],
    "confirmed": ["confirmed"],
    "attended": ["confirmed", "attended"],
    "converted": ["confirmed", "attended", "converted"],
    "no_show": ["confirmed", "no_show"],
    "cancelled": ["cancelled"],
}
_phones = iter(range(91_000_000, 92_000_000))


def open_day(offset: int = 7) -> str:
    """A weekday (no Sunday, no public holiday) inside the booking window."""
    from clinic.registration import booking_window, public_holidays
    from clinic.settings import settings

    today = today_in_hong_kong()
    holidays = public_holidays(booking_window(today, settings()))
    day = today + timedelta(days=offset)
    while day.weekday() == 6 or day in holidays:
        day += timedelta(days=1)
    return day.isoformat()


@pytest.fixture
def modules(aws: None) -> tuple[ModuleType, ModuleType]:
    return load_function("RegistrationFunction"), load_function("StaffFunction")


@pytest.fixture
def staff(modules: tuple[ModuleType, ModuleType]) -> ModuleType:
    return modules[1]


def register(modules: tuple[ModuleType, ModuleType], **changes: Any) -> dict[str, Any]:
    number = str(next(_phones))
    body = {
        "name": "陳大文",
        "phone": f"{number[:4]} {number[4:]}",
        "email": "tm.chan@example.com",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": open_day(),
        "preferred_period": "afternoon",
        "agree_terms": True,
        "lang": "zh-HK",
    } | changes
    answer = call(modules[0], "POST", "/registrations", body=body)
    assert answer.status == 201, answer.body
    created: dict[str, Any] = answer.body
    return created


def listing(staff: ModuleType, claims: dict[str, str], **query: str) -> Answer:
    return call(staff, "GET", "/staff/registrations", query=query, claims=claims)


def move(staff: ModuleType, reference: str, status: str, claims: dict[str, str] = MANAGER, **extra: Any) -> Answer:
    return call(
        staff, "POST", f"/staff/registrations/{reference}/status", body={"status": status, **extra}, claims=claims
    )


def table_items(table: str, prefix: str = "") -> list[dict[str, Any]]:
    found = dynamodb().scan(TableName=table)["Items"]  # test inspection only
    return [item for item in found if item["pk"]["S"].startswith(prefix)]


# --- who may call -------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_answers_401_without_the_authorizers_claims(staff: ModuleType, method: str, path: str) -> None:
    answer = call(staff, method, path, body={"status": "confirmed"} if method == "POST" else None)
    assert answer.status == 401
    assert answer.error_code() == "UNAUTHORIZED"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_answers_403_to_an_account_in_no_staff_group(staff: ModuleType, method: str, path: str) -> None:
    answer = call(staff, method, path, body={"status": "confirmed"} if method == "POST" else None, claims=NO_GROUP)
    assert answer.status == 403
    assert answer.error_code() == "FORBIDDEN"


def test_an_access_token_is_not_an_id_token(staff: ModuleType) -> None:
    answer = listing(staff, {**MANAGER, "token_use": "access"}, branch="causeway-bay")
    assert answer.status == 401


# --- listing ------------------------------------------------------------------------------


def test_branch_staff_see_their_own_branch_only(modules: tuple[ModuleType, ModuleType], staff: ModuleType) -> None:
    own = register(modules, branch="causeway-bay")
    other = register(modules, branch="sha-tin")
    mine = listing(staff, CAUSEWAY)
    assert mine.status == 200
    assert [item["reference"] for item in mine.body["items"]] == [own["reference"]]
    assert listing(staff, CAUSEWAY, branch="causeway-bay").body == mine.body
    refused = listing(staff, CAUSEWAY, branch="sha-tin")
    assert (refused.status, refused.error_code()) == (403, "FORBIDDEN")
    for method, path, body in [
        ("GET", f"/staff/registrations/{other['reference']}", None),
        ("POST", f"/staff/registrations/{other['reference']}/status", {"status": "confirmed"}),
    ]:
        assert call(staff, method, path, body=body, claims=CAUSEWAY).status == 403
    export = call(staff, "GET", "/staff/registrations/export", query={"branch": "sha-tin"}, claims=CAUSEWAY)
    assert export.status == 403
    # A search finds nothing of another branch, even by its exact reference.
    assert listing(staff, CAUSEWAY, q=other["reference"]).body["items"] == []


def test_a_manager_names_a_branch_and_sees_every_field_unmasked(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = register(modules, branch="sha-tin", email="Tai.Man@Example.com")
    assert listing(staff, MANAGER).field_codes() == {"branch": "BRANCH_REQUIRED"}
    assert listing(staff, MANAGER, branch="nowhere").field_codes() == {"branch": "INVALID_CHOICE"}
    [item] = listing(staff, MANAGER, branch="sha-tin").body["items"]
    assert set(item) >= {
        "reference", "status", "name", "phone", "email", "treatment", "branch", "preferred_date",
        "preferred_period", "created_at", "marketing_consent", "lang", "recommendation_id",
    }  # fmt: skip
    assert item["reference"] == created["reference"]
    assert item["phone"].startswith("+852")
    assert "*" not in item["phone"]
    assert item["name"] == "陳大文"
    assert item["status"] == "pending_confirmation"
    assert item["recommendation_id"] is None
    assert item["next_statuses"] == ["confirmed", "cancelled"]


def test_the_list_filters_by_day_and_status_and_sorts_by_day_then_creation(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    early, late = open_day(7), open_day(14)
    second_late = register(modules, preferred_date=late)
    first_early = register(modules, preferred_date=early)
    third_early = register(modules, preferred_date=early)
    everything = listing(staff, CAUSEWAY).body["items"]
    # Created within the same second here, so the two of the early day may come either way.
    assert {i["reference"] for i in everything[:2]} == {first_early["reference"], third_early["reference"]}
    assert everything[2]["reference"] == second_late["reference"]
    assert [i["created_at"] for i in everything[:2]] == sorted(i["created_at"] for i in everything[:2])
    day = listing(staff, CAUSEWAY, date=early).body["items"]
    assert [i["reference"] for i in day] == [i["reference"] for i in everything[:2]]
    assert move(staff, third_early["reference"], "confirmed").status == 200
    confirmed = listing(staff, CAUSEWAY, date=early, status="confirmed").body["items"]
    assert [i["reference"] for i in confirmed] == [third_early["reference"]]
    assert listing(staff, CAUSEWAY, status="finished").field_codes() == {"status": "INVALID_CHOICE"}


def test_find_by_reference_or_phone_in_any_writing(modules: tuple[ModuleType, ModuleType], staff: ModuleType) -> None:
    created = register(modules, phone="6123 4567")
    register(modules)  # someone else
    for q in ["+852 6123 4567", "61234567", "(852) 6123-4567", "00852 61234567", created["reference"].lower()]:
        found = listing(staff, MANAGER, q=q).body["items"]
        assert [item["reference"] for item in found] == [created["reference"]], q
    assert listing(staff, MANAGER, q="PM-ZZZZ-ZZZZ").body["items"] == []
    assert listing(staff, MANAGER, q="hello").field_codes() == {"q": "INVALID_SEARCH"}


def test_pages_follow_an_opaque_cursor_that_cannot_be_altered_or_reused_elsewhere(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = [register(modules)["reference"] for _ in range(5)]
    seen: list[str] = []
    order: list[tuple[str, str]] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = listing(staff, CAUSEWAY, **query).body
        seen += [item["reference"] for item in page["items"]]
        order += [(item["preferred_date"], item["created_at"]) for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert "causeway" not in cursor  # opaque: base64 and a signature
        assert "BRANCH" not in cursor
    assert sorted(seen) == sorted(created)  # each once
    assert order == sorted(order)
    assert pages == 3
    first = listing(staff, CAUSEWAY, limit="2").body["next_cursor"]
    tampered = first[:-2] + ("AA" if not first.endswith("AA") else "BB")
    assert listing(staff, CAUSEWAY, cursor=tampered).field_codes() == {"cursor": "INVALID_CURSOR"}
    assert listing(staff, MANAGER, branch="sha-tin", cursor=first).field_codes() == {"cursor": "INVALID_CURSOR"}
    assert listing(staff, CAUSEWAY, cursor="garbage").field_codes() == {"cursor": "INVALID_CURSOR"}


def test_a_list_never_scans_the_table(modules: tuple[ModuleType, ModuleType], staff: ModuleType) -> None:
    from tests.support import dynamodb_calls

    register(modules)
    with dynamodb_calls() as seen:
        assert listing(staff, CAUSEWAY, status="pending_confirmation").status == 200
    assert "Scan" not in seen
    assert seen.count("Query") == 1  # one page, one Query (the audit entry is a PutItem)


# --- one registration and its history ----------------------------------------------------


def test_one_registration_with_its_history(modules: tuple[ModuleType, ModuleType], staff: ModuleType) -> None:
    created = register(modules)
    ref = created["reference"]
    assert move(staff, ref, "confirmed", CAUSEWAY, note="Called, coming at 3 pm").status == 200
    assert move(staff, ref, "attended", MANAGER).status == 200
    detail = call(staff, "GET", f"/staff/registrations/{ref}", claims=CAUSEWAY)
    assert detail.status == 200
    assert detail.body["status"] == "attended"
    steps = [(h["by"], h["from"], h["to"], h["note"]) for h in detail.body["history"]]
    assert steps == [
        ("staff-causeway-bay", "pending_confirmation", "confirmed", "Called, coming at 3 pm"),
        ("manager", "confirmed", "attended", None),
    ]
    missing = call(staff, "GET", "/staff/registrations/PM-ZZZZ-ZZZZ", claims=MANAGER)
    assert (missing.status, missing.error_code()) == (404, "NOT_FOUND")


# --- the state machine --------------------------------------------------------------------


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_transition_is_allowed_or_refused_as_the_contract_says(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType, start: str, target: str
) -> None:
    ref = register(modules)["reference"]
    for step in PATHS[start]:
        assert move(staff, ref, step).status == 200
    answer = move(staff, ref, target)
    if target in TRANSITIONS[start]:
        assert answer.status == 200
        assert answer.body["status"] == target
    else:
        assert answer.status == 409
        assert answer.error_code() == "INVALID_TRANSITION"


def test_the_contracts_state_machine() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == {
        ("pending_confirmation", "confirmed"), ("confirmed", "attended"), ("attended", "converted"),
        ("confirmed", "no_show"), ("pending_confirmation", "cancelled"), ("confirmed", "cancelled"),
    }  # fmt: skip


def test_the_loser_of_a_race_gets_stale_status_and_the_history_keeps_every_step(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    from clinic.staff.store import DynamoStaffStore

    ref = register(modules)["reference"]
    read_before = DynamoStaffStore("RegistrationsTable").history(ref)
    assert read_before is not None
    # Given another member of staff confirms it first,
    assert move(staff, ref, "confirmed", CAUSEWAY).status == 200
    # when someone who read it before that cancels it,
    with patch.object(DynamoStaffStore, "history", return_value=read_before):
        lost = move(staff, ref, "cancelled", MANAGER)
    # then they lose, learn its status, and nothing of theirs was written.
    assert (lost.status, lost.error_code()) == (409, "STALE_STATUS")
    assert "confirmed" in lost.body["error"]["message"]
    detail = call(staff, "GET", f"/staff/registrations/{ref}", claims=MANAGER).body
    assert detail["status"] == "confirmed"
    assert [(h["from"], h["to"]) for h in detail["history"]] == [("pending_confirmation", "confirmed")]
    assert table_items("RegistrationsTable", "TRIAL#")  # the trial is still held


def test_staff_cancellation_frees_the_place_and_the_trial_once(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = register(modules, phone="5123 4567")
    ref = created["reference"]
    assert move(staff, ref, "confirmed").status == 200
    assert move(staff, ref, "cancelled", note="Asked by phone").status == 200
    assert table_items("RegistrationsTable", "TRIAL#") == []
    assert [item["taken"]["N"] for item in table_items("RegistrationsTable", "CAP#")] == ["0"]
    again = move(staff, ref, "cancelled")
    assert (again.status, again.error_code()) == (409, "INVALID_TRANSITION")
    assert [item["taken"]["N"] for item in table_items("RegistrationsTable", "CAP#")] == ["0"]
    assert register(modules, phone="+85251234567")["status"] == "pending_confirmation"  # may book again


def test_the_persons_own_cancellation_after_confirmation_shows_as_the_customers(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = register(modules)
    ref = created["reference"]
    assert move(staff, ref, "confirmed").status == 200
    token = {"X-Manage-Token": created["manage_token"]}
    cancelled = call(modules[0], "POST", f"/registrations/{ref}/cancel", headers=token)
    assert cancelled.body == {"reference": ref, "status": "cancelled"}
    history = call(staff, "GET", f"/staff/registrations/{ref}", claims=MANAGER).body["history"]
    assert [(h["by"], h["from"], h["to"]) for h in history][-1] == ("customer", "confirmed", "cancelled")
    assert table_items("RegistrationsTable", "TRIAL#") == []


def test_a_status_change_is_validated(modules: tuple[ModuleType, ModuleType], staff: ModuleType) -> None:
    ref = register(modules)["reference"]
    assert move(staff, ref, "finished").field_codes() == {"status": "INVALID_CHOICE"}
    assert move(staff, ref, "confirmed", note="x" * 501).field_codes() == {"note": "TOO_LONG"}
    assert move(staff, ref, "confirmed", extra=1).field_codes() == {"extra": "UNKNOWN_FIELD"}


# --- export -------------------------------------------------------------------------------


def test_the_export_is_a_csv_with_a_bom_a_header_and_the_lists_rows(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    day = open_day(9)
    first = register(modules, preferred_date=day, name="Chan Tai Man")
    second = register(modules, preferred_date=day)
    register(modules, preferred_date=open_day(20))  # another day
    answer = call(staff, "GET", "/staff/registrations/export", query={"date": day}, claims=CAUSEWAY)
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(answer.body.removeprefix("\ufeff"))))
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {first["reference"], second["reference"]}
    assert by_reference[second["reference"]]["name"] == "陳大文"
    assert by_reference[second["reference"]]["phone"].startswith("+852")
    assert by_reference[first["reference"]]["name"] == "Chan Tai Man"
    manager = call(staff, "GET", "/staff/registrations/export", query={"date": day}, claims=MANAGER)
    assert manager.field_codes() == {"branch": "BRANCH_REQUIRED"}


# --- audit --------------------------------------------------------------------------------


def test_every_read_and_change_is_audited_without_personal_data(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = register(modules, phone="9876 5432")
    ref = created["reference"]
    listing(staff, CAUSEWAY)
    listing(staff, MANAGER, q="98765432")
    call(staff, "GET", f"/staff/registrations/{ref}", claims=CAUSEWAY)
    move(staff, ref, "confirmed", CAUSEWAY, note="called")
    call(staff, "GET", "/staff/registrations/export", claims=CAUSEWAY)
    entries = sorted(table_items("AuditTable"), key=lambda item: item["sk"]["S"])
    summary = [(e["actor"]["S"], e["action"]["S"], [r["S"] for r in e["references"]["L"]]) for e in entries]
    assert summary == [
        ("staff-causeway-bay", "list", [ref]),
        ("manager", "list", [ref]),
        ("staff-causeway-bay", "read", [ref]),
        ("staff-causeway-bay", "status_change", [ref]),
        ("staff-causeway-bay", "export", [ref]),
    ]
    assert all(int(e["expires_at"]["N"]) > 0 and e["pk"]["S"].startswith("DAY#") for e in entries)
    text = str(entries)
    for personal in ("98765432", "陳大文", "called"):
        assert personal not in text
    assert entries[1]["filters"]["M"]["q"]["S"] == "phone"


def test_a_change_made_on_a_stale_read_never_overwrites_the_persons_opt_out(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    from clinic.staff.store import DynamoStaffStore

    created = register(modules, marketing_consent=True)
    ref = created["reference"]
    read_before = DynamoStaffStore("RegistrationsTable").history(ref)
    assert read_before is not None
    opted_out = call(
        modules[0],
        "POST",
        f"/registrations/{ref}/marketing-opt-out",
        headers={"X-Manage-Token": created["manage_token"]},
    )
    assert opted_out.status == 200
    with patch.object(DynamoStaffStore, "history", return_value=read_before):
        stale = move(staff, ref, "confirmed")
    assert (stale.status, stale.error_code()) == (409, "STALE_STATUS")
    detail = call(staff, "GET", f"/staff/registrations/{ref}", claims=MANAGER).body
    assert detail["marketing_consent"] is False
    assert move(staff, ref, "confirmed").status == 200  # on a fresh read it goes through
    assert call(staff, "GET", f"/staff/registrations/{ref}", claims=MANAGER).body["marketing_consent"] is False


def test_the_person_can_no_longer_cancel_once_they_attended(
    modules: tuple[ModuleType, ModuleType], staff: ModuleType
) -> None:
    created = register(modules)
    ref = created["reference"]
    for step in PATHS["attended"]:
        assert move(staff, ref, step).status == 200
    refused = call(
        modules[0], "POST", f"/registrations/{ref}/cancel", headers={"X-Manage-Token": created["manage_token"]}
    )
    assert (refused.status, refused.error_code()) == (409, "INVALID_TRANSITION")
    assert table_items("RegistrationsTable", "TRIAL#")  # the trial was used, not released
