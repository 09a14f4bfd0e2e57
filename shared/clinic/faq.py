"""Bilingual, typo-tolerant FAQ search over the knowledge base.

A small in-memory ranked search (BM25 over question, keywords and answer) rather than a
search service: the FAQ holds a few dozen entries, so an index per warm container answers
in well under a millisecond with no network call. Chinese has no spaces between words, so
it is indexed as character unigrams and bigrams; Simplified characters are folded to
Traditional (zhconv); English typos are matched to the vocabulary with rapidfuzz; synonym
groups from the knowledge base (暗瘡 / 痤瘡 / acne / pimples …) expand the query.

Query words are read the way people type them: a misspelt word matches the vocabulary
within one edit (two for words of eight letters or more), a swap of two neighbouring
letters counting as one edit ("pian" → "pain"); two words that the vocabulary knows as one
are joined ("micro needle" → "microneedle") and one word it knows as two is split
("carbonlaser" → "carbon laser"); and the intent words of the knowledge base ("cancel",
"price", "how often", 取消 …) weigh more than the words questions share.
"""

import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel

from clinic.knowledge import LANGS, Faq, KnowledgeBase, Lang

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")
# Words that carry no meaning for matching a question (English); CJK particles likewise.
_STOPWORDS = frozenset(
    """a an and are as at be can could do does did for from how i if in is it its me my of on or
    so that the this to was what when where which who why will with you your after before any
    there get rid 的 了 嗎 呢 是 我 你 會 有 在 和 及 與 嘅 咩 唔 係 啲 㗎 吖 呀 要""".split()
)
_FIELD_WEIGHTS = {"question": 3.0, "keywords": 2.0, "answer": 1.0}
_SYNONYM_WEIGHT = 0.7
_INTENT_WEIGHT = 2.0
_EDIT_WEIGHT = 0.2  # what each typo edit takes off a corrected word's weight
_SPLIT_WEIGHT = 0.9
_MIN_TYPO_LENGTH = 4  # shorter words are matched exactly: too many near neighbours
_TWO_EDITS_LENGTH = 8
_MIN_RELATIVE_SCORE = 0.15
_K1, _B = 1.2, 0.75


def normalise(text: str) -> str:
    """Width-folded, lower-case text with Simplified Chinese folded to Traditional."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _CJK.search(text):
        from zhconv import convert  # loaded on the first Chinese text only (cold start)

        text = convert(text, "zh-hant")
    return text


#: A token no text produces: it marks the entry about one treatment, and a query naming it.
_ABOUT = "about:"


def _about(faq: Faq) -> list[str]:
    """The marker token of an entry about exactly one treatment."""
    return [_ABOUT + faq.treatments[0]] if len(faq.treatments) == 1 else []


def _names_of(english: str, chinese: str, synonyms: list[tuple[str, ...]]) -> tuple[str, ...]:
    """A treatment's names, with every synonym group that holds one of them."""
    names = {normalise(english), normalise(chinese)}
    for group in synonyms:
        if names & set(group):
            names |= set(group)
    return tuple(sorted(names))


def _intent_tokens(term: str) -> list[str]:
    """The tokens of an intent word; a Chinese one by its pairs of characters (取消), since
    its single characters (取, 消) are shared by unrelated words."""
    found = tokens(term)
    if _CJK.match(term) and len(term) > 1:
        return [token for token in found if len(token) > 1]
    return found


def _stem(word: str) -> str:
    # A light English plural fold (pores → pore, therapies → therapy): enough for FAQ
    # questions, where a full stemmer would be one more dependency for little gain.
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def tokens(text: str) -> list[str]:
    """Search tokens: stemmed English words, and Chinese unigrams plus bigrams."""
    result = []
    for run in _TOKEN.findall(normalise(text)):
        if _CJK.match(run):
            chars = [char for char in run if char not in _STOPWORDS]
            result.extend(chars)
            result.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif run not in _STOPWORDS:
            result.append(_stem(run))
    return result


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    faq: Faq
    score: float


@dataclass(frozen=True)
class _Document:
    faq: Faq
    fields: dict[str, Counter[str]]
    length: float


