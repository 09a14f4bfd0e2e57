"""The golden set and its evaluation (``make eval``).

``golden_profiles.json`` holds questionnaire profiles written from the article and the
domain notes (not from the engine's output), ``golden_faq.json`` the questions a visitor
would type, in English, Traditional Chinese and mixed Cantonese-English, with typos. The
evaluation measures the engine and the search against them, and checks safety over the
golden profiles and a seeded sweep of random questionnaires with rules stated here
independently of the engine. ``tests/unit/test_eval_floors.py`` holds the floors.
"""

import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args

from clinic.faq import index_for
from clinic.knowledge import KnowledgeBase, Lang, Precaution, bundled_knowledge
from clinic.recommendation import (
    AgeRange,
    Assessment,
    Concern,
    LifestyleFactor,
    PoreShape,
    Questionnaire,
    SkinType,
    assess,
    scoring_rules,
)

HERE = Path(__file__).parent
NEEDLING_AND_PEELS = {"microneedling-infusion", "aha-peel"}
SWEEP = 3000


@cache
def golden_profiles() -> list[dict[str, Any]]:
    """The golden questionnaire profiles."""
    return list(json.loads((HERE / "golden_profiles.json").read_text(encoding="utf-8"))["profiles"])


@cache
def golden_queries() -> list[dict[str, Any]]:
    """The golden FAQ queries."""
    return list(json.loads((HERE / "golden_faq.json").read_text(encoding="utf-8"))["queries"])


def profile_misses(row: dict[str, Any], result: Assessment) -> list[str]:
    """What a result gets wrong against a golden profile (empty when it agrees)."""
    offered = set(result.treatments)
    misses = []
    if result.top_types[0] not in row["top"]:
        misses.append(f"top {result.top_types[0]} not in {row['top']}")
    if missing := set(row.get("with", ())) - set(result.top_types):
        misses.append(f"types {sorted(missing)} not named")
    if missing := set(row.get("must", ())) - offered:
        misses.append(f"missing {sorted(missing)}")
    if wrong := set(row.get("must_not", ())) & offered:
        misses.append(f"offers {sorted(wrong)}")
    if "first" in row and (not result.treatments or result.treatments[0] not in row["first"]):
        misses.append(f"first {result.treatments[:1]} not in {row['first']}")
    if result.needs_consultation is not row["consultation"]:
        misses.append(f"consultation {result.needs_consultation}")
    if "offer" in row and result.offer_eligible is not row["offer"]:
        misses.append(f"offer {result.offer_eligible}")
    return misses


def safety_violations(kb: KnowledgeBase, answers: Questionnaire, result: Assessment) -> list[str]:
    """The safety rules of issue 11 and the domain notes, checked from the knowledge base and
    the answers alone (not from the engine's own reasoning)."""
    treatments = {t.id: t for t in kb.treatments}
    precautions = set(answers.precautions)
    offered = list(result.treatments)
    first = offered[0] if offered else None
    found = []
    for treatment_id in offered:
        if ruled_out := set(treatments[treatment_id].contraindications) & precautions:
            found.append(f"{treatment_id} offered despite {sorted(ruled_out)}")
    trial = next(t for t in kb.treatments if t.trial_offer)
    if result.offer_eligible and set(trial.contraindications) & precautions:
        found.append("free trial offered despite a precaution that rules it out")
    for precaution in precautions:
        still = [t for t in offered if precaution not in treatments[t].contraindications]
        if scoring_rules().consultation[precaution].rules_out == "all" and still:
            found.append(f"{precaution} says no treatment, yet {still} offered")
    if result.needs_consultation is not bool(precautions):
        found.append("consultation flag disagrees with the precautions")
    active = {"acne", "redness"} & set(answers.concerns)
    if active and first in NEEDLING_AND_PEELS:
        found.append(f"{first} first despite {sorted(active)}")
    if "acne" in answers.concerns and "microneedling-infusion" in offered:
        found.append("microneedling offered on active acne")
    if answers.skin_type == "dry" and "carbon-laser" in offered:
        found.append("carbon laser offered to dry skin")
    no_signs = not answers.concerns and answers.pore_shape == "unsure" and answers.skin_type == "normal"
    if (no_signs or answers.skin_type == "sensitive") and first is not None and not treatments[first].gentle:
        found.append(f"invasive {first} first on weak evidence or sensitive skin")
    return found


