"""A fresh stack works, with least privilege.

Every route of every function is driven by events made by ``sam local generate-event
apigateway aws-proxy`` (the committed fixture ``tests/fixtures/apigateway-aws-proxy.json``,
regenerated with the command in its test below) on EMPTY tables created from template.yaml —
no seeding, as right after the first ``sam deploy`` — and answers as the contract says.
Every DynamoDB operation those requests make is recorded, and each function's role in
template.yaml must grant exactly those actions: no more, no fewer.
"""

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from infra import cfn
from infra.local_stack import LocalContext
from tests.support import dynamodb_calls, load_function

FIXTURE = Path(__file__).parent.parent / "fixtures" / "apigateway-aws-proxy.json"
ORIGIN = "https://www.example-clinic.hk"

# DynamoDB operations → the IAM actions they need (a transaction needs its items' actions).
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


@pytest.fixture
def empty_tables() -> Iterator[None]:
    """moto with the template's tables, created and left empty, and its generated secrets
    (CloudFormation creates those with the stack)."""
    import boto3
    from moto import mock_aws

    from clinic.aws import dynamodb, reset_clients

    with mock_aws():
        reset_clients()
        cfn.create_tables(dynamodb(), cfn.local_table_names())
        cfn.create_secrets(boto3.client("secretsmanager"), cfn.local_secret_names())
        yield
        reset_clients()


def sam_event(
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The SAM CLI's generated event, aimed at one route of template.yaml."""
    route = next(r for r in cfn.routes() if r.pattern.match(path) and r.method in {method, "ANY"})
    match = route.pattern.match(path)
    assert match is not None
    event: dict[str, Any] = copy.deepcopy(json.loads(FIXTURE.read_text()))
    event_headers = {**event["headers"], "Origin": ORIGIN, **(headers or {})}
    if body is not None:
        event_headers["Content-Type"] = "application/json"
    event.update(
        resource=route.path,
        path=path,
        httpMethod=method,
        pathParameters=match.groupdict() or None,
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in (query or {}).items()} or None,
        headers=event_headers,
        multiValueHeaders={k: [v] for k, v in event_headers.items()},
        body=json.dumps(body) if body is not None else None,
        isBase64Encoded=False,
    )
    event["requestContext"].update(resourcePath=route.path, httpMethod=method, path=f"/v1{path}")
    return event


class Function:
    """One function, invoked with SAM-made events; records the IAM actions its calls need."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.module = load_function(name)
        self.actions: set[str] = set()

    def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, list[str]]]:
        from clinic.content_store import reset_knowledge

        reset_knowledge()  # the functions share this process: each reads its content as a cold one would
        with dynamodb_calls() as seen, _transaction_items() as transacted:
            response = self.module.lambda_handler(sam_event(method, path, **kwargs), LocalContext(self.name))
        self.actions |= {f"dynamodb:{op}" for op in seen if op != "TransactWriteItems"}
        self.actions |= {f"dynamodb:{_TRANSACT_ACTIONS[kind]}" for kind in transacted}
        body = json.loads(response["body"]) if response.get("body") else None
        return response["statusCode"], body, response.get("multiValueHeaders") or {}


@contextmanager
def _transaction_items() -> Iterator[list[str]]:
    """Record the kinds of items (Put, Update …) of every TransactWriteItems call."""
    from clinic.aws import dynamodb

    client = dynamodb()
    kinds: list[str] = []
    original = client.transact_write_items

    def transact(**kwargs: Any) -> Any:
        kinds.extend(kind for item in kwargs["TransactItems"] for kind in item)
        return original(**kwargs)

    with patch.object(client, "transact_write_items", side_effect=transact):
        yield kinds


def granted_actions(function: str) -> set[str]:
    """The DynamoDB actions template.yaml's role grants ``function``."""
    role = cfn.load_template()["Resources"][f"{function.removesuffix('Function')}Role"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    return {
        action
        for statement in statements
        if isinstance(statement, dict) and "Action" in statement
        for action in statement["Action"]
        if action.startswith("dynamodb:")
    }


def open_day() -> str:
    from clinic.registration import booking_window, public_holidays, today_in_hong_kong
    from clinic.settings import settings

    today = today_in_hong_kong()
    day = today + timedelta(days=7)
    holidays = public_holidays(booking_window(today, settings()))
    while day.weekday() == 6 or day in holidays:
        day += timedelta(days=1)
    return day.isoformat()


def test_the_fixture_is_what_sam_local_generate_event_makes() -> None:
    # Regenerate with: .sam-venv/bin/sam local generate-event apigateway aws-proxy --stage v1
    #   --dns-suffix ap-east-1.amazonaws.com --method GET --resource /faqs --path faqs
    #   --body "" --querystringparameters '{}' > tests/fixtures/apigateway-aws-proxy.json
    event = json.loads(FIXTURE.read_text())
    assert event["requestContext"]["stage"] == "v1"
    assert {"resource", "path", "httpMethod", "headers", "multiValueHeaders", "requestContext"} <= set(event)


def test_every_route_answers_on_empty_tables_with_least_privilege(empty_tables: None) -> None:
    faq, rec, reg = Function("FaqFunction"), Function("RecommendationFunction"), Function("RegistrationFunction")

    status, body, headers = faq("GET", "/faqs", query={"lang": "zh-HK"})
    assert status == 200
    assert body["items"]
    assert body["lang"] == "zh-HK"
    assert headers["Access-Control-Allow-Origin"] == [ORIGIN]
    faq_id = body["items"][0]["id"]
    assert faq("GET", "/faqs", query={"q": "acne"})[0] == 200
    assert faq("GET", f"/faqs/{faq_id}")[0] == 200
    assert faq("POST", f"/faqs/{faq_id}/feedback", body={"helpful": True, "reason": "clear"})[0] == 202
    assert faq("POST", f"/faqs/{faq_id}/feedback", body={"helpful": False})[0] == 202
    assert faq("GET", "/faqs/no-such-entry")[0] == 404

    status, body, _ = rec("GET", "/treatments")
    assert status == 200
    assert {t["id"] for t in body["items"]} >= {"carbon-laser", "acne-treatment"}
    assert rec("GET", "/treatments/carbon-laser")[0] == 200
    answers = {"skin_type": "oily", "concerns": ["blackheads"], "age_range": "25_34"}
    status, body, _ = rec("POST", "/recommendations", body=answers)
    assert status == 200
    assert body["pore_types"]
    assert rec("GET", f"/recommendations/{body['recommendation_id']}")[0] == 200
    recommendation_id = body["recommendation_id"]

    status, body, _ = reg("GET", "/registration-options", query={"treatment": "acne-treatment"})
    assert status == 200
    assert body["branches"]
    assert body["full_dates"] == []
    form = {
        "name": "Chan Tai Man",
        "phone": "9123 4567",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": open_day(),
        "agree_terms": True,
        "recommendation_id": recommendation_id,
    }
    status, created, _ = reg("POST", "/registrations", body=form)
    assert status == 201
    assert created["reference"].startswith("PM-")
    token = {"X-Manage-Token": created["manage_token"]}
    status, view, _ = reg("GET", f"/registrations/{created['reference']}", headers=token)
    assert status == 200
    assert view["status"] == "pending_confirmation"
    status, cancelled, _ = reg("POST", f"/registrations/{created['reference']}/cancel", headers=token)
    assert status == 200
    assert cancelled["status"] == "cancelled"

    for function in (faq, rec, reg):
        assert function.actions == granted_actions(function.name), function.name
