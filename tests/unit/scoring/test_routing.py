"""Scoring by language: which texts the Scorer sends to models.multilingual_affect, the score identity that
covers it, the languages whose quality was measured, and the embed step's score keys per (text, route).
No model is loaded: the Scorer's per-source probabilities are replaced by a recorder."""

import numpy as np
import pytest

from voc.config import ModelsConfig
from voc.errors import ModelNotAvailableError
from voc.scoring import embed
from voc.scoring import scorer as scorer_module
from voc.scoring.cache import VectorCache, text_key
from voc.scoring.scorer import MULTILINGUAL_ROUTE, HeadsSource, Scorer, measured_languages


def recording_scorer(monkeypatch, **config):
    """A Scorer whose sources return a constant per source (1 = the English model, 2 = the multilingual one)
    and record the texts they were given."""
    scorer = Scorer(ModelsConfig(**config))
    seen: dict[str, list[str]] = {"main": [], "multilingual": []}

    def probabilities(source, texts, share):
        name = "multilingual" if isinstance(source, HeadsSource) else "main"
        seen[name] += texts
        value = 0.2 if name == "main" else 0.7
        return np.full((len(texts), 4), value, dtype=np.float32), None

    monkeypatch.setattr(scorer, "_probabilities", probabilities)
    monkeypatch.setattr(scorer_module, "_encode", lambda encoder, texts, batch_size: np.ones((len(texts), 3), dtype=np.float32))
    return scorer, seen


def test_an_italian_unit_goes_to_the_multilingual_model_and_an_english_one_stays(monkeypatch):
    scorer, seen = recording_scorer(monkeypatch)
    vectors, scores = scorer.run(["Il modem non funziona", "The modem is broken", "??"], True, True, ["it", "en", None])
    assert seen == {"main": ["The modem is broken", "??"], "multilingual": ["Il modem non funziona"]}
    np.testing.assert_allclose(scores[:, 3], [0.7, 0.2, 0.2])  # rows back in input order
    assert vectors.shape == (3, 3)


def test_without_languages_or_with_routing_off_every_text_goes_to_the_main_models(monkeypatch):
    scorer, seen = recording_scorer(monkeypatch)
    scorer.run(["Il modem non funziona"], False, True)
    assert seen["multilingual"] == []
    off, seen_off = recording_scorer(monkeypatch, multilingual_affect="none")
    off.run(["Il modem non funziona"], False, True, ["it"])
    assert seen_off == {"main": ["Il modem non funziona"], "multilingual": []}


@pytest.mark.parametrize(("language", "route"), [
    ("en", ""), ("en-GB", ""), ("EN_us", ""), (None, ""), ("und", ""), ("it", MULTILINGUAL_ROUTE), ("de", MULTILINGUAL_ROUTE),
])
def test_score_route_by_language(language, route):
    assert Scorer(ModelsConfig()).score_route(language) == route


def test_affect_languages_choose_what_the_main_models_score():
    scorer = Scorer(ModelsConfig(affect_languages=["en", "it"]))
    assert scorer.score_route("it") == "" and scorer.score_route("fr") == MULTILINGUAL_ROUTE


def test_the_score_identity_covers_the_routing():
    default, off = Scorer(ModelsConfig()), Scorer(ModelsConfig(multilingual_affect="none"))
    wider = Scorer(ModelsConfig(affect_languages=["en", "it"]))
    assert len({default.score_identity, off.score_identity, wider.score_identity}) == 3
    assert default.score_identity.startswith(off.score_identity)  # the English models' part is unchanged
    assert "affect-multilingual" in default.score_identity


def test_measured_languages_follow_the_routing():
    assert measured_languages(Scorer(ModelsConfig())) == {"en", "it"}
    assert measured_languages(Scorer(ModelsConfig(multilingual_affect="none"))) == {"en"}
    assert measured_languages(Scorer(ModelsConfig(affect_languages=["en", "it"]))) == {"en"}  # Italian to the English model


def test_an_unknown_multilingual_affect_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="multilingual_affect 'no-such-folder'"):
        Scorer(ModelsConfig(multilingual_affect="no-such-folder"), tmp_path)


class RoutedFake:
    """Vectors from the text; scores from the text and the route (so a wrong route shows)."""

    vector_identity = "fake@1"
    score_identity = "fake-scores@1"

    def __init__(self):
        self.calls: list[tuple[list[str], bool, bool, list | None]] = []

    def score_route(self, language):
        return "" if language in (None, "en") else "other"

    def run(self, texts, vectors, scores, languages=None):
        self.calls.append((list(texts), vectors, scores, languages))
        out_vectors = np.array([[len(t), 1.0] for t in texts], dtype=np.float32)
        routes = [self.score_route(x) for x in (languages or [None] * len(texts))]
        out_scores = np.array([[len(t), 0, 0, 1.0 if r else 0.0] for t, r in zip(texts, routes)], dtype=np.float32)
        return (out_vectors if vectors else None), (out_scores if scores else None)


def run_embed(tmp_path, model, texts, languages):
    return embed.embed_texts(texts, model, VectorCache(tmp_path / "vectors", model.vector_identity),
                             VectorCache(tmp_path / "scores", model.score_identity), languages=languages)


def test_a_text_in_two_languages_is_scored_once_per_route_and_encoded_once(tmp_path):
    model = RoutedFake()
    vectors, scores, stats = run_embed(tmp_path, model, ["ok", "ok", "grazie"], ["en", "it", "it"])
    np.testing.assert_array_equal(scores[:, 3], [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(vectors[0], vectors[1])
    assert stats.distinct == 3 and all(call[3] is not None for call in model.calls)  # languages reach the model
    again = RoutedFake()
    _, scores_again, stats_again = run_embed(tmp_path, again, ["ok", "grazie", "ok"], ["it", "it", "en"])
    assert again.calls == [] and stats_again.cached == 3
    np.testing.assert_array_equal(scores_again[:, 3], [1.0, 1.0, 0.0])


def test_the_main_route_keeps_the_plain_text_key(tmp_path):
    """Scores cached before routing (or by a step that gives no languages) stay valid for the main route."""
    model = RoutedFake()
    run_embed(tmp_path, model, ["hello", "ciao"], ["en", "it"])
    cached = VectorCache(tmp_path / "scores", model.score_identity).lookup([text_key("hello"), text_key("ciao")])
    assert list(cached) == [text_key("hello")]
    plain = RoutedFake()
    embed.embed_texts(["hello"], plain, VectorCache(tmp_path / "vectors", "fake@1"), VectorCache(tmp_path / "scores", "fake-scores@1"))
    assert plain.calls == []


def test_languages_must_match_the_texts(tmp_path):
    with pytest.raises(ValueError, match="one per text"):
        run_embed(tmp_path, RoutedFake(), ["a", "b"], ["en"])
