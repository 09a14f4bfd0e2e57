"""Functions stay independent in code: what a handler imports is what it needs."""

import json
import subprocess
import sys

import pytest

from infra import cfn

# In a fresh interpreter: import the handler, note every module loaded and file opened.
_PROBE = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
sys.path[:0] = [{code_dir!r}, "shared"]
import app
print(json.dumps({{"modules": sorted(sys.modules), "opened": opened}}))
"""


def imported_by(function: str) -> dict[str, list[str]]:
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
    result: dict[str, list[str]] = json.loads(out)
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
