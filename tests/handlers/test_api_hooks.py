"""What clinic.api relies on in Powertools (checked against aws-lambda-powertools 3.37.0).

ClinicResolver overrides no private method: it wraps the public ``resolve`` and ``route``.
These tests fail when an upgrade changes what those wrappers assume: that ``get``/``post``
register through ``route``; that the answers built before routing carry the same CORS
headers as Powertools' own; that Powertools compares content types as written and would
take a form body (the reasons for the body gate); that the frozen SDK store answers 503
inside the function's timeout.
"""

import socket
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Annotated

import pytest

from infra import cfn
from tests.support import call, load_function

ORIGIN = "https://www.example-clinic.hk"
FUNCTIONS = ("FaqFunction", "RegistrationFunction", "RecommendationFunction")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_route_sees_every_route_powertools_serves(name: str) -> None:
    app = load_function(name).app
    schema = app.get_openapi_schema()
    served = {
        (path, method.upper())
        for path, item in (schema.paths or {}).items()
        for method in ("get", "post", "put", "patch", "delete")
        if getattr(item, method, None) is not None
    }
    assert served
    assert {(path, method) for path, _ in served for method in app.allowed_methods(path)} == served


def test_answers_before_routing_carry_powertools_cors_headers(aws: None) -> None:
    faq = load_function("FaqFunction")
    headers = {"Origin": ORIGIN, "Content-Type": "application/json"}
    gate = call(faq, "POST", "/faqs/does-it-hurt/feedback", raw_body=b"{", headers=headers)  # answered in resolve()
    routed = call(faq, "POST", "/faqs/does-it-hurt/feedback", body={"helpful": "maybe"}, headers={"Origin": ORIGIN})
    assert (gate.status, routed.status) == (400, 422)

    def cors(headers: dict[str, str]) -> dict[str, str]:
        return {key: value for key, value in headers.items() if key.startswith("access-control-") or key == "vary"}

    assert cors(gate.headers) == cors(routed.headers)
    assert cors(gate.headers)["access-control-allow-origin"] == ORIGIN


def test_powertools_still_needs_the_body_gate() -> None:
    """If Powertools learns to match media types case-insensitively and to refuse forms, the
    normalisation in clinic.request can go; until then these hold."""
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.event_handler.openapi.params import Body
    from pydantic import BaseModel

    class Vote(BaseModel):
        helpful: bool

    app = APIGatewayRestResolver(enable_validation=True)

    @app.post("/vote")
    def vote(body: Annotated[Vote, Body()]) -> dict[str, bool]:
        return {"ok": body.helpful}

    def status(content_type: str, body: str) -> int:
        event = {
            "httpMethod": "POST",
            "path": "/vote",
            "resource": "/vote",
            "body": body,
            "isBase64Encoded": False,
            "headers": {"Content-Type": content_type},
            "multiValueHeaders": {"Content-Type": [content_type]},
            "requestContext": {"stage": "v1"},
            "queryStringParameters": None,
        }
        return int(app.resolve(event, None)["statusCode"])  # type: ignore[arg-type]

    assert status("Application/JSON", '{"helpful": true}') == 415  # compared as written
    with pytest.raises(ValueError, match="digits"):  # a 5,000-digit number escapes as an exception
        status("application/json", "9" * 5000)


@pytest.fixture
def frozen_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A DynamoDB endpoint that accepts connections and never answers."""
    from clinic.aws import reset_clients

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{listener.getsockname()[1]}")
    reset_clients()
    yield
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()
    reset_clients()


def test_a_frozen_store_gives_503_well_inside_the_function_timeout(frozen_dynamodb: None) -> None:
    timeout = int(cfn.load_template()["Globals"]["Function"]["Timeout"])
    registration: ModuleType = load_function("RegistrationFunction")
    started = time.monotonic()
    answer = call(registration, "GET", "/registration-options")
    elapsed = time.monotonic() - started
    assert answer.status == 503
    assert answer.headers["retry-after"]
    assert elapsed < timeout * 0.8, f"503 after {elapsed:.1f} s against a {timeout} s timeout"
