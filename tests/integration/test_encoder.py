"""The packaged all-MiniLM-L6-v2: loads offline from site-packages, and a saved copy loads by path."""

import numpy as np
import pytest

from voc.errors import ModelNotAvailableError
from voc.scoring.encoder import load_encoder

pytestmark = pytest.mark.slow


def test_default_encoder_loads_offline_and_gives_normalised_vectors(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = load_encoder("default", "cpu")
    assert encoder.identity.startswith("all-MiniLM-L6-v2@") and len(encoder.identity) > 20
    vectors = encoder.encode(["The engineer never turned up.", "Nobody came for the installation appointment.",
                              "I love the price lock."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_a_model_folder_can_replace_the_default(tmp_path):
    default = load_encoder("default", "cpu")
    default.model.save(str(tmp_path / "my-encoder"))
    local = load_encoder(str(tmp_path / "my-encoder"), "cpu")
    assert local.identity.startswith(f"{tmp_path / 'my-encoder'}@") and local.identity != default.identity
    np.testing.assert_allclose(local.encode(["hello"]), default.encode(["hello"]), atol=1e-6)


def test_a_missing_model_is_a_clear_error(tmp_path):
    encoder = load_encoder(str(tmp_path / "nowhere"), "cpu")
    with pytest.raises(ModelNotAvailableError, match="models.encoder"):
        encoder.encode(["x"])
