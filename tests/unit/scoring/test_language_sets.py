"""Evaluation sets in other languages (voc.scoring.language_sets): reading, paired sets, alignment figures."""

import numpy as np
import pytest

from voc.errors import VocError
from voc.scoring.language_sets import language_sets, paraphrase_alignment, paraphrase_pairs, read_language_set

CSV = """id,language,text,sentiment,frustration,text_en
a1,it,Ottimo servizio,positive,no,Great service
a2,it,Che vergogna,negative,yes,
a3,it,Quando aprite?,neutral,no,When do you open?
"""


def test_a_set_gives_its_language_and_the_paired_rows_in_both_languages(tmp_path):
    (tmp_path / "italian.csv").write_text(CSV, encoding="utf-8")
    sets = language_sets(tmp_path)
    assert sorted(sets) == ["it", "it_paired", "it_paired_en"]
    assert sets["it"]["sentiment"].to_list() == [2, 0, 1] and sets["it"]["frustration"].to_list() == [0, 1, 0]
    assert sets["it_paired_en"]["text"].to_list() == ["Great service", "When do you open?"]
    assert paraphrase_pairs(tmp_path) == (["Ottimo servizio", "Quando aprite?"], ["Great service", "When do you open?"])


def test_an_unknown_label_names_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV.replace("negative,yes", "negativo,yes"), encoding="utf-8")
    with pytest.raises(VocError, match="row a2 has sentiment 'negativo'"):
        read_language_set(path)


def test_no_folder_no_sets(tmp_path):
    assert language_sets(tmp_path / "absent") == {}


def test_alignment_tells_paired_rows_from_unrelated_ones():
    eye = np.eye(4, dtype=np.float32)
    perfect = paraphrase_alignment(eye, eye)
    assert perfect["matched_cosine"] == 1.0 and perfect["unrelated_cosine"] == 0.0
    assert perfect["roc_auc"] == 1.0 and perfect["retrieval_at_1"] == 1.0
    shuffled = paraphrase_alignment(eye, eye[[1, 0, 3, 2]])
    assert shuffled["retrieval_at_1"] == 0.0 and shuffled["roc_auc"] < 0.5


def test_the_project_italian_set_is_balanced_enough_to_measure():
    sets = language_sets()
    italian = sets["it"]
    assert italian.height >= 150 and sets["it_paired"].height >= 50
    counts = italian["sentiment"].value_counts()
    assert counts["count"].min() >= 40 and italian["frustration"].sum() >= 40
