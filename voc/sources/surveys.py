"""Survey answers (NPS, CSAT, CES, rating + comment): one record is one item."""

from __future__ import annotations

from voc.config import SourceConfig
from voc.sources.items import RawItem, RawMessage
from voc.sources.markup import to_plain_text
from voc.sources.records import Table, as_text, value_of

__all__ = ["survey_items"]


def survey_items(source: SourceConfig, table: Table, mapping: dict[str, str | list[str] | None]) -> list[RawItem]:
    text_columns = mapping["text"]
    text_columns = [text_columns] if isinstance(text_columns, str) else list(text_columns or [])
    timezone = table.timezones.get(str(mapping["created_at"])) if mapping["created_at"] else None
    items = []
    for record in table.records:
        values = record.values
        messages = [RawMessage(role="customer", text=to_plain_text(text), speaker="customer")
                    for c in text_columns if (text := as_text(values.get(c)))]
        items.append(
            RawItem(
                locator=record.locator,
                raw=record.raw,
                messages=messages,
                native_id=value_of(values, mapping["id"]),
                customer_id=value_of(values, mapping["customer_id"]),
                channel=value_of(values, mapping["channel"]),
                created_at=value_of(values, mapping["created_at"]),
                score=value_of(values, mapping["score"]),
                timezone=timezone,
            )
        )
    return items

