"""Heads on sentence vectors (voc.scoring.heads): probabilities, temperatures, save and load."""

import numpy as np
import pytest

from voc.errors import ModelNotAvailableError
from voc.scoring.heads import VectorHeads, load_heads
from voc.scoring.heads_fit import HeadSettings, calibrate, fit_heads


def random_heads(seed=0, dim=8, hidden=5, temperatures=(1.0, 1.0)):
    rng = np.random.default_rng(seed)
    shapes = [(dim, hidden), (hidden,), (hidden, 3), (3,), (hidden, 1), (1,)]
    return VectorHeads(*(rng.normal(size=s).astype(np.float32) for s in shapes), temperatures=temperatures,
                       meta={"base_encoder": "fake@1", "languages_measured": ["en"]})


def test_probabilities_are_distributions_and_temperatures_soften_them():
    vectors = np.random.default_rng(1).normal(size=(6, 8)).astype(np.float32)
    sharp, soft = random_heads().probabilities(vectors), random_heads(temperatures=(4.0, 4.0)).probabilities(vectors)
    np.testing.assert_allclose(sharp[:, :3].sum(axis=1), 1.0, atol=1e-6)
    assert soft[:, :3].max() < sharp[:, :3].max()
    assert np.abs(soft[:, 3] - 0.5).max() < np.abs(sharp[:, 3] - 0.5).max()


def test_wrong_vectors_are_refused():
    with pytest.raises(ValueError, match="expected \\(rows, 8\\) vectors of fake@1"):
        random_heads().logits(np.zeros((2, 5), dtype=np.float32))


def test_saved_heads_load_with_the_same_outputs(tmp_path):
    heads = random_heads(temperatures=(1.5, 0.8))
    heads.save(tmp_path / "m", "# card\n")
    loaded = load_heads(tmp_path / "m")
    vectors = np.random.default_rng(2).normal(size=(4, 8)).astype(np.float32)
    np.testing.assert_allclose(loaded.probabilities(vectors), heads.probabilities(vectors), rtol=1e-5)
    assert loaded.meta["languages_measured"] == ["en"] and loaded.temperatures == (1.5, 0.8)


def test_a_fine_tuned_model_folder_is_not_taken_for_heads(tmp_path):
    heads = random_heads()
    heads.save(tmp_path / "m", "# card\n")
    config = tmp_path / "m" / "voc_affect.json"
    config.write_text(config.read_text().replace('"vector_heads"', '"other"'))
    with pytest.raises(ModelNotAvailableError, match="not sentiment/frustration heads"):
        load_heads(tmp_path / "m")


def test_fitting_learns_a_separable_direction_and_calibration_keeps_it():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(600, 8)).astype(np.float32)
    sentiment = np.where(vectors[:, 0] > 0.5, 2, np.where(vectors[:, 0] < -0.5, 0, 1))
    frustration = np.where(rng.random(600) < 0.3, -1, (vectors[:, 1] > 0.8).astype(int))  # some rows unlabelled
    heads, history = fit_heads(vectors[:500], sentiment[:500], frustration[:500], HeadSettings(hidden=16, epochs=30, batch_size=32, lr=1e-2))
    heads = calibrate(heads, vectors[500:], sentiment[500:], frustration[500:])
    assert history[-1]["loss"] < history[0]["loss"]
    predicted = heads.probabilities(vectors[500:])
    assert (predicted[:, :3].argmax(axis=1) == sentiment[500:]).mean() > 0.8
