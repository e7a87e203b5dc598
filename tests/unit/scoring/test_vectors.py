"""The vector and score caches and the embed step through them, with a deterministic fake model."""

import hashlib
import os

import numpy as np
import pytest

from voc.scoring import cache as cache_module
from voc.scoring.cache import VectorCache, text_key
from voc.scoring import embed


class FakeEncoder:
    """Deterministic vectors and scores from the text's hash; records what it was asked to compute."""

    vector_identity = "fake@1"
    score_identity = "fake-scores@1"
    dim = 8

    def __init__(self):
        self.calls: list[list[str]] = []
        self.asked: list[tuple[bool, bool]] = []

    def encode(self, texts):
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[: self.dim * 4], dtype=np.uint32) for t in texts]
        vectors = np.array(rows, dtype=np.float64) / 2**32
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

    def run(self, texts, vectors, scores):
        self.calls.append(list(texts))
        self.asked.append((vectors, scores))
        encoded = self.encode(texts)
        return (encoded if vectors else None), (encoded[:, :4] if scores else None)


def embed_texts(texts, model, cache, refresh=False, score_cache=None):
    score_cache = score_cache or VectorCache(cache.root / "scores", model.score_identity)
    vectors, scores, stats = embed.embed_texts(texts, model, cache, score_cache, refresh=refresh)
    assert scores.shape == (len(texts), 4)
    return vectors, stats


def test_each_distinct_text_is_encoded_once_and_rows_follow_the_input(tmp_path):
    encoder, cache = FakeEncoder(), VectorCache(tmp_path, "fake@1")
    vectors, stats = embed_texts(["b", "a", "b"], encoder, cache)
    assert encoder.calls == [["b", "a"]]
    assert (stats.texts, stats.distinct, stats.encoded, stats.cached) == (3, 2, 2, 0)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], FakeEncoder().encode(["a"])[0])


def test_a_second_night_encodes_only_new_texts(tmp_path):
    embed_texts(["a", "b"], FakeEncoder(), VectorCache(tmp_path, "fake@1"))
    encoder = FakeEncoder()
    vectors, stats = embed_texts(["a", "b", "c"], encoder, VectorCache(tmp_path, "fake@1"))
    assert encoder.calls == [["c"]]
    assert (stats.cached, stats.encoded) == (2, 1)
    np.testing.assert_allclose(vectors, FakeEncoder().encode(["a", "b", "c"]))
    _, again = embed_texts(["a", "b", "c"], encoder, VectorCache(tmp_path, "fake@1"))
    assert again.encoded == 0 and len(encoder.calls) == 1


def test_another_encoder_identity_never_reuses_the_vectors(tmp_path):
    embed_texts(["a"], FakeEncoder(), VectorCache(tmp_path, "fake@1"))
    assert VectorCache(tmp_path, "fake@2").lookup([text_key("a")]) == {}


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_torn_or_corrupted_shard_is_dropped_with_a_warning_and_rebuilt(tmp_path, damage):
    cache = VectorCache(tmp_path, "fake@1")
    embed_texts(["a", "b"], FakeEncoder(), cache)
    (shard,) = cache.folder.glob("*.parquet")
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2] if damage == "truncate" else data[:-20] + bytes(20))
    reopened = VectorCache(tmp_path, "fake@1")
    encoder = FakeEncoder()
    vectors, stats = embed_texts(["a", "b"], encoder, reopened)
    assert stats.encoded == 2 and encoder.calls == [["a", "b"]]
    assert len(reopened.warnings) == 1 and "encoded again" in reopened.warnings[0]
    np.testing.assert_allclose(vectors, FakeEncoder().encode(["a", "b"]))
    assert [p.stem for p in reopened.folder.glob("*.parquet")] == [cache_module._digest(shard)]  # rewritten whole


def test_a_lookup_decodes_the_vectors_of_the_shards_that_hold_a_key_and_checks_each_shard_once(tmp_path, monkeypatch):
    cache = VectorCache(tmp_path, "fake@1")
    for night in ("a", "b", "c"):  # a shard per night
        embed_texts([night], FakeEncoder(), cache)
    holder = next(p for p in cache.folder.glob("*.parquet")
                  if cache_module.pl.read_parquet(p)["key"].to_list() == [text_key("b")])
    reads, checks = [], []
    read, digest = cache_module.pl.read_parquet, cache_module._digest
    monkeypatch.setattr(cache_module.pl, "read_parquet",
                        lambda path, columns=None: reads.append((path, columns)) or read(path, columns=columns))
    monkeypatch.setattr(cache_module, "_digest", lambda path: checks.append(path) or digest(path))
    reopened = VectorCache(tmp_path, "fake@1")
    for _ in range(2):
        found = reopened.lookup([text_key("b"), text_key("missing")])
        np.testing.assert_array_equal(found[text_key("b")], FakeEncoder().encode(["b"])[0])
        assert list(found) == [text_key("b")]
    assert [path for path, columns in reads if columns == ["vector"]] == [holder, holder]
    assert len(checks) == 3  # three shards, each checked on the first lookup only
    assert reopened.warnings == []


