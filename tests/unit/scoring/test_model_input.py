"""What the models read: a text without its social-media handles, and the caches keyed by that."""

import pytest

from voc.scoring import embed
from voc.scoring.cache import VectorCache
from voc.scoring.model_input import model_input

from tests.unit.scoring.test_vectors import FakeEncoder


@pytest.mark.parametrize(("text", "read"), [
    ("@united my bag is lost", "my bag is lost"),
    ("thanks @united for nothing", "thanks for nothing"),
    ("@AmericanAir @united where is my refund?", "where is my refund?"),
    ("line one\n@bob line two", "line one line two"),
    ("write to jo@example.com please", "write to jo@example.com please"),  # an e-mail address is not a handle
    ("meet @ the desk", "meet @ the desk"),
    ("@united @delta", "@united @delta"),  # nothing but handles: read as written
    ("no handle here", "no handle here"),
])
def test_handles_are_removed_and_nothing_else(text, read):
    assert model_input(text) == read


def test_texts_that_differ_only_in_handles_go_through_the_models_once(tmp_path):
    model = FakeEncoder()
    vectors, _, stats = embed.embed_texts(["@united my bag is lost", "@delta my bag is lost", "my bag is lost"], model,
                                          VectorCache(tmp_path / "v", model.vector_identity),
                                          VectorCache(tmp_path / "s", model.score_identity))
    assert stats.encoded == 1 and len(model.calls[0]) == 1
    assert (vectors[0] == vectors[2]).all() and (vectors[1] == vectors[2]).all()
