"""Ticket threads (e-mail, chat, web form): customer messages are the voice, agent messages are context.

Two layouts: one record per ticket holding a list of messages (JSON exports), or one record per message
where records sharing an id form the thread (csv exports of chats and e-mails).
"""

from __future__ import annotations

from voc.config import SourceConfig
from voc.sources.items import RawItem, RawMessage
from voc.sources.markup import to_plain_text
from voc.sources.records import Record, Table, clip, value_of

__all__ = ["ticket_items"]


Mapping = dict[str, str | list[str] | None]


def ticket_items(source: SourceConfig, parts: list[tuple[Table, Mapping]]) -> list[RawItem]:
    """Items of all files of a source. Rows of one thread may be spread over several files (a chat that
    crosses midnight, monthly exports): they are grouped by id across files, in file order."""
    if source.columns.messages:
        return [_nested_item(source, record, mapping) for table, mapping in parts for record in table.records]
    if not parts:
        return []
    return _threads(source, [record for table, _ in parts for record in table.records], parts[0][1])


def _role(source: SourceConfig, author: str | None) -> str:
    if not source.columns.author:
        return "customer"
    customers = {a.lower() for a in source.customer_authors}
    return "customer" if (author or "").strip().lower() in customers else "agent"


def _message(source: SourceConfig, values: dict, mapping: dict, time_column: str | None) -> RawMessage:
    role = _role(source, value_of(values, source.columns.author))
    body = value_of(values, mapping["text"])
    return RawMessage(role=role, speaker=role, text=to_plain_text(body) if body else "", sent_at=value_of(values, time_column))


def _nested_item(source: SourceConfig, record: Record, mapping: dict) -> RawItem:
    thread = record.values.get(str(source.columns.messages))
    problem = None
    if not isinstance(thread, list) or not all(isinstance(entry, dict) for entry in thread):
        problem = ("bad_json", f"field {source.columns.messages!r} is not a list of message objects")
        thread = []
    messages = [_message(source, entry, mapping, source.columns.sent_at) for entry in thread]
    return RawItem(
        locator=record.locator,
        raw=record.raw,
        messages=messages,
        native_id=value_of(record.values, mapping["id"]),
        customer_id=value_of(record.values, mapping["customer_id"]),
        channel=value_of(record.values, mapping["channel"]),
        created_at=value_of(record.values, mapping["created_at"]),  # else the earliest message time (items)
        score=value_of(record.values, mapping["score"]),
        problem=problem,
    )


def _threads(source: SourceConfig, records: list[Record], mapping: dict) -> list[RawItem]:
    groups: dict[str, list[Record]] = {}
    for record in records:
        key = value_of(record.values, mapping["id"]) or record.locator
        groups.setdefault(key, []).append(record)
    items = []
    for key, group in groups.items():
        first = group[0]
        time_column = source.columns.sent_at or source.columns.created_at
        messages = [_message(source, r.values, mapping, time_column) for r in group]
        created = [c for r in group if (c := value_of(r.values, mapping["created_at"]))]
        items.append(
            RawItem(
                locator=first.locator,
                raw=clip("\n".join(r.raw for r in group)),
                messages=messages,
                native_id=key,
                customer_id=next((c for r in group if (c := value_of(r.values, mapping["customer_id"]))), None),
                channel=value_of(first.values, mapping["channel"]),
                created_at=min(created) if created else None,  # rows may be out of order; an unparseable one is bad_date
                score=next((s for r in group if (s := value_of(r.values, mapping["score"]))), None),
            )
        )
    return items

