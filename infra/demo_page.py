"""The demo article page: the clinic's blog article on enlarged pores, with the three widgets.

Laid out like the clinic's article (title, byline, intro, numbered sections), its content
comes from the bundled knowledge base: the six causes, the four pore types with their signs
and care, the five treatments, the daily tips and the free-trial offer. The questionnaire
sits before the treatments, the registration form where the article has its form, the FAQ
at the end. ``render("en")`` and ``render("zh-HK")`` give the two languages, which link to
each other; the local stack serves them at ``/`` and ``/zh-HK/``.
"""

# The Chinese copy uses full-width Chinese punctuation, which is correct there.
# ruff: noqa: RUF001

import sys
from dataclasses import dataclass
from html import escape

from infra import cfn

sys.path.insert(0, str(cfn.ROOT / "shared"))

from clinic.knowledge import KnowledgeBase, Lang, Treatment, bundled_knowledge

#: Where each language's page is served.
PAGE_PATHS: dict[Lang, str] = {"en": "/", "zh-HK": "/zh-HK/"}


@dataclass(frozen=True)
class _Copy:
    """The article's own words in one language (everything else comes from the knowledge base)."""

    title: str
    description: str
    brand: str
    other_lang_name: str
    skip: str
    byline: str
    date: str
    intro: tuple[str, ...]
    causes_title: str
    types_title: str
    signs: str
    care: str
    quiz_lead: str
    quiz_skip: str
    treatments_title: str
    how_it_works: str
    benefits: str
    suits: str
    sessions: str
    downtime: str
    tips_title: str
    trial_title: str
    trial_intro: str
    trial_book: str
    noscript: str
    footer: str


COPY: dict[Lang, _Copy] = {
    "en": _Copy(
        title="Enlarged Pores? 6 Causes, 4 Pore Types and 5 Professional Pore-Refining Treatments",
        description="Why pores look enlarged, how to tell the four pore types apart, five professional "
        "treatments, daily tips and a free Acne Treatment trial.",
        brand="Skin Clinic Journal",
        other_lang_name="繁體中文",
        skip="Skip to the free trial registration",
        byline="By the clinic's skincare team",
        date="2 December 2025",
        intro=(
            "Pore-refining treatments have become more and more popular in recent years. Besides making "
            "pores look smaller, they can help with other skin concerns too: stimulating collagen, improving "
            "acne-prone or tired skin, and regulating oil so that the skin's water and oil stay in balance.",
            "There are many kinds of pore treatments, so here is a guide to what enlarges pores, the four "
            "pore types and five popular professional procedures, with a free trial at the end.",
        ),
        causes_title="6 Common Causes of Enlarged Pores: Excess Oil Is the Main Culprit",
        types_title="4 Types of Enlarged Pores and How to Care for Them",
        signs="Signs",
        care="Recommended care",
        quiz_lead="Not sure which type you have? Answer a few questions and see which pore type, causes "
        "and treatments fit your answers.",
        quiz_skip="Already know? Go straight to the free trial registration.",
        treatments_title="5 Professional Pore-Refining Treatments: Reaching the Deeper Layers of the Skin",
        how_it_works="How it works",
        benefits="Benefits",
        suits="Suits",
        sessions="Sessions",
        downtime="Downtime",
        tips_title="Daily Skincare Tips to Minimise Pores",
        trial_title="Safe, Non-Invasive and Effective: Try the Acne Treatment for Free",
        trial_intro="With so many pore treatments on the market, safety comes first. The clinic's Acne "
        "Treatment is non-invasive, suits all skin types and needs no downtime.",
        trial_book="Book in 1 minute: a professional skin analysis and the Acne Treatment, free.",
        noscript="The registration form, questionnaire and FAQ need JavaScript. Please turn it on, "
        "or visit any of our branches.",
        footer="A demo of the clinic's website widgets: registration, pore questionnaire and FAQ.",
    ),
    "zh-HK": _Copy(
        title="毛孔粗大點算好？6大成因、4種毛孔類型及5大專業收毛孔療程",
        description="毛孔粗大的成因、4種毛孔類型的分別、5大專業療程、日常護膚貼士，以及免費暗瘡療程體驗。",
        brand="皮膚診所網誌",
        other_lang_name="English",
        skip="跳至免費體驗登記表格",
        byline="診所護膚團隊",
        date="2025年12月2日",
        intro=(
            "近年收毛孔療程愈來愈受歡迎。除了令毛孔看起來更細緻，亦有助改善其他皮膚問題，例如刺激膠原蛋白增生、"
            "改善暗瘡及亞健康皮膚，以及調節油脂分泌，令皮膚回復水油平衡。",
            "收毛孔療程種類繁多，以下為你整理毛孔粗大的成因、4種毛孔類型及5大熱門專業療程，文末更有免費體驗！",
        ),
        causes_title="毛孔粗大的6大成因：油脂分泌過盛是元兇",
        types_title="4種毛孔粗大類型及護理方法",
        signs="常見特徵",
        care="建議護理",
        quiz_lead="不確定自己屬於哪一種？回答幾條問題，看看哪種毛孔類型、成因及療程最符合你的情況。",
        quiz_skip="已經知道？直接登記免費體驗。",
        treatments_title="5大專業收毛孔療程：直達皮膚深層",
        how_it_works="原理",
        benefits="功效",
        suits="適合",
        sessions="療程次數",
        downtime="復原期",
        tips_title="日常護膚貼士：減少毛孔粗大",
        trial_title="安全、非入侵性、有效：免費體驗暗瘡療程",
        trial_intro="市面上收毛孔療程眾多，安全最重要。診所的暗瘡療程屬非入侵性，適合各種膚質，亦無需復原期。",
        trial_book="1分鐘登記：專業皮膚分析加暗瘡療程，免費體驗。",
        noscript="登記表格、問卷及常見問題需要使用JavaScript。請開啟JavaScript，或親臨我們的分店。",
        footer="診所網站小工具示範：登記表格、毛孔問卷及常見問題。",
    ),
}

