"""Test helpers: call a function as API Gateway would, and speak HTTP to the local stack."""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

from infra import cfn
from infra.local_stack import LocalContext, build_event
from infra.openapi import load_app_module


@dataclass
class Answer:
    """A decoded answer: a function's proxy response or the local stack's HTTP response."""

    status: int
    headers: dict[str, str]
    body: Any

    def error_code(self) -> str:
        """The contract error code of an error answer."""
        return str(self.body["error"]["code"])

    def field_codes(self) -> dict[str, str]:
        """``field → code`` of a validation error answer."""
        return {item["field"]: item["code"] for item in self.body["error"].get("fields", [])}


def load_function(name: str) -> ModuleType:
    """Import the function's handler module afresh (a new 'container')."""
    refs = cfn.local_refs()
    return load_app_module(cfn.functions(refs)[name])


def call(
    module: ModuleType,
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: bytes | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
) -> Answer:
    """Send one request through the function's ``lambda_handler``, as API Gateway would
    (``claims``: what its Cognito authorizer vouched for, on a staff route)."""
    route = next((r for r in cfn.routes() if r.pattern.match(path)), None)
    assert route is not None, f"no route in template.yaml for {path}"
    all_headers = {"Host": "api.test", **(headers or {})}
    payload = raw_body if raw_body is not None else b""
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    target = path + (f"?{urlencode(query)}" if query else "")
    event = build_event(
        route,
        method,
        target,
        {k: [v] for k, v in all_headers.items()},
        payload,
        "198.51.100.7",
        "api.test",
        claims,
    )
    response = module.lambda_handler(event, LocalContext(route.function))
    headers_out = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers_out[name.lower()] = ", ".join(values)
    text = response.get("body") or ""
    is_json = headers_out.get("content-type", "application/json").startswith("application/json")
    return Answer(response["statusCode"], headers_out, (json.loads(text) if is_json else text) if text else None)


class LocalApi:
    """A small HTTP client for the local stack."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        """Send a request; JSON bodies in and out."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                status, head, payload = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, payload = error.code, error.headers, error.read()
        text = payload.decode()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Answer(status, {k.lower(): v for k, v in head.items()}, parsed)


@contextmanager
def start_local_stack(extra_env: dict[str, str] | None = None) -> Iterator[LocalApi]:
    """``python -m infra.local_stack`` on a free port (with ``extra_env``), until the block ends."""
    import pytest

    env = {**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local_stack"],
        cwd=cfn.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    base_url = ""
    for line in process.stdout:
        lines.append(line)
        if "ready on " in line:
            base_url = line.split("ready on ", 1)[1].strip()
            break
    if not base_url:
        process.kill()
        pytest.fail("local stack did not start:\n" + "".join(lines))
    log: list[str] = lines
    drain = threading.Thread(target=lambda: log.extend(process.stdout or []), daemon=True)
    drain.start()
    api = LocalApi(base_url)
    api.log = log  # type: ignore[attr-defined]
    try:
        yield api
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: stopping is not under test here
            process.kill()
            process.wait()


def client_error(code: str, operation: str, **response: Any) -> Exception:
    """A botocore ClientError as DynamoDB would answer it."""
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": "injected"}, **response}, operation)  # type: ignore[typeddict-item]


@contextmanager
def dynamodb_calls(
    fail: Callable[[str], Exception | None] = lambda _: None,
    lose_reply: Callable[[str], Exception | None] = lambda _: None,
) -> Iterator[list[str]]:
    """Record every DynamoDB operation made inside the block (fault injection: ``fail`` may
    name an error to raise instead of sending an operation, ``lose_reply`` one to raise
    after the operation was carried out, as when the reply is lost on the way back)."""
    from clinic.aws import dynamodb

    client = dynamodb()
    send = client._make_api_call  # type: ignore[attr-defined]  # botocore's one entry point for every operation
    seen: list[str] = []

    def intercept(operation: str, params: dict[str, Any]) -> Any:
        seen.append(operation)
        error = fail(operation)
        if error is not None:
            raise error
        reply = send(operation, params)
        lost = lose_reply(operation)
        if lost is not None:
            raise lost
        return reply

    with patch.object(client, "_make_api_call", side_effect=intercept):
        yield seen
