"""The operator's command line against the local stack: create a user, list a day, export."""

import re
import subprocess
import sys

import pytest

from infra import cfn
from tests.integration.test_staff_http import a_day
from tests.support import LocalApi

pytestmark = pytest.mark.integration


def register(api: LocalApi, branch: str, day: str) -> str:
    """A registration through the public API (phones of its own: this module may be imported
    apart from the HTTP tests' module, with their own counter)."""
    answer = api.request(
        "POST",
        "/registrations",
        {"name": "CLI Test", "phone": "6800 0001", "treatment": "acne-treatment", "branch": branch,
         "preferred_date": day, "agree_terms": True},
    )  # fmt: skip
    assert answer.status == 201, answer.body
    return str(answer.body["reference"])


def embedded_aws(api: LocalApi) -> str:
    """The local stack's embedded AWS endpoint, from its banner."""
    banner = "".join(api.log)  # type: ignore[attr-defined]
    found = re.search(r"DynamoDB\s*: (http://\S+) \(moto server\)", banner)
    assert found, banner
    return found.group(1)


def cli(api: LocalApi, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.staff", "--endpoint", embedded_aws(api), *args],
        cwd=cfn.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_operator_lists_exports_and_adds_a_user(local_stack: LocalApi) -> None:
    day = a_day(local_stack, 16)
    reference = register(local_stack, "central", day)

    listed = cli(local_stack, "today", "--branch", "central", "--date", day)
    assert listed.returncode == 0, listed.stderr
    assert reference in listed.stdout
    assert "pending_confirmation" in listed.stdout

    exported = cli(local_stack, "export", "--branch", "central", "--date", day)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("\ufeffreference,status,name,phone")
    assert reference in exported.stdout

    refused = cli(local_stack, "today", "--branch", "nowhere")
    assert refused.returncode == 2
    assert "VALIDATION_FAILED" in refused.stderr

    created = cli(local_stack, "create-user", "amy.wong", "--group", "branch-central")
    assert created.returncode == 0, created.stderr
    assert cli(local_stack, "create-user", "bob", "--group", "cleaners").returncode == 2
    token = local_stack.request("POST", "/_local/staff-token", {"username": "amy.wong"})
    assert token.status == 200
    mine = local_stack.request(
        "GET", f"/staff/registrations?date={day}", headers={"Authorization": f"Bearer {token.body['token']}"}
    )
    assert reference in [item["reference"] for item in mine.body["items"]]
