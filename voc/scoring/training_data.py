"""Labelled examples for the shipped sentiment and frustration model, read from the public datasets.

Only sets whose licence allows training a shipped model are read for training (GoEmotions,
Women's E-Commerce Clothing Reviews, BANKING77, the amazon and imdb files of the UCI sentences).
Evaluation-only sets (airline tweets, the yelp file) are read by `evaluation_sets`.

One frame, one row per example: `dataset, row_id, text, sentiment (0 neg | 1 neu | 2 pos | null),
frustration (0 | 1 | null), split (train | val | test)`. A null label means "not labelled for this head":
the loss of that head ignores the row. Splits come from a seeded hash of (dataset, row_id), so they are
stable when a file grows and are recorded with the model.
"""

from __future__ import annotations

import csv
import hashlib
import html
from pathlib import Path

import polars as pl

from voc.errors import VocError

__all__ = ["FRUSTRATION_EMOTIONS", "EXAMPLE_SCHEMA", "evaluation_sets", "training_examples"]

EXAMPLE_SCHEMA = pl.Schema({
    "dataset": pl.String, "row_id": pl.String, "text": pl.String,
    "sentiment": pl.Int8, "frustration": pl.Int8, "split": pl.String,
})
NEG, NEU, POS = 0, 1, 2

FRUSTRATION_EMOTIONS = frozenset({"anger", "annoyance", "disappointment", "disapproval", "disgust"})
# GoEmotions' own sentiment grouping; its "ambiguous" group (surprise, curiosity, confusion, realization)
# is what customers write when they ask or report: neutral for a CX team.
_GOEMOTIONS_GROUP = {
    **dict.fromkeys(["admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy",
                     "love", "optimism", "pride", "relief"], POS),
    **dict.fromkeys(["anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear",
                     "grief", "nervousness", "remorse", "sadness"], NEG),
    **dict.fromkeys(["confusion", "curiosity", "realization", "surprise", "neutral"], NEU),
}
# BANKING77 intents. Questions about how things work are informational (neutral, not frustrated); reports
# that something went wrong are negative experiences however calmly they are worded (what annotators of
# customer messages label them); fee and pending questions sit in between and are left unlabelled.
_BANKING_NEUTRAL = frozenset("""
activate_my_card age_limit apple_pay_or_google_pay atm_support automatic_top_up cancel_transfer card_about_to_expire
card_acceptance card_delivery_estimate card_linking change_pin country_support disposable_card_limits
edit_personal_details exchange_rate exchange_via_app fiat_currency_support get_disposable_virtual_card
get_physical_card getting_spare_card getting_virtual_card order_physical_card receiving_money
supported_cards_and_currencies top_up_by_bank_transfer_charge top_up_by_cash_or_cheque top_up_limits
topping_up_by_card transfer_into_account transfer_timing verify_my_identity verify_source_of_funds verify_top_up
visa_or_mastercard why_verify_identity
""".split())
_BANKING_NEGATIVE = frozenset("""
balance_not_updated_after_bank_transfer balance_not_updated_after_cheque_or_cash_deposit beneficiary_not_allowed
card_arrival card_not_working card_payment_not_recognised card_payment_wrong_exchange_rate card_swallowed
cash_withdrawal_not_recognised compromised_card contactless_not_working declined_card_payment
declined_cash_withdrawal declined_transfer direct_debit_payment_not_recognised extra_charge_on_statement
failed_transfer lost_or_stolen_card lost_or_stolen_phone pin_blocked Refund_not_showing_up reverted_card_payment?
top_up_failed top_up_reverted transaction_charged_twice transfer_not_received_by_recipient unable_to_verify_identity
virtual_card_not_working wrong_amount_of_cash_received wrong_exchange_rate_for_cash_withdrawal
""".split())


def training_examples(data_dir: Path, seed: int = 13) -> pl.DataFrame:
    """Every labelled example of the permissive sets, with its split."""
    frames = [_goemotions(data_dir, seed), _reviews(data_dir, seed), _uci(data_dir, seed), _banking(data_dir, seed)]
    return pl.concat([f.select(EXAMPLE_SCHEMA.names()).cast(dict(EXAMPLE_SCHEMA)) for f in frames])


def evaluation_sets(data_dir: Path) -> dict[str, pl.DataFrame]:
    """Evaluation-only sets (never trained on): airline tweets (deduplicated on tweet_id) and yelp sentences."""
    airline = _read_csv(data_dir / "twitter-airline-sentiment" / "Tweets.csv")
    airline = (airline.unique("tweet_id", keep="first", maintain_order=True)
               .select(row_id=pl.col("tweet_id"), text=pl.col("text").map_elements(html.unescape, pl.String),
                       sentiment=pl.col("airline_sentiment").replace_strict({"negative": NEG, "neutral": NEU,
                                                                             "positive": POS})))
    yelp = _uci_file(data_dir / "uci-sentiment-sentences" / "yelp_labelled.txt")
    return {"airline": airline.cast({"sentiment": pl.Int8}), "yelp": yelp.cast({"sentiment": pl.Int8})}