@dataclass(frozen=True)
class _Postings:
    """One language's inverted index: for each term, the entries holding it with the term's
    field-weighted frequency, and each entry's BM25 length norm. A query then visits only
    the entries that share a term with it, not every entry."""

    by_term: dict[str, list[tuple[int, float]]]
    norms: list[float]
    idf: dict[str, float]


class FaqIndex:
    """A BM25 index of the FAQ in both languages."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._synonyms = [tuple(normalise(term) for term in group) for group in kb.synonyms.groups]
        self._intents = {token for term in kb.synonyms.intents for token in _intent_tokens(term)}
        self._treatment_names = {
            treatment.id: _names_of(treatment.name.en, treatment.name.zh_hk, self._synonyms)
            for treatment in kb.treatments
        }
        self._docs: dict[Lang, list[_Document]] = {lang: [] for lang in LANGS}
        for lang in LANGS:
            for faq in kb.faqs:
                fields = {
                    "question": Counter(tokens(faq.question.get(lang)) + _about(faq)),
                    "keywords": Counter(tokens(" ".join(faq.keywords.get(lang)))),
                    "answer": Counter(tokens(faq.answer.get(lang))),
                }
                length = sum(_FIELD_WEIGHTS[name] * sum(c.values()) for name, c in fields.items())
                self._docs[lang].append(_Document(faq, fields, length))
        self._postings = {lang: self._index(lang) for lang in LANGS}
        self._vocabulary_set = {
            token for docs in self._docs.values() for doc in docs for c in doc.fields.values() for token in c
        }
        self._vocabulary = sorted(self._vocabulary_set)

    def _index(self, lang: Lang) -> _Postings:
        docs = self._docs[lang]
        average = sum(doc.length for doc in docs) / max(len(docs), 1)
        by_term: dict[str, list[tuple[int, float]]] = {}
        for position, doc in enumerate(docs):
            weighted: dict[str, float] = {}
            for name, counter in doc.fields.items():
                for term, count in counter.items():
                    weighted[term] = weighted.get(term, 0.0) + _FIELD_WEIGHTS[name] * count
            for term, tf in weighted.items():
                by_term.setdefault(term, []).append((position, tf))
        idf = {t: math.log(1 + (len(docs) - len(p) + 0.5) / (len(p) + 0.5)) for t, p in by_term.items()}
        norms = [_K1 * (1 - _B + _B * doc.length / average) for doc in docs]
        return _Postings(by_term, norms, idf)

    def _query_terms(self, query: str) -> dict[str, float]:
        """Query tokens with weights: intent words count more; typo corrections, split
        words and synonyms a little less."""
        text = normalise(query)
        vocabulary = self._vocabulary_set
        words = tokens(text)
        terms: dict[str, float] = dict.fromkeys(words, 1.0)
        for joined in self._joined(words, vocabulary):
            terms[joined] = 1.0
        for token in [t for t in terms if t not in vocabulary and not _CJK.match(t)]:
            for part in self._split(token, vocabulary):
                terms[part] = max(terms.get(part, 0.0), _SPLIT_WEIGHT)
            for match, weight in self._corrections(token):
                terms[match] = max(terms.get(match, 0.0), weight)
        mentioned = set(terms)
        for treatment_id, names in self._treatment_names.items():
            if any(self._mentions(text, mentioned, name) for name in names):
                terms[_ABOUT + treatment_id] = _INTENT_WEIGHT  # naming a treatment is an intent
        for group in self._synonyms:
            if any(self._mentions(text, mentioned, term) for term in group):
                for term in group:
                    for token in tokens(term):
                        terms[token] = max(terms.get(token, 0.0), _SYNONYM_WEIGHT)
        return {term: weight * (_INTENT_WEIGHT if term in self._intents else 1.0) for term, weight in terms.items()}

    @staticmethod
    def _joined(words: list[str], vocabulary: set[str]) -> list[str]:
        """Neighbouring words the vocabulary knows as one ("micro needle" → "microneedle")."""
        return [a + b for a, b in itertools.pairwise(words) if not _CJK.match(a) and _stem(a + b) in vocabulary]

    @staticmethod
    def _split(token: str, vocabulary: set[str]) -> list[str]:
        """One word the vocabulary knows as two ("carbonlaser" → "carbon", "laser")."""
        for cut in range(3, len(token) - 2):
            head, tail = token[:cut], _stem(token[cut:])
            if head in vocabulary and tail in vocabulary:
                return [head, tail]
        return []

    def _corrections(self, token: str) -> list[tuple[str, float]]:
        """Vocabulary words within the allowed edits (a transposition is one edit)."""
        if len(token) < _MIN_TYPO_LENGTH:
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        allowed = 2 if len(token) >= _TWO_EDITS_LENGTH else 1
        found = process.extract(token, self._vocabulary, scorer=OSA.distance, score_cutoff=allowed, limit=3)
        return [(match, 1.0 - _EDIT_WEIGHT * edits) for match, edits, _ in found]

    @staticmethod
    def _mentions(text: str, words: set[str], term: str) -> bool:
        if _CJK.search(term):
            return term in text
        return all(_stem(word) in words for word in term.split())

    def _rank(self, terms: dict[str, float], lang: Lang) -> list[Hit]:
        index = self._postings[lang]
        scores: dict[int, float] = {}
        for term, weight in terms.items():
            for position, tf in index.by_term.get(term, ()):  # this language's words only
                gain = weight * index.idf[term] * tf * (_K1 + 1) / (tf + index.norms[position])
                scores[position] = scores.get(position, 0.0) + gain
        ranked = sorted((-score, position) for position, score in scores.items() if score > 0)
        if not ranked:
            return []
        top = -ranked[0][0]  # best first; equal scores in the entries' own order
        docs = self._docs[lang]
        return [
            Hit(docs[position].faq, round(-negative / top, 3))
            for negative, position in ranked
            if -negative >= top * _MIN_RELATIVE_SCORE
        ]

    def search(self, query: str, lang: Lang, limit: int = 10) -> tuple[list[Hit], bool]:
        """Ranked hits for ``query`` (scores relative to the best, 1.0) and whether they come
        from the other language's text because the requested one had no match."""
        terms = self._query_terms(query)
        hits = self._rank(terms, lang)
        if hits:
            return hits[:limit], False
        other: Lang = "zh-HK" if lang == "en" else "en"
        fallback_hits = self._rank(terms, other)[:limit]
        return fallback_hits, bool(fallback_hits)


