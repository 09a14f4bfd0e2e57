"""The content review sheet: every claim of the knowledge base that the article does not make.

``python -m infra.content_review`` writes ``docs/content-review.md`` (``make content-review``);
``--check`` fails when the committed sheet differs from what the knowledge base gives now,
so a change of sessions, downtime, contraindications or trial terms reaches the clinic's
sign-off. The article is ``docs/source-article.txt``, a copy of the clinic's page.

What counts as a claim: each treatment's sessions and downtime, which treatments each
precaution rules out (and the windows its text names), the free trial's eligibility terms,
and any other text with a number of sessions, days, weeks, months, hours or years that
the article does not state. Each comes in both languages, with the reason it needs review.
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from clinic.knowledge import KnowledgeBase, LocalText, bundled_knowledge
from clinic.recommendation import scoring_rules

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "docs" / "content-review.md"
ARTICLE = ROOT / "docs" / "source-article.txt"

_NUMBER = re.compile(
    r"\d+(?:\s*[\u2013-]\s*\d+)?\s*(?:sessions?|times?|days?|weeks?|months?|hours?|years?)"
    r"|(?:aged|under) \d+|\d+ or over",
    re.IGNORECASE,
)
_EN_DASH = "\u2013"  # the article writes ranges with it: "3\u20136 sessions"
_DOWNTIME_IN_ARTICLE = {
    "rf-tightening": "The article says RF has “minimal downtime”",
    "acne-treatment": "The article says the Acne Treatment “requires no downtime”",
}
_TRIAL_TERMS = re.compile(r"first-time|one trial per person|aged 18", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One claim to sign off: where it is, its text in both languages, and why."""

    where: str
    text: LocalText
    reason: str


def _not_in_article(text: str, article: str) -> list[str]:
    """The numbers of sessions, days, … in ``text`` that the article does not state."""
    normal = article.lower().replace("-", _EN_DASH)
    return [m for m in _NUMBER.findall(text) if m.lower().replace("-", _EN_DASH) not in normal]


def claims(kb: KnowledgeBase, article: str) -> list[Claim]:
    """Every claim of the knowledge base the article does not make, in a stable order."""
    found: list[Claim] = []
    for t in kb.treatments:
        interval = ", ".join(_not_in_article(t.sessions.en, article)) or "none"
        found.append(
            Claim(
                f"treatments/{t.id}/sessions",
                t.sessions,
                "The article says “3\u20136 sessions are usually needed” for all treatments; the interval"
                f" and any maintenance are the clinic's practice (not in the article: {interval}).",
            )
        )
        article_says = _DOWNTIME_IN_ARTICLE.get(t.id, "The article says nothing of this treatment's downtime")
        found.append(
            Claim(
                f"treatments/{t.id}/downtime",
                t.downtime,
                f"{article_says}; the description and durations here are the clinic's to confirm.",
            )
        )
    rules = scoring_rules()
    for precaution, consultation in rules.consultation.items():
        ruled_out = [t.id for t in kb.treatments if precaution in t.contraindications]
        found.append(
            Claim(
                f"precautions/{precaution} (rules out {consultation.rules_out}: {', '.join(ruled_out)})",
                consultation.text,
                "The article has no contraindications; which treatments this rules out, and for how"
                " long, follow common pre-procedure screening (domain notes) and need a clinician's"
                " sign-off.",
            )
        )
    for faq in kb.faqs:
        if _TRIAL_TERMS.search(faq.answer.en):
            found.append(
                Claim(
                    f"faqs/{faq.id} (free-trial eligibility, its one home)",
                    faq.answer,
                    "The article names the free trial but none of its terms (age, first visit, one per"
                    " person); the clinic must confirm them. One per mobile number and treatment is"
                    " enforced by the registration; age and first visit are checked at the clinic.",
                )
            )
        elif numbers := _not_in_article(faq.answer.en, article):
            found.append(Claim(f"faqs/{faq.id}", faq.answer, _numbers_reason(numbers)))
    for t in kb.treatments:
        for position, (en, zh) in enumerate(zip(t.cautions.en, t.cautions.zh_hk, strict=False)):
            if numbers := _not_in_article(en, article):
                text = LocalText.model_validate({"en": en, "zh-HK": zh})
                found.append(Claim(f"treatments/{t.id}/cautions[{position}]", text, _numbers_reason(numbers)))
    return found


def _numbers_reason(numbers: list[str]) -> str:
    return f"Not in the article: {', '.join(dict.fromkeys(numbers))}."


def render_sheet(kb: KnowledgeBase, article: str) -> str:
    """The review sheet as Markdown."""
    found = claims(kb, article)
    lines = [
        "# Content review: claims not in the article",
        "",
        "Generated by `make content-review` (`python -m infra.content_review`) from the knowledge",
        "base (`shared/clinic/content/*.json`, `shared/clinic/scoring_rules.json`); do not edit by",
        "hand. A test fails when this file is stale. The article is `docs/source-article.txt`.",
        "Each claim below needs the clinic's sign-off, in both languages.",
        "",
        f"{len(found)} claims.",
    ]
    for claim in found:
        lines += [
            "",
            f"## {claim.where}",
            "",
            f"- EN: {claim.text.en}",
            f"- 中文: {claim.text.zh_hk}",
            f"- Why review: {claim.reason}",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the sheet, or with ``--check`` fail when the committed one is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/content-review.md is stale")
    args = parser.parse_args(argv)
    sheet = render_sheet(bundled_knowledge(), ARTICLE.read_text(encoding="utf-8"))
    if args.check:
        if not SHEET.exists() or SHEET.read_text(encoding="utf-8") != sheet:
            print(f"{SHEET.relative_to(ROOT)} is stale: run make content-review", file=sys.stderr)
            return 1
        print(f"{SHEET.relative_to(ROOT)} matches the knowledge base.")
        return 0
    SHEET.write_text(sheet, encoding="utf-8")
    print(f"wrote {SHEET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