def test_a_shard_that_is_not_one_of_this_cache_is_dropped_with_a_warning(tmp_path):
    cache = VectorCache(tmp_path, "fake@1")
    embed_texts(["a"], FakeEncoder(), cache)
    stranger = cache.folder / "x.parquet"
    cache_module.pl.DataFrame({"key": [text_key("b")], "other": [1]}).write_parquet(stranger)
    stranger = stranger.rename(cache.folder / f"{cache_module._digest(stranger)}.parquet")
    assert list(cache.lookup([text_key("a"), text_key("b")])) == [text_key("a")]
    assert not stranger.exists() and len(cache.warnings) == 1 and "dropped" in cache.warnings[0]


def test_no_temporary_file_is_left_and_shards_are_compacted(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "_MAX_SHARDS", 3)
    cache = VectorCache(tmp_path, "fake@1")
    for night in range(5):
        embed_texts([f"text {night}", "shared"], FakeEncoder(), cache)
    files = list(cache.folder.iterdir())
    assert not [f for f in files if f.name.startswith(".tmp")]
    assert len(files) <= 3
    found = cache.lookup([text_key(f"text {n}") for n in range(5)] + [text_key("shared")])
    assert len(found) == 6


def test_nothing_to_embed_loads_no_model(tmp_path):
    class Exploding(FakeEncoder):
        def run(self, texts, vectors, scores):
            raise AssertionError("must not be called")

    vectors, stats = embed_texts([], Exploding(), VectorCache(tmp_path, "fake@1"))
    assert vectors.shape[0] == 0 and stats.texts == 0


def test_a_new_scorer_rescores_without_encoding_vectors_again(tmp_path):
    vectors_cache = VectorCache(tmp_path, "fake@1")
    embed_texts(["a", "b"], FakeEncoder(), vectors_cache)
    model = FakeEncoder()
    model.score_identity = "fake-scores@2"
    vectors, stats = embed_texts(["a", "b", "c"], model, VectorCache(tmp_path, "fake@1"))
    assert model.calls == [["c"], ["a", "b"]] and model.asked == [(True, True), (False, True)]
    np.testing.assert_allclose(vectors, FakeEncoder().encode(["a", "b", "c"]))
    assert stats.encoded == 3 and stats.cached == 0


def test_vectors_alone_skip_the_scoring_models_and_the_score_cache(tmp_path):
    cache = VectorCache(tmp_path, "fake@1")
    embed_texts(["a"], FakeEncoder(), cache)
    score_cache = VectorCache(tmp_path / "scores", "fake-scores@2")  # "a" has no scores of this model: not asked for
    model = FakeEncoder()
    vectors, scores, stats = embed.embed_texts(["a", "b", "a"], model, cache, score_cache, with_scores=False)
    assert scores is None and model.calls == [["b"]] and model.asked == [(True, False)]
    assert (stats.cached, stats.encoded) == (1, 1)
    np.testing.assert_allclose(vectors, FakeEncoder().encode(["a", "b", "a"]))
    assert score_cache.lookup([text_key("b")]) == {}


def test_scores_alone_neither_read_nor_write_vectors_even_when_refreshed(tmp_path):
    cache = VectorCache(tmp_path, "fake@1")
    embed_texts(["a"], FakeEncoder(), cache)
    shards = sorted(p.name for p in cache.folder.glob("*.parquet"))
    assert shards
    model = FakeEncoder()
    vectors, scores, stats = embed.embed_texts(["a", "b"], model, cache, VectorCache(tmp_path / "scores", "fake-scores@1"),
                                               refresh=True, with_vectors=False)
    assert vectors is None and model.asked == [(False, True)] and sorted(model.calls[0]) == ["a", "b"]
    assert stats.encoded == 2 and sorted(p.name for p in cache.folder.glob("*.parquet")) == shards
    np.testing.assert_allclose(scores, FakeEncoder().encode(["a", "b"])[:, :4])

def test_refresh_computes_every_text_again(tmp_path):
    embed_texts(["a"], FakeEncoder(), VectorCache(tmp_path, "fake@1"))
    model = FakeEncoder()
    _, stats = embed_texts(["a"], model, VectorCache(tmp_path, "fake@1"), refresh=True)
    assert model.calls == [["a"]] and stats.encoded == 1


def test_the_newest_value_wins_after_a_refresh_and_after_compaction(tmp_path, monkeypatch):
    cache = VectorCache(tmp_path, "fake@1")
    old, new = np.zeros((1, 4), np.float32), np.ones((1, 4), np.float32)
    first = cache.store([text_key("a")], old)
    os.utime(first, ns=(1, 1))  # unmistakably older
    cache.store([text_key("a")], new)
    np.testing.assert_array_equal(cache.lookup([text_key("a")])[text_key("a")], new[0])
    monkeypatch.setattr(cache_module, "_MAX_SHARDS", 1)
    cache.store([text_key("b")], old)  # triggers compaction
    np.testing.assert_array_equal(VectorCache(tmp_path, "fake@1").lookup([text_key("a")])[text_key("a")], new[0])


def test_a_long_identity_gets_a_short_distinct_folder(tmp_path):
    long_a, long_b = "sentiment=" + "x" * 300 + "a", "sentiment=" + "x" * 300 + "b"
    assert len(VectorCache(tmp_path, long_a).folder.name) < 100
    assert VectorCache(tmp_path, long_a).folder != VectorCache(tmp_path, long_b).folder