_last_index: tuple[KnowledgeBase, FaqIndex] | None = None


def index_for(kb: KnowledgeBase) -> FaqIndex:
    """The search index of a knowledge base, built once per (immutable) knowledge base."""
    global _last_index  # noqa: PLW0603 - one slot: the content cache hands out one object at a time
    if _last_index is None or _last_index[0] is not kb:
        _last_index = (kb, FaqIndex(kb))
    return _last_index[1]


class FaqRef(BaseModel):
    """A pointer to another FAQ entry."""

    id: str
    question: str


class FaqItem(BaseModel):
    """One FAQ entry in one language, with its search score when searched."""

    id: str
    question: str
    answer: str
    score: float | None = None
    related: list[FaqRef]
    treatments: list[str]


class FaqList(BaseModel):
    """The FAQ list or a search's ranked results."""

    items: list[FaqItem]
    lang: Lang
    fallback: bool = False
    query: str | None = None


def render(kb: KnowledgeBase, faq: Faq, lang: Lang, score: float | None = None) -> FaqItem:
    """A FAQ entry as the API shows it in ``lang``."""
    related = [other for other in (kb.faq(ref) for ref in faq.related) if other]
    return FaqItem(
        id=faq.id,
        question=faq.question.get(lang),
        answer=faq.answer.get(lang),
        score=score,
        related=[FaqRef(id=other.id, question=other.question.get(lang)) for other in related],
        treatments=list(faq.treatments),
    )


def search_faqs(kb: KnowledgeBase, query: str | None, lang: Lang) -> FaqList:
    """All entries (no query) or the ranked hits for ``query``."""
    if not query or not query.strip():
        return FaqList(items=[render(kb, faq, lang) for faq in kb.faqs], lang=lang)
    hits, fallback = index_for(kb).search(query, lang)
    return FaqList(
        items=[render(kb, hit.faq, lang, hit.score) for hit in hits],
        lang=lang,
        fallback=fallback,
        query=query,
    )