def random_questionnaires(count: int = SWEEP, seed: int = 11) -> list[Questionnaire]:
    """A seeded sweep over every kind of answer (the same list on every run)."""
    rng = random.Random(seed)

    def some(values: tuple[str, ...], most: int) -> list[str]:
        return rng.sample(values, rng.randint(0, most))

    habits = ("removes_makeup", "exfoliates_weekly", "moisturises", "uses_sunscreen")
    return [
        Questionnaire.model_validate(
            {
                "skin_type": rng.choice(get_args(SkinType)),
                "concerns": some(get_args(Concern), 4),
                "pore_shape": rng.choice(get_args(PoreShape)),
                "age_range": rng.choice(get_args(AgeRange)),
                "lifestyle": some(get_args(LifestyleFactor), 3),
                "habits": {name: rng.choice((True, False, None)) for name in habits},
                "precautions": some(get_args(Precaution), 2) if rng.random() < 0.4 else [],
            }
        )
        for _ in range(count)
    ]


@dataclass
class Report:
    """The evaluation's figures, and what went wrong, for printing and for the floors."""

    profiles: int = 0
    agreement: float = 0.0
    top_type_accuracy: float = 0.0
    first_accuracy: float = 0.0
    first_rows: int = 0
    queries: int = 0
    faq_top1: float = 0.0
    faq_top3: float = 0.0
    faq_mrr: float = 0.0
    checked_for_safety: int = 0
    safety_violations: int = 0
    failures: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The figures as a Markdown table."""
        rows = [
            ("Profiles: agreement (every check of a row)", f"{self.agreement:.1%}", self.profiles),
            ("Profiles: top pore type accepted", f"{self.top_type_accuracy:.1%}", self.profiles),
            ("Profiles: first treatment accepted (rows that say)", f"{self.first_accuracy:.1%}", self.first_rows),
            ("FAQ: top-1 accuracy", f"{self.faq_top1:.1%}", self.queries),
            ("FAQ: top-3 accuracy", f"{self.faq_top3:.1%}", self.queries),
            ("FAQ: mean reciprocal rank", f"{self.faq_mrr:.3f}", self.queries),
            ("Safety violations (golden + seeded sweep)", str(self.safety_violations), self.checked_for_safety),
        ]
        lines = ["| Measure | Value | n |", "| --- | ---: | ---: |"]
        lines += [f"| {name} | {value} | {n} |" for name, value, n in rows]
        return "\n".join(lines)


def evaluate(kb: KnowledgeBase | None = None) -> Report:
    """Run the golden set and the safety sweep."""
    kb = kb or bundled_knowledge()
    report = Report()
    profiles = golden_profiles()
    agreed = top_ok = first_ok = first_rows = 0
    answers_checked: list[tuple[Questionnaire, Assessment]] = []
    for row in profiles:
        answers = Questionnaire.model_validate(row["answers"])
        result = assess(kb, answers)
        answers_checked.append((answers, result))
        misses = profile_misses(row, result)
        agreed += not misses
        top_ok += result.top_types[0] in row["top"]
        if "first" in row:
            first_rows += 1
            first_ok += bool(result.treatments) and result.treatments[0] in row["first"]
        report.failures += [f"profile {row['name']!r}: {miss}" for miss in misses]
    report.profiles = len(profiles)
    report.agreement = agreed / len(profiles)
    report.top_type_accuracy = top_ok / len(profiles)
    report.first_accuracy = first_ok / max(first_rows, 1)
    report.first_rows = first_rows

    index = index_for(kb)
    queries = golden_queries()
    top1 = top3 = 0
    reciprocal = 0.0
    for query in queries:
        lang: Lang = query["lang"]
        hits, _ = index.search(query["q"], lang)
        ids = [hit.faq.id for hit in hits]
        rank = next((i + 1 for i, faq_id in enumerate(ids) if faq_id in query["expect"]), None)
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        if rank != 1:
            report.failures.append(f"faq {query['q']!r}: expected {query['expect']}, got {ids[:3]}")
    report.queries = len(queries)
    report.faq_top1 = top1 / len(queries)
    report.faq_top3 = top3 / len(queries)
    report.faq_mrr = reciprocal / len(queries)

    answers_checked += [(answers, assess(kb, answers)) for answers in random_questionnaires()]
    for answers, result in answers_checked:
        violations = safety_violations(kb, answers, result)
        report.safety_violations += len(violations)
        report.failures += [f"safety {answers.model_dump(exclude_defaults=True)}: {v}" for v in violations[:1]]
    report.checked_for_safety = len(answers_checked)
    return report
