"""The recommendation package's seams: the store's lookup stays light, old imports still work."""

import subprocess
import sys
from pathlib import Path

import pytest

import clinic.recommendation as package

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _modules_after_import(module: str) -> set[str]:
    """The clinic modules loaded by importing ``module`` in a fresh interpreter."""
    code = f"import sys, {module}; print('\\n'.join(m for m in sys.modules if m.startswith('clinic')))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SHARED), "PATH": ""},
    )
    return set(done.stdout.split())


def test_the_recommendation_store_loads_neither_the_engine_nor_the_rules() -> None:
    loaded = _modules_after_import("clinic.recommendation_store")
    assert "clinic.recommendation.assessment" in loaded
    heavy = {"clinic.recommendation.engine", "clinic.recommendation.rules", "clinic.recommendation.rendering"}
    assert not heavy & loaded


def test_every_name_the_package_re_exports_resolves_to_its_home() -> None:
    for name, module in package._MODULE_OF.items():
        value = getattr(package, name)
        assert value is getattr(sys.modules[module], name)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018 - the lookup itself is what is tested
