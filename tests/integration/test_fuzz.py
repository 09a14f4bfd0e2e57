"""Schemathesis against a local stack's ``/openapi.json``: no 5xx, every answer as the spec says.

The stack is its own (generated registrations never reach the shared one), started with
``DAILY_CAPACITY=5``: the first test checks that the template's settings come from the
environment, as ``DAILY_CAPACITY=5 make run`` promises. ``make test`` runs the short profile
(about a minute, fixed seed); ``make fuzz`` the long one (FUZZ_PROFILE=long, random seed).
Every check runs but ``positive_data_acceptance``: the spec cannot say which treatment,
branch and date the catalogue and the calendar accept, so a schema-valid form may rightly
get a 422.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LocalApi, start_local_stack

pytestmark = pytest.mark.integration

PROFILES = {
    "short": ["--max-time", "60", "--seed", "20261129"],
    "long": ["--max-time", "900", "--max-examples", "500"],
}


@pytest.fixture(scope="module")
def fuzz_stack() -> Iterator[LocalApi]:
    with start_local_stack({"DAILY_CAPACITY": "5", "LOCAL_WORKERS": "2"}) as api:
        yield api


def test_the_local_stack_takes_the_templates_settings_from_the_environment(fuzz_stack: LocalApi) -> None:
    options = fuzz_stack.request("GET", "/registration-options")
    capacities = [branch["daily_capacity"] for branch in options.body["branches"]]
    assert 5 in capacities
    assert 20 not in capacities  # the default gave way; a branch may still set its own


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_spec(fuzz_stack: LocalApi, tmp_path: Path) -> None:
    profile = os.environ.get("FUZZ_PROFILE", "short")
    base = fuzz_stack.base_url
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{base}/openapi.json",
        "--url",
        base,
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--generation-database",
        "none",
        "--workers",
        "2",
        "--no-color",
        "--report",
        "har",
        "--report-har-path",
        str(tmp_path / "run.har"),
        *PROFILES[profile],
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    entries = json.loads((tmp_path / "run.har").read_text())["log"]["entries"]
    statuses = Counter(entry["response"]["status"] for entry in entries)
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(
        f"\nschemathesis ({profile}): {len(entries)} requests, {server_errors} 5xx, statuses {sorted(statuses.items())}"
    )
    assert len(entries) > 200
    assert server_errors == 0
    assert result.returncode == 0, result.stdout[-6000:]
