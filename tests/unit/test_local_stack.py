"""The local stack reads template.yaml and builds events shaped like ``sam local start-api``'s."""

import base64

from infra import cfn
from infra.local_stack import build_event

# The top-level and requestContext keys of an event from `sam local start-api` (SAM CLI 1.x).
SAM_LOCAL_KEYS = {
    "body", "headers", "httpMethod", "isBase64Encoded", "multiValueHeaders", "multiValueQueryStringParameters",
    "path", "pathParameters", "queryStringParameters", "requestContext", "resource", "stageVariables", "version",
}  # fmt: skip
SAM_LOCAL_CONTEXT_KEYS = {
    "accountId", "apiId", "domainName", "extendedRequestId", "httpMethod", "identity", "path", "protocol",
    "requestId", "requestTime", "requestTimeEpoch", "resourceId", "resourcePath", "stage",
}  # fmt: skip


def route_for(path: str) -> cfn.Route:
    return next(route for route in cfn.routes() if route.pattern.match(path))


def test_every_contract_route_comes_from_the_template() -> None:
    paths = {route.path for route in cfn.routes()}
    assert paths == {
        "/faqs", "/faqs/{id}", "/faqs/{id}/feedback", "/registration-options", "/registrations",
        "/registrations/{reference}", "/registrations/{reference}/cancel",
        "/registrations/{reference}/marketing-opt-out", "/recommendations",
        "/recommendations/{id}", "/treatments", "/treatments/{id}",
        "/staff/registrations", "/staff/registrations/export", "/staff/registrations/{reference}",
        "/staff/registrations/{reference}/status",
        "/staff/data-requests",
    }  # fmt: skip
    assert route_for("/registrations/PM-AAAA-BBBB/cancel").function == "RegistrationFunction"
    assert route_for("/faqs").function == "FaqFunction"


def test_an_event_has_the_shape_of_sam_locals() -> None:
    headers = {"Content-Type": ["application/json"], "X-Tag": ["a", "b"]}
    event = build_event(
        route_for("/faqs/x/feedback"), "POST", "/faqs/does-it-hurt/feedback?lang=en&lang=zh-HK&q=",
        headers, b'{"helpful": true}', "127.0.0.1", "127.0.0.1:3000",
    )  # fmt: skip
    assert set(event) >= SAM_LOCAL_KEYS
    assert set(event["requestContext"]) >= SAM_LOCAL_CONTEXT_KEYS
    assert event["resource"] == "/faqs/{id}/feedback"
    assert event["pathParameters"] == {"id": "does-it-hurt"}
    assert event["queryStringParameters"] == {"lang": "zh-HK", "q": ""}
    assert event["multiValueQueryStringParameters"]["lang"] == ["en", "zh-HK"]
    assert event["headers"]["X-Tag"] == "b"
    assert event["multiValueHeaders"]["X-Tag"] == ["a", "b"]
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["body"] == '{"helpful": true}'
    assert event["isBase64Encoded"] is False


def test_binary_bodies_are_base64_encoded_and_empty_ones_are_null() -> None:
    binary = build_event(route_for("/faqs"), "POST", "/faqs", {}, b"\xff\xfe", "127.0.0.1", "h")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\xff\xfe"
    empty = build_event(route_for("/faqs"), "GET", "/faqs", {}, b"", "127.0.0.1", "h")
    assert empty["body"] is None
    assert empty["queryStringParameters"] is None
    assert empty["pathParameters"] is None


def test_each_function_gets_its_tables_and_the_template_defaults() -> None:
    refs = cfn.local_refs()
    functions = cfn.functions(refs)
    registration = functions["RegistrationFunction"].environment
    assert registration["REGISTRATIONS_TABLE"] == "RegistrationsTable"
    assert registration["DAILY_CAPACITY"] == "20"
    assert registration["MIN_NOTICE_DAYS"] == "1"
    assert registration["BOOKING_HORIZON_DAYS"] == "60"
    assert "REGISTRATIONS_TABLE" not in functions["FaqFunction"].environment
