"""The golden set's floors: quality cannot drop silently (``make eval`` prints the figures)."""

import re

import pytest

from tests.eval import Report, evaluate, golden_profiles, golden_queries

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[a-zA-Z]")


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate()


def test_the_golden_set_is_large_and_varied_enough_to_mean_something() -> None:
    profiles, queries = golden_profiles(), golden_queries()
    assert len(profiles) >= 60
    assert len(queries) >= 60
    assert sum(bool(row["answers"].get("precautions")) for row in profiles) >= 10
    assert sum(len(row.get("with", ())) > 1 for row in profiles) >= 5
    mixed = [q for q in queries if CJK.search(q["q"]) and LATIN.search(q["q"])]
    assert len(mixed) >= 5, "mixed Cantonese-English queries"
    assert sum(q["lang"] == "zh-HK" for q in queries) >= 25


def test_profile_agreement_holds_its_floor(report: Report) -> None:
    assert report.agreement >= 0.95, report.failures


def test_faq_search_holds_its_floors(report: Report) -> None:
    assert report.faq_top3 >= 0.95, report.failures
    assert report.faq_top1 >= 0.90, report.failures
    assert report.faq_mrr >= 0.90, report.failures


def test_no_safety_rule_is_ever_broken(report: Report) -> None:
    assert report.checked_for_safety >= 3000
    assert report.safety_violations == 0, report.failures


def test_the_table_names_every_figure(report: Report) -> None:
    table = report.table()
    for name in ("agreement", "top-1", "top-3", "mean reciprocal rank", "Safety violations"):
        assert name in table