_STYLE = """
:root { --ink: #1d2a2f; --muted: #4a5a60; --teal: #0b6e69; --rose: #a8365a; --line: #dde7e6; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fbfdfc; line-height: 1.7;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans TC", "Noto Sans CJK TC", "PingFang HK",
    "Microsoft JhengHei", sans-serif; }
a { color: var(--teal); }
:focus-visible { outline: 3px solid var(--teal); outline-offset: 2px; }
.skip { position: absolute; left: 1rem; top: -4rem; padding: .75rem 1rem; background: #fff; z-index: 10;
  border: 2px solid var(--teal); border-radius: 8px; }
.skip:focus { top: 1rem; }
.site { display: flex; justify-content: space-between; align-items: center; gap: 1rem;
  padding: .75rem clamp(1rem, 4vw, 2.5rem); background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 800; letter-spacing: .02em; color: var(--teal); text-decoration: none; }
.lang { display: inline-flex; align-items: center; min-height: 44px; padding: 0 1rem; font-weight: 600;
  border: 1.5px solid var(--teal); border-radius: 999px; text-decoration: none; }
main { max-width: 50rem; margin: 0 auto; padding: 2rem clamp(1rem, 4vw, 2rem) 4rem; }
h1 { font-size: clamp(1.7rem, 4.5vw, 2.4rem); line-height: 1.25; margin: .5rem 0 .75rem; }
.byline { color: var(--muted); margin: 0 0 2rem; font-size: .95rem; }
.intro { font-size: 1.1rem; }
.chapter { margin-top: 3.5rem; }
.chapter > h2 { display: flex; align-items: flex-start; gap: 1rem; font-size: clamp(1.3rem, 3.5vw, 1.65rem);
  line-height: 1.3; margin: 0 0 1.25rem; padding-bottom: .75rem; border-bottom: 2px solid var(--line); }
.num { flex: none; display: grid; place-items: center; width: 2.6rem; height: 2.6rem; border-radius: 50%;
  background: var(--teal); color: #fff; font-size: 1.2rem; }
h3 { font-size: 1.15rem; margin: 1.75rem 0 .35rem; }
.label { font-weight: 700; }
.points { padding-left: 1.25rem; }
.lead-box { margin-top: 2rem; padding: 1rem 1.25rem; border-radius: 12px; background: #fbeef2;
  border-left: 4px solid var(--rose); }
.lead-box p { margin: 0 0 .25rem; }
footer { text-align: center; color: var(--muted); font-size: .875rem; padding: 2rem 1rem;
  border-top: 1px solid var(--line); }
"""


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _chapter(number: int, anchor: str, title: str, body: str) -> str:
    """A numbered section of the article, like the clinic's big numbered headings."""
    return (
        f'<section class="chapter" id="{_attr(anchor)}" aria-labelledby="{_attr(anchor)}-title">\n'
        f'<h2 id="{_attr(anchor)}-title"><span class="num" aria-hidden="true">{number}</span>'
        f"<span>{_text(title)}</span></h2>\n{body}</section>\n"
    )


def _causes(kb: KnowledgeBase, lang: Lang) -> str:
    return "".join(
        f"<h3>{index}. {_text(cause.name.get(lang))}</h3>\n<p>{_text(cause.description.get(lang))}</p>\n"
        for index, cause in enumerate(kb.causes, start=1)
    )


