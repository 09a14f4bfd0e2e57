"""Seeding is idempotent and versioned; the cache bounds the content's age."""

from clinic.aws import dynamodb
from clinic.content_store import CachedContent, DynamoContent
from clinic.knowledge import KnowledgeBase, bundled_knowledge, read_content_files

TABLE = "ContentTable"


def test_the_table_reads_back_the_bundled_knowledge_base(aws: None) -> None:
    assert DynamoContent(TABLE).load() == bundled_knowledge()


def test_seeding_again_writes_nothing(aws: None) -> None:
    report = DynamoContent(TABLE).seed(read_content_files())
    assert report.written == []
    assert report.deleted == []
    assert report.unchanged > 40


def test_seeding_writes_changed_entries_and_deletes_removed_ones(aws: None) -> None:
    raw = read_content_files()
    tips = raw["tips"]
    assert isinstance(tips, list)
    tips[0] = {**tips[0], "title": {"en": "Cleanse gently", "zh-HK": "溫和潔面"}}
    first_version = DynamoContent(TABLE).seed(read_content_files()).version
    report = DynamoContent(TABLE).seed(raw)
    assert report.written == [f"tips/{tips[0]['id']}"]
    assert report.version != first_version
    item = dynamodb().get_item(TableName=TABLE, Key={"pk": {"S": "meta"}, "sk": {"S": "version"}})["Item"]
    assert item["version"]["S"] == report.version
    assert DynamoContent(TABLE).load().tips[0].title.en == "Cleanse gently"


class CountingSource:
    def __init__(self) -> None:
        self.loads = 0

    def load(self) -> KnowledgeBase:
        self.loads += 1
        return bundled_knowledge()


def test_the_cache_serves_warm_requests_and_reloads_after_its_max_age() -> None:
    now = [1000.0]
    source = CountingSource()
    cache = CachedContent(source, max_age=300, clock=lambda: now[0])
    cache.get()
    now[0] += 299
    cache.get()
    assert source.loads == 1
    now[0] += 1
    cache.get()
    assert source.loads == 2
