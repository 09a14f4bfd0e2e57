"""The layer build's lazy package ``__init__`` files: the same names as Powertools' own, the
unused resolvers and event classes no longer loaded, and a file that does more refused."""

import json
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from infra.layer_lazy_init import PACKAGES, NotReexportOnly, lazy_source, main

DESCRIBE = """
import importlib, json, sys
found = {}
for package in sys.argv[1:]:
    module = importlib.import_module(package)
    found[package] = {
        name: [getattr(value, "__module__", None), getattr(value, "__qualname__", repr(value))]
        for name in module.__all__
        for value in [getattr(module, name)]
    }
from aws_lambda_powertools.event_handler import content_types  # a submodule, through the package
found["submodule"] = content_types.__name__
print(json.dumps(found))
"""

LOADED_BY_THE_REST_RESOLVER = """
import json, sys
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver
print(json.dumps(sorted(sys.modules)))
"""


def run(code: str, path: Path, *args: str) -> Any:
    """Run ``code`` in a fresh interpreter with ``path`` first on ``sys.path``; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(path)!r})\n{code}", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def lazy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the installed Powertools, rewritten as the layer build rewrites it."""
    spec = find_spec("aws_lambda_powertools")
    assert spec is not None
    assert spec.origin is not None
    site = tmp_path_factory.mktemp("layer")
    shutil.copytree(Path(spec.origin).parent, site / "aws_lambda_powertools")
    assert main([str(site)]) == 0
    return site


def test_the_lazy_packages_export_the_same_objects_as_powertools_own(lazy_site: Path) -> None:
    original = run(DESCRIBE, Path("/nonexistent"), *PACKAGES)
    assert run(DESCRIBE, lazy_site, *PACKAGES) == original


def test_the_rest_resolver_no_longer_loads_the_other_resolvers_or_asyncio(lazy_site: Path) -> None:
    eager = set(run(LOADED_BY_THE_REST_RESOLVER, Path("/nonexistent")))
    lazy = set(run(LOADED_BY_THE_REST_RESOLVER, lazy_site))
    unused = {
        "asyncio",
        "aws_lambda_powertools.event_handler.appsync",
        "aws_lambda_powertools.event_handler.bedrock_agent",
        "aws_lambda_powertools.event_handler.openapi.merge",
        "aws_lambda_powertools.utilities.data_classes.kafka_event",
    }
    assert unused <= eager  # what Powertools' own files load
    assert not unused & lazy
    assert "aws_lambda_powertools.event_handler.api_gateway" in lazy


def test_a_file_that_does_more_than_re_export_is_refused() -> None:
    source = '"""Doc."""\nfrom .a import A\nA.configure()\n__all__ = ["A"]\n'
    with pytest.raises(NotReexportOnly, match="line 3"):
        lazy_source(source, "pkg")
    with pytest.raises(NotReexportOnly, match="__all__"):
        lazy_source('from .a import A\n__all__ = ["A", "B"]\n', "pkg")


def test_relative_and_aliased_imports_resolve_to_their_modules() -> None:
    lazy = lazy_source('"""Doc."""\nfrom .a import A as B\nfrom ..c import C\n__all__ = ["B", "C"]\n', "pkg.sub")
    namespace: dict[str, object] = {}
    exec(compile(lazy, "lazy", "exec"), namespace)
    assert namespace["_EXPORTS"] == {"B": ("pkg.sub.a", "A"), "C": ("pkg.c", "C")}
    assert namespace["__doc__"] == "Doc."
