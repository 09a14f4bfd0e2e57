"""The content review sheet is generated, complete and never stale."""

from pathlib import Path

import pytest

from clinic.knowledge import bundled_knowledge
from infra import content_review

KB = bundled_knowledge()
ARTICLE = content_review.ARTICLE.read_text(encoding="utf-8")


def test_the_committed_sheet_matches_the_knowledge_base() -> None:
    assert content_review.main(["--check"]) == 0, "run make content-review"


def test_every_session_count_downtime_and_precaution_is_listed_in_both_languages() -> None:
    sheet = content_review.render_sheet(KB, ARTICLE)
    for treatment in KB.treatments:
        for fact in (treatment.sessions, treatment.downtime):
            assert f"- EN: {fact.en}" in sheet
            assert f"- 中文: {fact.zh_hk}" in sheet
    assert sheet.count("## precautions/") == 6
    assert "free-trial eligibility" in sheet


def test_a_number_the_article_states_is_not_a_claim_and_one_it_does_not_is() -> None:
    assert content_review._not_in_article("Avoid makeup for 24 hours.", ARTICLE) == []
    assert content_review._not_in_article("Avoid makeup for 48 hours.", ARTICLE) == ["48 hours"]


def test_a_stale_sheet_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "content-review.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(content_review, "SHEET", stale)
    monkeypatch.setattr(content_review, "ROOT", tmp_path)
    assert content_review.main(["--check"]) == 1