def split_of(dataset: str, row_id: str, seed: int, val: float, test: float) -> str:
    draw = int.from_bytes(hashlib.sha256(f"{seed}:{dataset}:{row_id}".encode()).digest()[:8], "big") / 2**64
    return "test" if draw < test else "val" if draw < test + val else "train"


def _with_split(frame: pl.DataFrame, dataset: str, seed: int, val: float, test: float, key: str = "row_id") -> pl.DataFrame:
    splits = [split_of(dataset, r, seed, val, test) for r in frame[key].to_list()]
    return frame.with_columns(pl.Series("split", splits, pl.String))


def _require(path: Path) -> Path:
    if not path.exists():
        raise VocError(f"training data not found: {path}; point --data at the folder of the public datasets")
    return path


def _read_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(_require(path), infer_schema=False)


def _goemotions(data_dir: Path, seed: int) -> pl.DataFrame:
    folder = data_dir / "goemotions"
    names = _require(folder / "emotions.txt").read_text(encoding="utf-8").split()
    frames = []
    for file, split in (("train.tsv", None), ("dev.tsv", "test")):
        with _require(folder / file).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_MINIMAL))
        records = []
        for text, labels, comment_id in rows:
            emotions = {names[int(i)] for i in labels.split(",")}
            polar = {_GOEMOTIONS_GROUP[e] for e in emotions} - {NEU}
            sentiment = NEU if not polar else polar.pop() if len(polar) == 1 else None  # both: mixed, unlabelled
            records.append({"row_id": comment_id, "text": text, "sentiment": sentiment,
                            "frustration": int(bool(emotions & FRUSTRATION_EMOTIONS))})
        frame = pl.DataFrame(records, schema={"row_id": pl.String, "text": pl.String, "sentiment": pl.Int8,
                                              "frustration": pl.Int8})
        frame = (_with_split(frame, "goemotions", seed, val=0.05, test=0.0) if split is None
                 else frame.with_columns(split=pl.lit(split)))
        frames.append(frame.with_columns(dataset=pl.lit("goemotions")))
    return pl.concat(frames)


def _reviews(data_dir: Path, seed: int) -> pl.DataFrame:
    """Review texts (rating 1-2 negative, 3 mixed = neutral, 4-5 positive) and, as short examples of the same
    opinion, their titles; a review and its title share a split."""
    raw = _read_csv(data_dir / "womens-clothing-reviews" / "reviews.csv").rename({"": "row_id"})
    raw = raw.with_columns(sentiment=pl.col("Rating").cast(pl.Int8).replace_strict({1: NEG, 2: NEG, 3: NEU, 4: POS, 5: POS}))
    raw = _with_split(raw, "reviews", seed, val=0.05, test=0.15)
    texts = raw.filter(pl.col("Review Text").str.strip_chars().str.len_chars() > 0).select(
        "row_id", "sentiment", "split", text=pl.col("Review Text"), dataset=pl.lit("reviews"))
    titles = raw.filter(pl.col("Title").str.strip_chars().str.len_chars() > 0).select(
        "row_id", "sentiment", "split", text=pl.col("Title"), dataset=pl.lit("reviews_title"))
    return pl.concat([texts, titles]).with_columns(frustration=pl.lit(None, pl.Int8))


def _uci_file(path: Path) -> pl.DataFrame:
    records = []
    for number, line in enumerate(_require(path).read_text(encoding="utf-8").splitlines(), start=1):
        text, _, label = line.rstrip().rpartition("\t")
        if text.strip() and label in {"0", "1"}:
            records.append({"row_id": f"{path.stem}:{number}", "text": text.strip(), "sentiment": POS if label == "1" else NEG})
    return pl.DataFrame(records, schema={"row_id": pl.String, "text": pl.String, "sentiment": pl.Int8})


def _uci(data_dir: Path, seed: int) -> pl.DataFrame:
    folder = data_dir / "uci-sentiment-sentences"
    frame = pl.concat([_uci_file(folder / "amazon_cells_labelled.txt"), _uci_file(folder / "imdb_labelled.txt")])
    frame = frame.with_columns(norm=pl.col("text").str.to_lowercase().str.replace_all(r"\s+", " "))
    frame = frame.unique("norm", keep="first", maintain_order=True)  # deduplicated before splitting
    frame = _with_split(frame, "uci", seed, val=0.05, test=0.10, key="norm").drop("norm")
    return frame.with_columns(dataset=pl.lit("uci"), frustration=pl.lit(None, pl.Int8))


def _banking(data_dir: Path, seed: int) -> pl.DataFrame:
    raw = _read_csv(data_dir / "banking77" / "train.csv").with_row_index("row", offset=2)
    raw = raw.with_columns(row_id=pl.col("row").cast(pl.String)).filter(
        pl.col("category").is_in(_BANKING_NEUTRAL | _BANKING_NEGATIVE))
    neutral = pl.col("category").is_in(_BANKING_NEUTRAL)
    frame = raw.select("row_id", "text", sentiment=pl.when(neutral).then(NEU).otherwise(NEG).cast(pl.Int8),
                       frustration=pl.when(neutral).then(0).otherwise(None).cast(pl.Int8))
    return _with_split(frame, "banking77", seed, val=0.05, test=0.10).with_columns(dataset=pl.lit("banking77"))
