"""Configuration fails early and clearly."""

import pytest

from clinic.settings import MissingSettings, require, settings
from infra import cfn
from tests.support import load_function


def test_require_names_every_missing_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGISTRATIONS_TABLE", raising=False)
    monkeypatch.delenv("MANAGE_TOKEN_SECRET", raising=False)
    settings.cache_clear()
    with pytest.raises(MissingSettings, match="REGISTRATIONS_TABLE, MANAGE_TOKEN_SECRET"):
        require("CONTENT_TABLE", "REGISTRATIONS_TABLE", "MANAGE_TOKEN_SECRET")


def test_require_refuses_a_name_that_is_no_setting() -> None:
    with pytest.raises(ValueError, match="NO_SUCH_THING"):
        require("NO_SUCH_THING")


@pytest.mark.parametrize("function", sorted(cfn.functions(cfn.local_refs())))
def test_a_function_without_its_table_fails_at_cold_start_naming_it(
    function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = [key for key in cfn.functions(cfn.local_refs())[function].environment if key.endswith("_TABLE")]
    for name in tables:
        monkeypatch.delenv(name, raising=False)
    settings.cache_clear()
    with pytest.raises(MissingSettings, match=tables[0]):
        load_function(function)
