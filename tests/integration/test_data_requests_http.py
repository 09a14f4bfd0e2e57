"""Personal-data requests over HTTP against the local stack: each request type end to end,
the person's own opt-out, and an erasure that reaches every table."""

import json
from typing import Any

import pytest

from tests.integration.test_messages_http import wait_for
from tests.integration.test_staff_http import a_day, as_user
from tests.support import Answer, LocalApi

pytestmark = pytest.mark.integration

QUESTIONNAIRE = {
    "skin_type": "combination",
    "concerns": ["enlarged_pores", "dullness"],
    "pore_shape": "oval",
    "age_range": "35_44",
    "precautions": ["photosensitive_medication"],
}


def data_request(api: LocalApi, kind: str, phone: str, **extra: Any) -> Answer:
    return as_user(api, "manager", "POST", "/staff/data-requests", {"type": kind, "phone": phone, **extra})


def register(api: LocalApi, phone: str, offset: int) -> dict[str, Any]:
    rec = api.request("POST", "/recommendations", QUESTIONNAIRE).body["recommendation_id"]
    body = {
        "name": "Lee Ka Yan",
        "phone": phone,
        "email": "ka.yan@example.com",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": a_day(api, offset),
        "agree_terms": True,
        "marketing_consent": True,
        "recommendation_id": rec,
    }
    answer = api.request("POST", "/registrations", body)
    assert answer.status == 201, answer.body
    created: dict[str, Any] = answer.body
    return created | {"recommendation_id": rec}


def test_each_request_type_end_to_end(local_stack: LocalApi) -> None:
    phone = "+852 5123 8899"
    person = register(local_stack, phone, 9)
    assert (
        as_user(
            local_stack, "staff-causeway-bay", "POST", "/staff/data-requests", {"type": "access", "phone": phone}
        ).status
        == 403
    )

    wait_for(local_stack, "+85251238899", lambda items: any(i["channel"] == "sms" for i in items))
    access = data_request(local_stack, "access", "51238899")
    assert access.status == 200
    sent = access.body["data"]["messages"]
    assert {(m["kind"], m["channel"]) for m in sent} >= {("confirmation", "sms")}
    assert all("51238899" not in json.dumps(m) for m in sent)  # the recipient is masked
    assert [r["reference"] for r in access.body["data"]["registrations"]] == [person["reference"]]
    assert access.body["data"]["recommendations"][0]["pk"] == person["recommendation_id"]

    corrected = data_request(local_stack, "correction", phone, changes={"email": "new.address@example.com"})
    assert corrected.body["corrected"] == {"registrations": 1}
    again = data_request(local_stack, "access", phone).body["data"]["registrations"][0]
    assert again["email"] == "new.address@example.com"

    withdrawn = data_request(local_stack, "marketing_opt_out", phone)
    assert withdrawn.body["withdrawn"] == {"registrations": 1}
    consents = data_request(local_stack, "access", phone).body["data"]["consents"]
    assert consents[-1]["event"] == "marketing_withdrawn"

    erased = data_request(local_stack, "erasure", phone)
    assert erased.status == 200
    assert erased.body["erased"]["registrations"] == 1
    assert erased.body["erased"]["recommendations"] == 1
    assert data_request(local_stack, "access", phone).body["data"] == {
        "registrations": [],
        "recommendations": [],
        "consents": [],
        "messages": [],
    }
    assert local_stack.request("GET", f"/recommendations/{person['recommendation_id']}").status == 404
    token = {"X-Manage-Token": person["manage_token"]}
    assert local_stack.request("GET", f"/registrations/{person['reference']}", headers=token).status == 404
    day_list = as_user(
        local_stack, "manager", "GET", f"/staff/registrations?branch=causeway-bay&date={a_day(local_stack, 9)}"
    )
    assert person["reference"] not in str(day_list.body)
    assert register(local_stack, phone, 9)["reference"] != person["reference"]  # may register again


def test_the_person_withdraws_marketing_consent_themself(local_stack: LocalApi) -> None:
    phone = "+852 5123 7788"
    person = register(local_stack, phone, 10)
    path = f"/registrations/{person['reference']}/marketing-opt-out"
    answer = local_stack.request("POST", path, headers={"X-Manage-Token": person["manage_token"]})
    assert answer.status == 200
    assert answer.body == {"reference": person["reference"], "marketing_consent": False}
    assert local_stack.request("POST", path, headers={"X-Manage-Token": "wrong"}).status == 404
    consents = data_request(local_stack, "access", phone).body["data"]["consents"]
    assert [(c["event"], c["channel"]) for c in consents][-1] == ("marketing_withdrawn", "manage_link")
