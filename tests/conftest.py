"""Shared fixtures: an isolated environment per test, DynamoDB under moto's mock_aws with the
tables created from template.yaml and the knowledge base seeded, and the local stack."""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from infra import cfn
from tests.support import LocalApi

TABLES = cfn.local_table_names()


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment template.yaml gives the functions, with fake credentials."""
    from clinic.aws import reset_clients
    from clinic.content_store import reset_knowledge
    from clinic.settings import settings

    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    refs = {**cfn.local_refs(), "AllowedOrigins": "https://www.example-clinic.hk"}
    for function in cfn.functions(refs).values():
        for key, value in function.environment.items():
            if key != "POWERTOOLS_SERVICE_NAME":
                monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "ap-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-east-1")  # Lambda sets both
    settings.cache_clear()
    reset_clients()
    reset_knowledge()
    yield
    settings.cache_clear()
    reset_clients()
    reset_knowledge()


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's DynamoDB with the template's tables and the seeded knowledge base."""
    import boto3
    from moto import mock_aws

    from clinic.aws import dynamodb, reset_clients
    from clinic.content_store import DynamoContent
    from clinic.knowledge import read_content_files

    with mock_aws():
        reset_clients()
        cfn.create_tables(dynamodb(), TABLES)
        cfn.create_secrets(boto3.client("secretsmanager"), cfn.local_secret_names())
        DynamoContent(TABLES["ContentTable"]).seed(read_content_files())
        yield
        reset_clients()


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
