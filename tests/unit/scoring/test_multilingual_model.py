"""The shipped cross-lingual model (models/affect-multilingual) on the packaged multilingual encoder: clear
Italian messages are scored in the right direction once routed to it. Nothing is trained here."""

import numpy as np
import pytest

from voc.config import ModelsConfig
from voc.scoring.scorer import Scorer

POSITIVE = ["Servizio eccellente, il tecnico è stato gentilissimo e veloce. Grazie di cuore!",
            "Sono molto soddisfatta, consegna puntuale e prodotto bellissimo."]
NEGATIVE = ["Il pacco è arrivato rotto e nessuno risponde alle mie email.",
            "Pessima esperienza, la linea non funziona da una settimana."]
FRUSTRATED = ["Basta! È la quarta volta che chiamo e nessuno risolve niente, sono furioso.",
              "Vergognoso, mi avete addebitato di nuovo un servizio che ho disdetto mesi fa!"]
CALM = ["Vorrei sapere gli orari di apertura del negozio di Milano.", "Grazie, tutto chiaro."]


@pytest.fixture(scope="module")
def scores():
    texts = POSITIVE + NEGATIVE + FRUSTRATED + CALM
    _, out = Scorer(ModelsConfig()).run(texts, vectors=False, scores=True, languages=["it"] * len(texts))
    return dict(zip(texts, out, strict=True))


def test_clear_italian_praise_and_complaints_get_their_polarity(scores):
    for text in POSITIVE:
        assert scores[text][2] > 0.5 and scores[text][2] > scores[text][0], text
    for text in NEGATIVE + FRUSTRATED:
        assert scores[text][0] > 0.5 and scores[text][0] > scores[text][2], text


def test_frustrated_italian_messages_score_above_calm_ones(scores):
    frustrated = np.array([scores[t][3] for t in FRUSTRATED])
    calm = np.array([scores[t][3] for t in CALM + POSITIVE])
    assert frustrated.min() > calm.max()
    assert frustrated.min() > 0.5 and calm.max() < 0.5


def test_probabilities_are_calibrated_distributions(scores):
    rows = np.stack(list(scores.values()))
    np.testing.assert_allclose(rows[:, :3].sum(axis=1), 1.0, atol=1e-5)
    assert ((rows >= 0) & (rows <= 1)).all()
