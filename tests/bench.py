"""Benchmarks (``make bench``): each figure as a ratio to a floor measured in the same run.

The machines are noisy, so absolute times mean little; ratios to a floor taken a moment
earlier on the same machine compare across runs. Nothing here asserts: it prints.

- cold start: importing each function's module in a fresh interpreter, against a bare
  interpreter start (the floor);
- warm requests: a function invoked in-process under moto (FAQ search, a new registration,
  a recommendation), against a floor of ``json.dumps`` of a small body;
- the FAQ search and the recommendation engine alone.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from infra import cfn

REPEAT = 7


def best_of(run: Callable[[], object], repeat: int = REPEAT, number: int = 1) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, per call (seconds)."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            run()
        timings.append((time.perf_counter() - start) / number)
    return min(timings)


def interpreter(code: str) -> Callable[[], object]:
    env = {**os.environ, "PYTHONPATH": f"{cfn.ROOT / 'shared'}", "POWERTOOLS_METRICS_NAMESPACE": "Bench"}
    return lambda: subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=cfn.ROOT)


def cold_starts() -> None:
    floor = best_of(interpreter("pass"), repeat=5)
    print(f"cold start floor (bare interpreter): {floor * 1000:.0f} ms")
    for name in ("faq", "registration", "recommendation"):
        code = f"import sys; sys.path.insert(0, 'functions/{name}'); import app"
        took = best_of(interpreter(code), repeat=5)
        print(f"  import functions/{name}/app.py: {took * 1000:6.0f} ms  = {took / floor:5.1f} x floor")
    lookup = "from clinic.registration import _holidays_of; _holidays_of(2027)"
    precomputed = best_of(interpreter(lookup), repeat=5)
    library = best_of(interpreter(lookup.replace("_holidays_of", "holidays_from_library")), repeat=5)
    for label, took in (("precomputed file", precomputed), ("the package", library)):
        print(f"  clinic.registration + holidays ({label:16s}): {took * 1000:5.0f} ms = {took / floor:5.1f} x floor")


def warm_requests() -> None:
    from moto import mock_aws

    from clinic.aws import dynamodb, reset_clients
    from clinic.content_store import DynamoContent
    from clinic.knowledge import read_content_files
    from clinic.registration import booking_window, public_holidays, today_in_hong_kong
    from clinic.settings import settings
    from tests.support import call, load_function

    refs = cfn.local_refs()
    for function in cfn.functions(refs).values():
        os.environ.update({k: v for k, v in function.environment.items() if k != "POWERTOOLS_SERVICE_NAME"})
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="ap-east-1")
    small = {"helpful": True, "reason": "clear"}
    floor = best_of(lambda: json.dumps(small), number=2000)
    print(f"\nwarm request floor (json.dumps of a small body): {floor * 1e6:.2f} µs")
    with mock_aws():
        reset_clients()
        cfn.create_tables(dynamodb(), cfn.local_table_names())
        DynamoContent("ContentTable").seed(read_content_files())
        faq = load_function("FaqFunction")
        registration = load_function("RegistrationFunction")
        recommendation = load_function("RecommendationFunction")
        window = booking_window(today_in_hong_kong(), settings())
        closed = public_holidays(window)
        days = [d.isoformat() for d in window.days() if d not in closed]
        phones = iter(range(65_000_000, 66_000_000))

        def register() -> Any:
            body = {
                "name": "Bench Mark",
                "phone": str(next(phones)),
                "treatment": "acne-treatment",
                "branch": "causeway-bay",
                "preferred_date": days[next(phones) % len(days)],
                "agree_terms": True,
            }
            return call(registration, "POST", "/registrations", body=body)

        questionnaire = {"skin_type": "oily", "age_range": "25_34", "concerns": ["blackheads", "enlarged_pores"]}
        cases: dict[str, Callable[[], Any]] = {
            "GET /faqs?q=does it hurt": lambda: call(faq, "GET", "/faqs", query={"q": "does it hurt"}),
            "GET /faqs?q=痛 (zh-HK)": lambda: call(faq, "GET", "/faqs", query={"q": "痛", "lang": "zh-HK"}),
            "POST /registrations (new)": register,
            "POST /recommendations": lambda: call(recommendation, "POST", "/recommendations", body=questionnaire),
        }
        for label, run in cases.items():
            run()  # warm: content cached, imports done
            took = statistics.median(best_of(run, repeat=3, number=20) for _ in range(3))
            print(f"  {label:32s} {took * 1000:7.2f} ms = {took / floor:8.0f} x floor (moto in-process)")


def engines() -> None:
    from clinic.faq import index_for
    from clinic.knowledge import bundled_knowledge

    kb = bundled_knowledge()
    index = index_for(kb)
    floor = best_of(lambda: sorted(range(200), key=lambda n: -n), number=500)
    print(f"\nengine floor (sorting 200 ints): {floor * 1e6:.1f} µs")
    for query, lang in (("does it hurt", "en"), ("hurst", "en"), ("會唔會痛", "zh-HK"), ("pimples after laser", "en")):
        took = best_of(lambda q=query, lg=lang: index.search(q, lg), number=200)  # type: ignore[misc]
        print(f"  FAQ search {query!r:24s} {took * 1e6:8.1f} µs = {took / floor:6.1f} x floor")
    try:
        from clinic.recommendation import Questionnaire, assess
    except ImportError:
        return
    answers = Questionnaire.model_validate({"skin_type": "combination", "age_range": "35_44", "concerns": ["dullness"]})
    took = best_of(lambda: assess(kb, answers), number=200)
    print(f"  recommendation scoring       {took * 1e6:8.1f} µs = {took / floor:6.1f} x floor")


if __name__ == "__main__":
    sys.path.insert(0, str(cfn.ROOT / "shared"))
    cold_starts()
    warm_requests()
    engines()
