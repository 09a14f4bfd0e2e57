"""The knowledge base in DynamoDB: seeding it, and reading it back with a bounded-age cache.

Layout of the content table: one item per content entry, ``pk`` = the KnowledgeBase field
(``faqs``, ``treatments`` …), ``sk`` = the entry's id (``-`` for single documents such as
``consent``), ``doc`` = the entry as JSON, ``hash`` = its SHA-256. ``pk=meta, sk=version``
records the version of the whole set, so seeding is idempotent and reports what changed.
"""

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from clinic.aws import dynamodb
from clinic.dynamo import storage_faults
from clinic.knowledge import KnowledgeBase, bundled_knowledge
from clinic.settings import settings

META_KEY = {"pk": {"S": "meta"}, "sk": {"S": "version"}}
SINGLE = "-"


def _entries(raw: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Every content entry of a raw knowledge base as ``(pk, sk) → canonical JSON``.

    The entry's position in its file travels with it (``pos``), so lists keep their order.
    """
    entries = {}
    for kind, value in raw.items():
        items = value if isinstance(value, list) else [value]
        for position, item in enumerate(items):
            sk = item["id"] if isinstance(value, list) else SINGLE
            entries[(kind, sk)] = json.dumps({"pos": position, "doc": item}, ensure_ascii=False, sort_keys=True)
    return entries


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def content_version(raw: dict[str, Any]) -> str:
    """A short version id for a whole knowledge base (changes when any entry changes)."""
    canonical = json.dumps(sorted(_entries(raw).items()), ensure_ascii=False)
    return _digest(canonical)[:12]


@dataclass
class SeedReport:
    """What one seeding run did."""

    version: str
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0


class ContentSource(Protocol):
    """Where the functions read the knowledge base from."""

    def load(self) -> KnowledgeBase:
        """The whole knowledge base."""
        ...


class DynamoContent:
    """The knowledge base in the content table."""

    def __init__(self, table: str) -> None:
        self.table = table

    def _scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.table}
        with storage_faults():
            while True:
                page = dynamodb().scan(**kwargs)
                items.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return items
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def load(self) -> KnowledgeBase:
        """Read every entry (one paginated scan: the table holds only content).

        A table not (or not completely) seeded has no ``meta/version`` item, which seeding
        writes last: the functions then serve the knowledge base bundled in the layer, so a
        freshly created stack answers every route before anyone runs ``make seed``.
        """
        items = self._scan()
        if not any(item["pk"]["S"] == "meta" for item in items):
            return bundled_knowledge()
        raw: dict[str, Any] = {}
        entries = [
            (json.loads(item["doc"]["S"]), item["pk"]["S"], item["sk"]["S"])
            for item in items
            if item["pk"]["S"] != "meta"
        ]
        for entry, kind, sk in sorted(entries, key=lambda entry: int(entry[0]["pos"])):
            doc = entry["doc"]
            if sk == SINGLE:
                raw[kind] = doc
            else:
                raw.setdefault(kind, []).append(doc)
        return KnowledgeBase.model_validate(raw)

    def seed(self, raw: dict[str, Any], progress: Callable[[str], None] = lambda _: None) -> SeedReport:
        """Make the table hold exactly ``raw``: write new or changed entries, delete the rest."""
        KnowledgeBase.model_validate(raw)  # never seed content the functions could not read
        wanted = _entries(raw)
        stored = {
            (item["pk"]["S"], item["sk"]["S"]): item.get("hash", {}).get("S", "")
            for item in self._scan()
            if item["pk"]["S"] != "meta"
        }
        report = SeedReport(version=content_version(raw))
        client = dynamodb()
        with storage_faults():
            for position, ((kind, sk), doc) in enumerate(sorted(wanted.items()), start=1):
                digest = _digest(doc)
                if stored.get((kind, sk)) == digest:
                    report.unchanged += 1
                    continue
                client.put_item(
                    TableName=self.table,
                    Item={
                        "pk": {"S": kind},
                        "sk": {"S": sk},
                        "doc": {"S": doc},
                        "hash": {"S": digest},
                    },
                )
                report.written.append(f"{kind}/{sk}")
                progress(f"[{position}/{len(wanted)}] wrote {kind}/{sk}")
            for kind, sk in sorted(set(stored) - set(wanted)):
                client.delete_item(TableName=self.table, Key={"pk": {"S": kind}, "sk": {"S": sk}})
                report.deleted.append(f"{kind}/{sk}")
                progress(f"deleted {kind}/{sk}")
            client.put_item(
                TableName=self.table,
                Item={
                    **META_KEY,
                    "version": {"S": report.version},
                    "entries": {"N": str(len(wanted))},
                    "seeded_at": {"S": datetime.now(UTC).isoformat(timespec="seconds")},
                },
            )
        return report


class CachedContent:
    """A content source remembered for ``max_age`` seconds, so warm requests skip DynamoDB."""

    def __init__(self, source: ContentSource, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._value: KnowledgeBase | None = None
        self._loaded_at = 0.0

    def get(self) -> KnowledgeBase:
        """The knowledge base, reloaded when older than ``max_age``."""
        with self._lock:
            now = self._clock()
            if self._value is None or now - self._loaded_at >= self._max_age:
                self._value = self._source.load()
                self._loaded_at = now
            return self._value


_shared_lock = threading.Lock()
_shared: CachedContent | None = None


def knowledge() -> KnowledgeBase:
    """The process's knowledge base, read from the content table and cached for
    ``CONTENT_CACHE_SECONDS``: warm invocations make no DynamoDB call for content."""
    global _shared  # noqa: PLW0603 - one cache per Lambda container, created on first use
    with _shared_lock:
        if _shared is None:
            config = settings()
            _shared = CachedContent(DynamoContent(config.content_table), config.content_cache_seconds)
    return _shared.get()


def reset_knowledge() -> None:
    """Forget the cached knowledge base (tests, and the seeding tool's own check)."""
    global _shared  # noqa: PLW0603
    with _shared_lock:
        _shared = None
