"""Real public data read in place from ../shared/data: conservation, quarantine and redaction at scale."""

from pathlib import Path

import polars as pl
import pytest

from voc.config import SourceConfig, TextConfig
from voc.sources import read_source
from voc.text.prepare import prepare

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")


def test_reviews_as_a_rating_survey_keep_every_row_accounted_for():
    source = SourceConfig(
        name="reviews", kind="survey", path="womens-clothing-reviews/reviews.csv",
        columns={"id": "", "text": ["Title", "Review Text"], "score": "Rating"}, score_type="rating", score_range=(1, 5),
    )
    collected = read_source(source, SHARED)
    expected_rows = pl.read_csv(SHARED / "womens-clothing-reviews/reviews.csv", infer_schema=False)
    no_text = expected_rows.filter(pl.col("Review Text").is_null() & pl.col("Title").is_null()).height
    assert collected.read == expected_rows.height == collected.used + collected.quarantined
    reasons = dict(collected.quarantine["reason"].cast(pl.String).value_counts().iter_rows())
    assert reasons == {"empty_text": no_text}
    assert collected.feedback["score"].is_between(1, 5).all()
    assert collected.feedback["native_id"].n_unique() == collected.used


def test_banking77_queries_as_one_message_tickets():
    source = SourceConfig(name="banking", kind="ticket", path="banking77/train.csv", columns={"text": "text"}, channel="app_chat")
    collected = read_source(source, SHARED)
    assert collected.read == collected.used == 10_003
    assert collected.feedback["native_id"].str.starts_with("banking77/train.csv:").all()


@pytest.mark.slow
def test_units_from_real_reviews_have_no_pii_left_and_cover_every_item():
    source = SourceConfig(
        name="reviews", kind="survey", path="womens-clothing-reviews/reviews.csv",
        columns={"id": "", "text": "Review Text", "score": "Rating"}, score_type="rating", score_range=(1, 5),
    )
    feedback = read_source(source, SHARED).feedback.head(400)
    prepared = prepare(feedback, TextConfig())
    assert set(prepared.units["feedback_id"]) == set(feedback["feedback_id"])
    assert prepared.units.height > 2 * feedback.height  # reviews are several sentences long
    assert not prepared.units["text"].str.contains(r"[\w.+-]+@[\w-]+\.\w+").any()
