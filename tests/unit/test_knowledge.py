"""The bundled knowledge base is complete, bilingual and consistent with the contract."""

import json
from typing import get_args

import pytest
from pydantic import ValidationError

from clinic.knowledge import (
    CauseId,
    KnowledgeBase,
    PoreTypeId,
    TreatmentId,
    bundled_knowledge,
    read_content_files,
)

KB = bundled_knowledge()
SIMPLIFIED_ONLY = set("们这发肤疗应该为时间过还没来对说让后")


def test_every_contract_identifier_is_present() -> None:
    assert {t.id for t in KB.treatments} == set(get_args(TreatmentId))
    assert {p.id for p in KB.pore_types} == set(get_args(PoreTypeId))
    assert {c.id for c in KB.causes} == set(get_args(CauseId))


def test_the_faq_has_the_articles_questions_and_more() -> None:
    assert len(KB.faqs) >= 15
    assert KB.faq("does-it-hurt") is not None


def test_chinese_texts_are_traditional() -> None:
    text = json.dumps(read_content_files(), ensure_ascii=False)
    assert not SIMPLIFIED_ONLY & set(text)


def test_a_broken_reference_is_refused() -> None:
    raw = read_content_files()
    faqs = raw["faqs"]
    assert isinstance(faqs, list)
    faqs[0] = {**faqs[0], "related": ["no-such-question"]}
    with pytest.raises(ValidationError, match="bad related ids"):
        KnowledgeBase.model_validate(raw)


def test_a_missing_treatment_is_refused() -> None:
    raw = read_content_files()
    treatments = raw["treatments"]
    assert isinstance(treatments, list)
    raw["treatments"] = [t for t in treatments if t["id"] != "rf-tightening"]
    with pytest.raises(ValidationError, match="treatments must hold exactly"):
        KnowledgeBase.model_validate(raw)
