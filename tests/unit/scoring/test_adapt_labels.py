"""Reading a company's labels file for `voc train --labels` (voc.scoring.adapt.read_labels): label
spellings, rows skipped with a file:line reason, and the errors for too few rows or a missing column."""

import polars as pl
import pytest

from voc.errors import VocError
from voc.scoring.adapt import read_labels

GOOD_ROWS = [  # text, sentiment, frustration -> expected (sentiment, frustration)
    ("Great app", "positive", "", (2, None)),
    ("Awful", "NEG", "yes", (0, 1)),
    ("Meh", "Neutral", "no", (1, 0)),
    ("Slow delivery", "", "1", (None, 1)),
    ("Fine", "pos", "0", (2, 0)),
    ("Broken again", "negative", "TRUE", (0, 1)),
    ("Thanks", " positive ", "false", (2, 0)),
    ("Whatever", "neu", "", (1, None)),
    ("Angry", "", "frustrated", (None, 1)),
    ("Calm", "", "not_frustrated", (None, 0)),
]


def write_csv(path, rows, header="text,sentiment,frustration"):
    lines = [header] + [",".join(f'"{cell}"' if cell else "" for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(rows=GOOD_ROWS):
    return [row[:3] for row in rows]


def test_labels_in_several_spellings_are_read(tmp_path):
    labels, skipped = read_labels(write_csv(tmp_path / "labels.csv", good()))
    assert skipped == []
    assert labels["text"].to_list() == [row[0] for row in GOOD_ROWS]
    assert labels["sentiment"].to_list() == [row[3][0] for row in GOOD_ROWS]
    assert labels["frustration"].to_list() == [row[3][1] for row in GOOD_ROWS]
    assert labels.schema == pl.Schema({"text": pl.String, "sentiment": pl.Int8, "frustration": pl.Int8})


def test_bad_rows_are_skipped_with_file_line_and_reason(tmp_path):
    bad = [("Bad", "furious", ""), ("", "positive", "1"), ("   ", "negative", ""), ("No label here", "", ""),
           ("Also bad", "negative", "maybe")]
    labels, skipped = read_labels(write_csv(tmp_path / "mixed.csv", good()[:5] + bad + good()[5:]))
    assert labels.height == 10
    assert "Bad" not in labels["text"].to_list() and "Also bad" not in labels["text"].to_list()
    assert skipped == [
        "mixed.csv row 6: unknown label sentiment='furious'",
        "mixed.csv row 7: empty text",
        "mixed.csv row 8: empty text",
        "mixed.csv row 9: no label",
        "mixed.csv row 10: unknown label frustration='maybe'",
    ]


def test_text_is_stripped(tmp_path):
    rows = [("  padded text  ", "positive", "")] + good()[1:]
    labels, _ = read_labels(write_csv(tmp_path / "labels.csv", rows))
    assert labels["text"][0] == "padded text"


def test_a_file_with_only_a_sentiment_column_is_read(tmp_path):
    rows = [(text, sentiment) for text, sentiment, _ in good() if sentiment]
    rows += [("Extra one", "negative"), ("Extra two", "neutral"), ("Extra three", "positive")]
    labels, skipped = read_labels(write_csv(tmp_path / "s.csv", rows, header="text,sentiment"))
    assert labels.height == 10 and skipped == []
    assert labels["frustration"].null_count() == 10


def test_fewer_than_ten_usable_rows_is_an_error(tmp_path):
    rows = good()[:9] + [("Unlabelled", "", "")]
    with pytest.raises(VocError, match="only 9 usable"):
        read_labels(write_csv(tmp_path / "few.csv", rows))


def test_a_missing_text_column_names_the_columns_found(tmp_path):
    path = write_csv(tmp_path / "labels.csv", good(), header="body,sentiment,frustration")
    with pytest.raises(VocError, match=r"'text'.*found \['body', 'sentiment', 'frustration'\]"):
        read_labels(path)


def test_the_text_column_can_be_named(tmp_path):
    labels, _ = read_labels(write_csv(tmp_path / "labels.csv", good(), header="body,sentiment,frustration"), "body")
    assert labels["text"][1] == "Awful"


def test_a_file_without_a_label_column_is_an_error(tmp_path):
    with pytest.raises(VocError, match="sentiment and/or frustration"):
        read_labels(write_csv(tmp_path / "labels.csv", [(row[0], row[1]) for row in good()], header="text,mood"))


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(VocError, match="not found"):
        read_labels(tmp_path / "absent.csv")


def test_parquet_labels_with_boolean_frustration_are_read(tmp_path):
    path = tmp_path / "labels.parquet"
    pl.DataFrame({"text": [f"message {i}" for i in range(10)],
                  "frustration": [i % 2 == 0 for i in range(10)]}).write_parquet(path)
    labels, skipped = read_labels(path)
    assert skipped == []
    assert labels["frustration"].to_list() == [1, 0] * 5
    assert labels["sentiment"].null_count() == 10
