"""The local stack (``make run``) started once per test session, spoken to over HTTP."""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from infra import cfn


@dataclass
class HttpAnswer:
    """An HTTP answer of the local stack."""

    status: int
    headers: dict[str, str]
    body: Any

    def error_code(self) -> str:
        """The contract error code."""
        return str(self.body["error"]["code"])

    def field_codes(self) -> dict[str, str]:
        """``field → code`` of a 422."""
        return {item["field"]: item["code"] for item in self.body["error"].get("fields", [])}


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
    ) -> HttpAnswer:
        """Send a request; JSON bodies in and out."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=all_headers
        )
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
        return HttpAnswer(status, {k.lower(): v for k, v in head.items()}, parsed)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalApi]:
    """``python -m infra.local_stack`` on a free port; ready when its banner says so."""
    env = {**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1"}
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
    yield api
    process.terminate()
    process.wait(timeout=20)
