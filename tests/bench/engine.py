"""The FAQ search alone, on a knowledge base grown to 500 entries from the real ones."""

import copy
import statistics
import time
from typing import Any

QUERIES = (
    ("does it hurt", "en"),
    ("hurst", "en"),  # a typo
    ("pimples after laser", "en"),  # a synonym
    ("會唔會痛", "zh-HK"),
    ("暗瘡", "zh-HK"),
)


def grown_content(entries: int) -> dict[str, Any]:
    """The bundled content with the FAQ repeated (ids numbered) up to ``entries`` entries."""
    from clinic.knowledge import read_content_files

    raw = read_content_files()
    faqs: list[dict[str, Any]] = list(raw["faqs"])  # type: ignore[call-overload]
    grown = list(faqs)
    for n in range(entries - len(faqs)):
        entry = copy.deepcopy(faqs[n % len(faqs)])
        entry["id"] = f"{entry['id']}-{n}"
        entry["related"] = []
        grown.append(entry)
    return {**raw, "faqs": grown}


def faq_search(entries: int = 500, rounds: int = 200) -> dict[str, Any]:
    """Median and p99 (ms) of ``search_faqs`` over the queries, the index built beforehand."""
    from clinic.faq import search_faqs
    from clinic.knowledge import KnowledgeBase

    kb = KnowledgeBase.model_validate(grown_content(entries))
    search_faqs(kb, "warm up", "en")  # builds the index once, as the first request does
    timings = []
    for _ in range(rounds):
        for query, lang in QUERIES:
            began = time.perf_counter()
            search_faqs(kb, query, lang)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return {
        "entries": len(kb.faqs),
        "queries": len(timings),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
    }
