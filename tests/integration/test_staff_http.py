"""The staff routes over HTTP against the local stack: the authorizer's checks, both demo
users, the branch rules, a race between two members of staff, the export."""

import base64
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest

from tests.support import Answer, LocalApi

pytestmark = pytest.mark.integration

_phones = iter(range(67_000_000, 68_000_000))


def token(api: LocalApi, username: str) -> str:
    answer = api.request("POST", "/_local/staff-token", {"username": username})
    assert answer.status == 200
    assert answer.body["expires_in"] > 0
    return str(answer.body["token"])


def as_user(api: LocalApi, username: str, method: str, path: str, body: Any = None, bearer: bool = True) -> Answer:
    value = token(api, username)
    return api.request(method, path, body, headers={"Authorization": f"Bearer {value}" if bearer else value})


def a_day(api: LocalApi, offset: int) -> str:
    """A bookable day at Causeway Bay, ``offset`` days into the window."""
    opts = api.request("GET", "/registration-options?treatment=acne-treatment").body
    day = date.fromisoformat(opts["min_date"]) + timedelta(days=offset)
    while day.weekday() == 6 or day.isoformat() in opts["closed_dates"]:
        day += timedelta(days=1)
    return day.isoformat()


def register(api: LocalApi, branch: str, day: str) -> str:
    number = str(next(_phones))
    answer = api.request(
        "POST",
        "/registrations",
        {
            "name": "Staff Test",
            "phone": f"{number[:4]} {number[4:]}",
            "treatment": "acne-treatment",
            "branch": branch,
            "preferred_date": day,
            "agree_terms": True,
        },
    )
    assert answer.status == 201
    return str(answer.body["reference"])


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer not-a-token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
)
def test_no_valid_token_is_401_before_any_function_runs(local_stack: LocalApi, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    for path in ["/staff/registrations", "/staff/registrations/export", "/staff/registrations/PM-AAAA-BBBB"]:
        answer = local_stack.request("GET", path, headers=headers)
        assert answer.status == 401
        assert answer.body == {"error": {"code": "UNAUTHORIZED", "message": "Sign in to continue."}}


def test_a_token_with_an_altered_payload_is_refused(local_stack: LocalApi) -> None:
    header, payload, signature = token(local_stack, "staff-causeway-bay").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["managers"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    answer = local_stack.request(
        "GET", "/staff/registrations", headers={"Authorization": f"Bearer {header}.{forged}.{signature}"}
    )
    assert answer.status == 401


def test_the_local_token_route_knows_only_staff_accounts(local_stack: LocalApi) -> None:
    assert local_stack.request("POST", "/_local/staff-token", {"username": "nobody"}).status == 401
    assert local_stack.request("POST", "/_local/staff-token", raw=b"not json").status == 401


def test_a_bare_token_works_as_well_as_a_bearer_one(local_stack: LocalApi) -> None:
    bare = as_user(local_stack, "staff-causeway-bay", "GET", "/staff/registrations", bearer=False)
    assert bare.status == 200
    assert set(bare.body) == {"items", "next_cursor"}


def test_a_preflight_answers_cors_headers_and_no_data(local_stack: LocalApi) -> None:
    answer = local_stack.request(
        "OPTIONS",
        "/staff/registrations",
        headers={
            "Origin": local_stack.base_url,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert answer.status in {200, 204}
    assert "authorization" in answer.headers["access-control-allow-headers"].lower()
    assert not answer.body


def test_both_demo_users_see_what_their_groups_allow(local_stack: LocalApi) -> None:
    day = a_day(local_stack, 10)
    own = register(local_stack, "causeway-bay", day)
    other = register(local_stack, "mong-kok", day)
    mine = as_user(local_stack, "staff-causeway-bay", "GET", f"/staff/registrations?date={day}")
    assert own in [item["reference"] for item in mine.body["items"]]
    assert all(item["branch"] == "causeway-bay" for item in mine.body["items"])
    refused = as_user(local_stack, "staff-causeway-bay", "GET", f"/staff/registrations?branch=mong-kok&date={day}")
    assert (refused.status, refused.error_code()) == (403, "FORBIDDEN")
    assert as_user(local_stack, "staff-causeway-bay", "GET", f"/staff/registrations/{other}").status == 403
    managed = as_user(local_stack, "manager", "GET", f"/staff/registrations?branch=mong-kok&date={day}")
    assert other in [item["reference"] for item in managed.body["items"]]


def test_two_staff_at_once_one_wins_and_the_history_keeps_one_step(local_stack: LocalApi) -> None:
    reference = register(local_stack, "causeway-bay", a_day(local_stack, 12))
    tokens = [token(local_stack, "manager"), token(local_stack, "staff-causeway-bay")] * 3

    def confirm(value: str) -> Answer:
        return local_stack.request(
            "POST",
            f"/staff/registrations/{reference}/status",
            {"status": "confirmed"},
            headers={"Authorization": f"Bearer {value}"},
        )

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        answers = list(pool.map(confirm, tokens))
    assert [a.status for a in answers].count(200) == 1
    losers = {a.error_code() for a in answers if a.status != 200}
    # Read before the winner wrote: STALE_STATUS; read after: confirmed → confirmed is no move.
    assert losers <= {"STALE_STATUS", "INVALID_TRANSITION"}
    detail = as_user(local_stack, "manager", "GET", f"/staff/registrations/{reference}").body
    assert [(h["from"], h["to"]) for h in detail["history"]] == [("pending_confirmation", "confirmed")]


def test_the_export_downloads_the_day_as_csv_with_a_bom(local_stack: LocalApi) -> None:
    day = a_day(local_stack, 14)
    reference = register(local_stack, "causeway-bay", day)
    value = token(local_stack, "staff-causeway-bay")
    request = urllib.request.Request(
        f"{local_stack.base_url}/staff/registrations/export?date={day}", headers={"Authorization": f"Bearer {value}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        raw = response.read()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("reference,status,name,phone")
    assert any(line.startswith(reference) for line in lines[1:])
