"""The staff domain's rules without storage: who may see what, cursors, the CSV, the export's pages."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from clinic.errors import ApiError, ValidationFailed
from clinic.registration import Registration
from clinic.staff.access import Forbidden, Unauthorized, user_from_claims
from clinic.staff.audit import AuditEntry
from clinic.staff.cursor import decode_cursor, encode_cursor
from clinic.staff.export import render_csv
from clinic.staff.keys import phone_key
from clinic.staff.models import StaffRegistration
from clinic.staff.service import StaffService
from clinic.staff.transitions import STATUSES, check_transition, next_statuses
from tests.unit.test_events import a_registration


@pytest.mark.parametrize("groups", ["managers", "[managers]", "branch-sha-tin,managers", "[branch-sha-tin managers]"])
def test_groups_are_read_in_every_writing_api_gateway_uses(groups: str) -> None:
    user = user_from_claims({"cognito:username": "amy", "cognito:groups": groups, "token_use": "id"})
    assert user.is_manager
    assert user.branch_for(None) is None
    assert user.branch_for("central") == "central"


def test_branch_staff_default_to_their_branch_and_may_not_ask_for_another() -> None:
    user = user_from_claims({"cognito:username": "ben", "cognito:groups": "branch-sha-tin"})
    assert user.branch_for(None) == "sha-tin"
    assert user.may_see("sha-tin")
    assert not user.may_see("central")
    with pytest.raises(Forbidden):
        user.branch_for("central")


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        (None, Unauthorized),
        ({}, Unauthorized),
        ({"cognito:groups": "managers"}, Unauthorized),  # no username
        ({"cognito:username": "x", "cognito:groups": "managers", "token_use": "access"}, Unauthorized),
        ({"cognito:username": "x", "cognito:groups": "visitors"}, Forbidden),
        ({"cognito:username": "x"}, Forbidden),
    ],
)
def test_no_user_or_no_staff_group(claims: dict[str, str] | None, error: type[ApiError]) -> None:
    with pytest.raises(error):
        user_from_claims(claims)


def test_the_state_machine_leaves_final_states_final() -> None:
    for final in ("converted", "no_show", "cancelled"):
        assert next_statuses(final) == []
        for target in STATUSES:
            with pytest.raises(ApiError) as refused:
                check_transition(final, target)
            assert refused.value.code == "INVALID_TRANSITION"
    assert next_statuses("confirmed") == ["attended", "no_show", "cancelled"]


def test_a_cursor_comes_back_only_for_the_same_filters_and_key() -> None:
    key = {"pk": "REG#PM-AAAA-BBBB", "sk": "REG", "gsi1pk": "BRANCH#sha-tin", "gsi1sk": "2026-12-03#…"}
    cursor = encode_cursor(key, "sha-tin|2026-12-03|", "secret")
    assert decode_cursor(cursor, "sha-tin|2026-12-03|", "secret") == key
    for scope, secret in [("central|2026-12-03|", "secret"), ("sha-tin|2026-12-03|", "other")]:
        with pytest.raises(ValidationFailed):
            decode_cursor(cursor, scope, secret)


def test_the_phone_index_key_is_keyed() -> None:
    assert phone_key("+85291234567", "a") == phone_key("+85291234567", "a")
    assert phone_key("+85291234567", "a") != phone_key("+85291234567", "b")
    assert "91234567" not in phone_key("+85291234567", "a")


def row(**changes: object) -> StaffRegistration:
    base: dict[str, object] = {
        "reference": "PM-AAAA-BBBB", "status": "confirmed", "name": "陳大文", "phone": "+85291234567",
        "email": None, "treatment": "acne-treatment", "branch": "sha-tin", "preferred_date": date(2026, 12, 3),
        "preferred_period": None, "created_at": datetime(2026, 11, 29, 8, 0, tzinfo=UTC),
        "marketing_consent": False, "lang": "zh-HK", "recommendation_id": None, "next_statuses": [],
    }  # fmt: skip
    return StaffRegistration.model_validate(base | changes)


def test_the_csv_has_a_bom_a_header_and_never_a_formula() -> None:
    text = render_csv([row(), row(reference="PM-CCCC-DDDD", name="=cmd|' /C calc'!A0", email="@evil")])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:4] == ["reference", "status", "name", "phone"]
    assert rows[1][2:4] == ["陳大文", "+85291234567"]  # the phone's + is kept: it is data
    assert rows[1][rows[0].index("marketing_consent")] == "false"
    assert rows[2][2] == "'=cmd|' /C calc'!A0"
    assert rows[2][rows[0].index("email")] == "'@evil"
    assert text.endswith("\r\n")


class PagedStore:
    """A branch's registrations in pages of two, with DynamoDB-like last keys."""

    def __init__(self, registrations: list[Registration]) -> None:
        self.registrations = registrations
        self.starts: list[dict[str, str] | None] = []

    def branch_page(
        self, branch: str, day: date | None, status: str | None, limit: int, start: dict[str, str] | None
    ) -> tuple[list[Registration], dict[str, str] | None]:
        self.starts.append(start)
        at = int(start["at"]) if start else 0
        end = at + 2
        return self.registrations[at:end], ({"at": str(end)} if end < len(self.registrations) else None)


class AuditEntries:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


def test_an_export_follows_every_page_and_needs_no_secret() -> None:
    registrations = [a_registration(reference=f"PM-AAAA-000{n}") for n in range(5)]
    store, audit = PagedStore(registrations), AuditEntries()

    def no_secret() -> str:
        raise AssertionError("an export signs no cursor")

    service = StaffService(store, audit, no_secret, frozenset({"causeway-bay"}))  # type: ignore[arg-type]
    manager = user_from_claims({"cognito:username": "amy", "cognito:groups": "managers"})
    rows = list(csv.DictReader(io.StringIO(service.export(manager, "causeway-bay", None, None, None).lstrip("\ufeff"))))

    assert store.starts == [None, {"at": "2"}, {"at": "4"}]
    assert [row["reference"] for row in rows] == [r.reference for r in registrations]
    assert [(e.action, e.references) for e in audit.entries] == [("export", [r.reference for r in registrations])]