def _pore_types(kb: KnowledgeBase, lang: Lang, copy: _Copy) -> str:
    parts = []
    for index, pore in enumerate(kb.pore_types, start=1):
        signs = "".join(f"<li>{_text(sign)}</li>" for sign in pore.signs.get(lang))
        parts.append(
            f"<h3>{index}. {_text(pore.name.get(lang))}</h3>\n<p>{_text(pore.description.get(lang))}</p>\n"
            f'<p class="label">{_text(copy.signs)}</p>\n<ul class="points">{signs}</ul>\n'
            f'<p><span class="label">{_text(copy.care)}:</span> {_text(pore.care.get(lang))}</p>\n'
        )
    return "".join(parts)


def _treatment(index: int, treatment: Treatment, lang: Lang, copy: _Copy) -> str:
    rows = (
        (copy.how_it_works, treatment.how_it_works.get(lang)),
        (copy.benefits, treatment.benefits.get(lang)),
        (copy.suits, treatment.suits.get(lang)),
        (copy.sessions, treatment.sessions.get(lang)),
        (copy.downtime, treatment.downtime.get(lang)),
    )
    details = "".join(f'<p><span class="label">{_text(label)}:</span> {_text(text)}</p>\n' for label, text in rows)
    return f"<h3>{index}. {_text(treatment.name.get(lang))}</h3>\n{details}"


def _treatments(kb: KnowledgeBase, lang: Lang, copy: _Copy) -> str:
    procedures = [treatment for treatment in kb.treatments if not treatment.trial_offer]
    return "".join(_treatment(index, t, lang, copy) for index, t in enumerate(procedures, start=1))


def _tips(kb: KnowledgeBase, lang: Lang) -> str:
    return "".join(
        f"<h3>{index}. {_text(tip.title.get(lang))}</h3>\n<p>{_text(tip.text.get(lang))}</p>\n"
        for index, tip in enumerate(kb.tips, start=1)
    )


def _trial(kb: KnowledgeBase, lang: Lang, copy: _Copy) -> str:
    offer = next(treatment for treatment in kb.treatments if treatment.trial_offer)
    points = (offer.how_it_works.get(lang), offer.benefits.get(lang), offer.suits.get(lang))
    items = "".join(f"<li>{_text(point)}</li>" for point in points)
    return (
        f'<p>{_text(copy.trial_intro)}</p>\n<ul class="points">{items}</ul>\n'
        f'<p class="label">{_text(copy.trial_book)}</p>\n'
    )


def render(lang: Lang) -> str:
    """The demo article page in ``lang`` (``en`` or ``zh-HK``) as a complete HTML document."""
    kb = bundled_knowledge()
    copy = COPY[lang]
    other: Lang = "zh-HK" if lang == "en" else "en"
    alternates = "".join(f'<link rel="alternate" hreflang="{code}" href="{PAGE_PATHS[code]}">\n' for code in PAGE_PATHS)
    intro = "".join(f'<p class="intro">{_text(paragraph)}</p>\n' for paragraph in copy.intro)
    quiz = (
        f'<div class="lead-box"><p>{_text(copy.quiz_lead)}</p>'
        f'<p><a href="#free-trial">{_text(copy.quiz_skip)}</a></p></div>\n'
        '<div data-clinic-widget="questionnaire"></div>\n'
    )
    chapters = (
        _chapter(1, "causes", copy.causes_title, _causes(kb, lang))
        + _chapter(2, "pore-types", copy.types_title, _pore_types(kb, lang, copy) + quiz)
        + _chapter(3, "treatments", copy.treatments_title, _treatments(kb, lang, copy))
        + _chapter(4, "tips", copy.tips_title, _tips(kb, lang))
        + _chapter(5, "free-trial-offer", copy.trial_title, _trial(kb, lang, copy))
    )
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(copy.title)}</title>
<meta name="description" content="{_attr(copy.description)}">
{alternates}<link rel="stylesheet" href="/clinic-widgets.css">
<style>{_STYLE}</style>
<script type="module" src="/clinic-widgets.js" data-api=""></script>
</head>
<body>
<a class="skip" href="#free-trial">{_text(copy.skip)}</a>
<header class="site">
<a class="brand" href="{PAGE_PATHS[lang]}">{_text(copy.brand)}</a>
<a class="lang" href="{PAGE_PATHS[other]}" hreflang="{other}" lang="{other}">{_text(copy.other_lang_name)}</a>
</header>
<main>
<article>
<h1>{_text(copy.title)}</h1>
<p class="byline">{_text(copy.byline)} · <time datetime="2025-12-02">{_text(copy.date)}</time></p>
{intro}<noscript><p class="lead-box">{_text(copy.noscript)}</p></noscript>
{chapters}<div id="free-trial" data-clinic-widget="registration" data-treatment="acne-treatment"></div>
<div id="faq" data-clinic-widget="faq"></div>
</article>
</main>
<footer>{_text(copy.footer)}</footer>
</body>
</html>
"""
