"""Fragmented journeys: customers who bounce between channels with one problem, per (stage, topic).

A contact is an item (feedback_id) of a known customer. It is about a (stage, topic) when at least one of
its units is on that topic in that stage, so one item can be about several. A customer's contacts about a
(stage, topic), in time order, are chained into episodes: a contact at most `window_days` after the
previous one continues its episode, a later one starts a new episode. An episode of two or more contacts
is a repeat; one through two or more distinct channels is fragmented.
"""

from __future__ import annotations

import polars as pl

from voc.schema import FRAGMENTATION, STAGE_FRAGMENTATION, UNASSIGNED

__all__ = ["fragmentation", "stage_fragmentation"]

_KEYS = ["stage_id", "topic_id"]
_CUSTOMER = [*_KEYS, "customer_id"]



def fragmentation(units: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """FRAGMENTATION rows, sorted by stage_id, fragmented_share (largest first) and topic_id.

    `units` carries the UNITS columns. Only units with a customer_id, a topic (topic_id >= 0) and an assigned
    stage count. A contact without created_at cannot be chained: it is an episode of its own. first_channel
    and last_channel count every fragmented episode (a customer with two counts twice); ties go to the
    channel name, as in `channels`."""
    contacts = _contacts(units)
    if contacts.is_empty():
        return FRAGMENTATION.empty()
    episodes = _episodes(contacts, window_days)
    customers = episodes.group_by(_CUSTOMER).agg(
        pl.col("contacts").sum(),
        (pl.col("contacts") >= 2).any().alias("repeat"),
        pl.col("fragmented").any(),
    )
    fragmented = episodes.filter(pl.col("fragmented"))
    rows = (customers.group_by(_KEYS)
            .agg(pl.len().alias("customers"),
                 pl.col("repeat").sum().alias("repeat_customers"),
                 pl.col("fragmented").sum().alias("fragmented_customers"),
                 pl.col("contacts").sum())
            .join(_by_frequency(contacts, "channel").rename({"channel": "channels"}), on=_KEYS, how="left")
            .join(_most_common(fragmented, "first_channel"), on=_KEYS, how="left")
            .join(_most_common(fragmented, "last_channel"), on=_KEYS, how="left")
            .with_columns(fragmented_share=pl.col("fragmented_customers") / pl.col("customers"),
                          contacts_per_customer=pl.col("contacts") / pl.col("customers"))
            .select(list(FRAGMENTATION.columns))
            .cast(dict(FRAGMENTATION.schema))
            .sort(["stage_id", "fragmented_share", "topic_id"], descending=[False, True, False]))
    return FRAGMENTATION.conform(rows)


def stage_fragmentation(units: pl.DataFrame, table: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """STAGE_FRAGMENTATION, sorted by stage_id: per stage, customers whose contacts in the stage (about any topic)
    chain into one episode through two or more channels. One problem is often heard as different topics on
    different channels (a chat's wording is not an e-mail's), so the stage index does not require the same
    topic; `table` (FRAGMENTATION) names the stage's topic with most fragmented customers (smallest topic_id on
    a tie; null when none)."""
    anything = pl.when(pl.col("topic_id") >= 0).then(pl.lit(0, pl.Int64)).otherwise(pl.col("topic_id"))
    whole = fragmentation(units.with_columns(topic_id=anything), window_days)
    top = (table.filter(pl.col("fragmented_customers") > 0)
           .sort(["stage_id", "fragmented_customers", "topic_id"], descending=[False, True, False])
           .unique("stage_id", keep="first", maintain_order=True)
           .select("stage_id", top_fragmented_topic="topic_id"))
    rows = (whole.select("stage_id", "customers", "fragmented_customers", fragmentation_index="fragmented_share")
            .join(top, on="stage_id", how="left").sort("stage_id"))
    return STAGE_FRAGMENTATION.conform(rows)


def _contacts(units: pl.DataFrame) -> pl.DataFrame:
    """One row per (stage, topic, customer, item) of the units that count, with the item's time and channel."""
    counted = units.filter(pl.col("customer_id").is_not_null(), pl.col("topic_id") >= 0,
                           pl.col("stage_id") != UNASSIGNED)  # a null topic or stage fails its comparison too
    return counted.group_by([*_CUSTOMER, "feedback_id"]).agg(pl.col("created_at").min(), pl.col("channel").min())


def _episodes(contacts: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """One row per episode: its contacts, whether it is fragmented, and its first and last channel."""
    gap = pl.col("created_at").diff().over(_CUSTOMER)
    starts = gap.is_null() | (gap > pl.duration(days=window_days))
    return (contacts.sort([*_CUSTOMER, "created_at", "feedback_id"])
            .with_columns(episode=starts.cum_sum().over(_CUSTOMER))
            .group_by([*_CUSTOMER, "episode"])
            .agg(pl.len().alias("contacts"),
                 (pl.col("channel").n_unique() >= 2).alias("fragmented"),
                 pl.col("channel").first().alias("first_channel"),
                 pl.col("channel").last().alias("last_channel")))


def _by_frequency(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per (stage, topic): the distinct values of `column` as a list, most rows first, ties by value."""
    counts = frame.group_by([*_KEYS, column]).agg(pl.len().alias("rows"))
    return (counts.sort([*_KEYS, "rows", column], descending=[False, False, True, False])
            .group_by(_KEYS, maintain_order=True).agg(pl.col(column)))


def _most_common(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per (stage, topic): the most frequent value of `column`, ties by value."""
    return _by_frequency(frame, column).with_columns(pl.col(column).list.first())
