"""The FAQ search ranks the right entry first, in both languages, despite typos."""

import pytest

from clinic.faq import index_for, search_faqs, tokens
from clinic.knowledge import bundled_knowledge

KB = bundled_knowledge()


def top_ids(query: str, lang: str = "en", n: int = 3) -> list[str]:
    return [item.id for item in search_faqs(KB, query, lang).items[:n]]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("does it hurt", "en"),
        ("hurst", "en"),  # a typo
        ("Is it painful?", "en"),
        ("痛", "zh-HK"),
        ("做完會唔會痛", "zh-HK"),
        ("会痛吗", "zh-HK"),  # Simplified, folded to Traditional
        ("痛", "en"),  # Chinese words with the English page still find it
    ],
)
def test_pain_question_is_in_the_top_three(query: str, lang: str) -> None:
    assert "does-it-hurt" in top_ids(query, lang)


def test_pain_question_is_first_for_the_plain_question() -> None:
    assert top_ids("does it hurt", n=1) == ["does-it-hurt"]


@pytest.mark.parametrize("query", ["acne", "pimples", "暗瘡", "痤瘡", "粉刺"])
def test_synonyms_of_acne_find_the_same_entries(query: str) -> None:
    assert top_ids(query, "zh-HK", n=1) == top_ids("暗瘡", "zh-HK", n=1)


def test_results_are_ranked_and_scored_relative_to_the_best() -> None:
    items = search_faqs(KB, "sunscreen after laser", "en").items
    scores = [item.score or 0.0 for item in items]
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_a_query_with_no_match_in_any_language_returns_nothing() -> None:
    result = search_faqs(KB, "qwxzv plmkj", "en")
    assert result.items == []
    assert result.fallback is False  # nothing came from the other language either


def test_fallback_is_marked_when_only_the_other_language_matches() -> None:
    # "carbon" appears only in the English text; the answer is still rendered in Chinese.
    hits, fallback = index_for(KB).search("carbon", "zh-HK")
    assert fallback is True
    assert hits
    result = search_faqs(KB, "carbon", "zh-HK")
    assert result.fallback is True
    assert any("\u4e00" <= char <= "\u9fff" for char in result.items[0].question)


def test_listing_without_a_query_returns_every_entry_in_order() -> None:
    result = search_faqs(KB, None, "en")
    assert [item.id for item in result.items] == [faq.id for faq in KB.faqs]
    assert all(item.score is None for item in result.items)


def test_related_questions_are_rendered_in_the_same_language() -> None:
    item = search_faqs(KB, "痛", "zh-HK").items[0]
    assert item.related
    related_ids = {ref.id for ref in item.related}
    assert related_ids <= {faq.id for faq in KB.faqs}
    assert all(any("\u4e00" <= c <= "\u9fff" for c in ref.question) for ref in item.related)


def test_chinese_is_tokenised_into_characters_and_bigrams() -> None:
    assert tokens("毛孔粗大") == ["毛", "孔", "粗", "大", "毛孔", "孔粗", "粗大"]
    assert tokens("Enlarged PORES") == ["enlarged", "pore"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pian", "does-it-hurt"),  # two letters swapped: one edit
        ("cancle my booking", "change-or-cancel-booking"),
        ("chemical peal", "about-aha-peel"),
    ],
)
def test_a_transposition_or_a_slip_counts_as_one_typo(query: str, expected: str) -> None:
    assert top_ids(query, n=1) == [expected]


@pytest.mark.parametrize(
    "query", ["micro needle", "microneedling", "micro-needling", "microneedle", "微針導入適合咩人"]
)
def test_split_and_joined_words_find_the_treatment(query: str) -> None:
    lang = "zh-HK" if "微" in query else "en"
    assert top_ids(query, lang, n=1) == ["about-microneedling"]


def test_one_word_the_vocabulary_knows_as_two_is_split() -> None:
    assert top_ids("carbonlaser", n=1) == ["about-carbon-laser"]


def test_the_intent_word_outweighs_shared_filler() -> None:
    assert top_ids("cancel my booking", n=1) == ["change-or-cancel-booking"]
    assert top_ids("how do I book", n=1) == ["how-to-book-trial"]


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("how often should I exfoliate", "en", "how-often-exfoliate"),
        ("幾耐敷一次面膜", "zh-HK", "how-often-mask"),
        ("做完有冇downtime", "zh-HK", "downtime"),
    ],
)
def test_the_daily_tips_and_mixed_language_questions_are_found(query: str, lang: str, expected: str) -> None:
    assert top_ids(query, lang, n=1) == [expected]
