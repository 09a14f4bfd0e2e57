"""Terms the clinic must confirm: one home each, agreeing with the article, one word each."""

import json
import re
from importlib import resources
from typing import Any

import pytest

from clinic.knowledge import LANGS, bundled_knowledge

KB = bundled_knowledge()
#: The preferred Traditional Chinese term per concept, and variants that must not appear in
#: the texts people read (search keywords and synonyms keep them, to be found).
GLOSSARY = {
    "果酸煥膚": ("換膚",),
    "手提電話號碼": ("手機號碼", "流動電話號碼"),
    "復原期": ("恢復期",),
    "暗瘡": ("痤瘡",),
    "激光": ("鐳射",),
    "膠原蛋白": ("骨膠原",),
    "免費體驗": ("免費試做",),
}


def _reader_texts() -> list[tuple[str, str]]:
    """Every text a person reads (``where``, text), keywords and synonyms left out."""
    found: list[tuple[str, str]] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in {"keywords", "id", "related", "treatments"}:
                    walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for position, item in enumerate(value):
                walk(item, f"{where}[{position}]")
        elif isinstance(value, str):
            found.append((where, value))

    folder = resources.files("clinic") / "content"
    for name in ("faqs", "treatments", "pore_types", "causes", "tips"):
        walk(json.loads((folder / f"{name}.json").read_text(encoding="utf-8")), name)
    walk(json.loads((resources.files("clinic") / "scoring_rules.json").read_text(encoding="utf-8")), "rules")
    return found


@pytest.mark.parametrize("preferred", GLOSSARY)
def test_one_chinese_term_per_concept(preferred: str) -> None:
    offending = [where for where, text in _reader_texts() for variant in GLOSSARY[preferred] if variant in text]
    assert offending == [], f"use {preferred}"


def test_every_session_count_agrees_with_the_article() -> None:
    for treatment in KB.treatments:
        assert "3\u20136" in treatment.sessions.en, treatment.id
        assert "3至6" in treatment.sessions.zh_hk, treatment.id


def test_each_treatment_has_its_own_entry_quoting_the_catalogue() -> None:
    for treatment in KB.treatments:
        (entry,) = [faq for faq in KB.faqs if faq.treatments == (treatment.id,) and faq.id.startswith("about-")]
        for lang in LANGS:
            answer = entry.answer.get(lang)
            for fact in (treatment.suits, treatment.downtime, treatment.sessions):
                assert fact.get(lang) in answer, (treatment.id, lang)


def test_the_free_trial_terms_are_stated_in_one_place_only() -> None:
    """Age, first visit and one per person: stated once (checked at the clinic; one per
    phone number is also enforced by the registration), referred to elsewhere."""
    terms = re.compile(r"first-time|one trial per person|aged 18|首次|每人只限|年滿18")
    stating = {where.split(".")[0] for where, text in _reader_texts() if terms.search(text)}
    position = next(i for i, faq in enumerate(KB.faqs) if faq.id == "free-trial-included")
    assert stating == {f"faqs[{position}]"}
