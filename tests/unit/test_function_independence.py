"""Functions stay independent in code: what a handler imports is what it needs."""

import json
import subprocess
import sys
from typing import Any

import pytest

from infra import cfn

# In a fresh interpreter: import the handler, note every module loaded (in order), every file
# opened, and whether the garbage collector runs at the end of INIT.
_PROBE = """
import gc, json, sys
opened, order = [], []
def audit(event, args):
    if event == "open":
        opened.append(str(args[0]))
    elif event == "import" and args[0] not in order:
        order.append(args[0])
sys.addaudithook(audit)
sys.path[:0] = [{code_dir!r}, "shared"]
import app
print(json.dumps({{"modules": sorted(sys.modules), "order": order, "opened": opened, "collecting": gc.isenabled()}}))
"""


def imported_by(function: str) -> dict[str, Any]:
    spec = cfn.functions(cfn.local_refs())[function]
    env = {**spec.environment, "AWS_REGION": "ap-east-1", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code_dir=str(spec.code_dir))],
        cwd=cfn.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def test_the_registration_function_loads_neither_the_scoring_engine_nor_its_rules() -> None:
    loaded = imported_by("RegistrationFunction")
    engine = [m for m in loaded["modules"] if m == "clinic.recommendation" or m.startswith("clinic.recommendation.")]
    assert engine == []
    assert not [path for path in loaded["opened"] if path.endswith("scoring_rules.json")]
    assert "clinic.recommendation_lookup" in loaded["modules"]  # the small lookup it uses instead


@pytest.mark.parametrize("function", sorted(cfn.functions(cfn.local_refs())))
def test_no_aws_client_library_is_imported_at_cold_start(function: str) -> None:
    assert "boto3" not in imported_by(function)["modules"]


@pytest.mark.parametrize("function", sorted(cfn.functions(cfn.local_refs())))
def test_the_garbage_collector_is_paused_before_the_heavy_imports_and_through_init(function: str) -> None:
    loaded = imported_by(function)
    order = loaded["order"]
    assert order.index("clinic.startup") < min(order.index("pydantic"), order.index("aws_lambda_powertools"))
    assert loaded["collecting"] is False  # resumed by the first invocation (tests/unit/test_startup.py)
