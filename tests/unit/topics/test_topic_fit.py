"""fit_topics on synthetic data: four well separated blobs of unit vectors in 16-d plus a few stray units,
with a deterministic fake encoder for keyword ranking. UMAP's first call compiles its numba kernels (~15 s)."""

import hashlib
from collections import Counter

import numpy as np
import pytest

from voc.config import TopicsConfig
from voc.text.lemmas import Lemmatized
from voc.topics.fit import fit_topics
from voc.topics.vectors import fit_sample

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:n_jobs value 1 overridden:UserWarning")]

DIM = 16
SIZES = (40, 70, 55, 60)  # blob 1 is the largest
STRAY = 12


def fake_embed(texts: list[str]) -> np.ndarray:
    """Each word hashed to ±1 on one of DIM axes, summed and normalised: same text, same vector."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            digest = hashlib.sha256(word.encode()).digest()
            out[row, digest[0] % DIM] += 1.0 if digest[1] % 2 else -1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def lemmas_of(texts: list[str], documents: list[str]):
    """The texts' lemma documents as voc.text.lemmas gives them (each word its own lemma and wording)."""
    return lambda: Lemmatized({text: [(w, w) for w in doc.split()] for text, doc in zip(texts, documents, strict=True)})


def synthetic():
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(len(SIZES), DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    blob = np.repeat(np.arange(len(SIZES)), SIZES)
    vectors = np.vstack([centres[blob] + rng.normal(scale=0.05, size=(len(blob), DIM)), rng.normal(size=(STRAY, DIM))])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    blob = np.concatenate([blob, np.full(STRAY, -1)])
    texts = [f"Blob{b} word{b} sample {j}" if b >= 0 else f"stray{j} noise{j}" for j, b in enumerate(blob)]
    sample = fit_sample([f"u{j}" for j in range(len(texts))], ["survey|2024-01"] * len(texts), size=210, seed=42)
    return texts, vectors, blob, centres, sample


TEXTS, VECTORS, BLOB, CENTRES, SAMPLE = synthetic()
DOCUMENTS = [t.lower() for t in TEXTS]


def fit(texts=TEXTS, vectors=VECTORS, sample=SAMPLE, documents=DOCUMENTS, languages=None, **settings):
    config = TopicsConfig(min_topic_size=10, **{"representation": "ctfidf", **settings})
    languages = languages or ["en"] * len(texts)
    return fit_topics(texts, vectors, vectors, sample, lemmas_of(texts, documents), config, fake_embed, languages)


@pytest.fixture(scope="module")
def fitted():
    return fit()


def topic_of_blob(assignments: np.ndarray) -> dict[int, int]:
    """Each blob's majority topic, after checking that at least 95% of the blob is in it."""
    out = {}
    for b in range(len(SIZES)):
        topic, count = Counter(assignments[BLOB == b].tolist()).most_common(1)[0]
        assert count >= 0.95 * SIZES[b], f"blob {b} is split: {Counter(assignments[BLOB == b].tolist())}"
        out[b] = topic
    return out


def test_four_blobs_give_four_topics_one_to_one(fitted):
    assert fitted.count == 4 and fitted.report["topics"] == 4
    mapping = topic_of_blob(fitted.assignments)
    assert sorted(mapping.values()) == [0, 1, 2, 3]


def test_topics_are_numbered_by_size_largest_first(fitted):
    sizes = [int((fitted.assignments == t).sum()) for t in range(fitted.count)]
    assert sizes == sorted(sizes, reverse=True)
    assert topic_of_blob(fitted.assignments)[1] == 0  # the 70-unit blob


def test_units_outside_the_sample_and_outliers_are_reassigned(fitted):
    outside = np.setdiff1d(np.arange(len(TEXTS)), SAMPLE)
    assert len(outside) == 27 and fitted.report["fitted_on"] == 210
    mapping = topic_of_blob(fitted.assignments)
    for i in outside[BLOB[outside] >= 0]:
        assert fitted.assignments[i] == mapping[BLOB[i]]
    assert fitted.report["outlier_share"] <= 0.1
    assert fitted.report["outlier_share"] == round(float((fitted.assignments == -1).mean()), 4)


def test_keywords_labels_quotes_and_centroids_describe_their_own_blob(fitted):
    for b, t in topic_of_blob(fitted.assignments).items():
        words = {w for k in fitted.keywords[t] for w in k.split()}
        assert {f"blob{b}", f"word{b}"} & words
        assert not {f"blob{o}" for o in range(len(SIZES)) if o != b} & words
        assert f"blob{b}" in fitted.labels[t].lower() or f"word{b}" in fitted.labels[t].lower()
        assert fitted.labels[t][0].isupper()
        assert len(fitted.quotes[t]) == 3 and all(q.startswith(f"Blob{b} ") for q in fitted.quotes[t])
        assert float(fitted.centroids[t] @ CENTRES[b]) > 0.95
    np.testing.assert_allclose(np.linalg.norm(fitted.centroids, axis=1), 1, rtol=1e-5)


def test_without_a_common_phrase_labels_are_chosen_from_keywords_encoded_in_one_call():
    calls = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return fake_embed(texts)

    documents = [f"{text.split()[0].lower()} only{j}" for j, text in enumerate(TEXTS)]  # no two-word phrase repeats
    config = TopicsConfig(min_topic_size=10, representation="ctfidf")
    result = fit_topics(TEXTS, VECTORS, VECTORS, SAMPLE, lemmas_of(TEXTS, documents), config, counting, ["en"] * len(TEXTS))
    assert result.count == 4 and len(calls) == 1
    offered = set(calls[0])
    for t in range(result.count):
        assert set(result.keywords[t]) <= offered and result.labels[t].lower() in offered


def test_the_same_inputs_give_the_same_topics(fitted):
    again = fit()
    np.testing.assert_array_equal(again.assignments, fitted.assignments)
    assert (again.keywords, again.labels, again.quotes) == (fitted.keywords, fitted.labels, fitted.quotes)
    np.testing.assert_array_equal(again.centroids, fitted.centroids)


def test_keybert_ranking_with_the_encoder_finds_the_same_topics(fitted):
    keybert = fit(representation="keybert")
    np.testing.assert_array_equal(keybert.assignments, fitted.assignments)
    for b, t in topic_of_blob(keybert.assignments).items():
        assert any(f"blob{b}" in k or f"word{b}" in k for k in keybert.keywords[t])
        assert not any(f"blob{o}" in k for k in keybert.keywords[t] for o in range(len(SIZES)) if o != b)


def test_kmeans_clustering_finds_the_four_blobs():
    kmeans = fit(clustering={"algorithm": "kmeans", "n_clusters": 4})
    assert kmeans.count == 4
    assert sorted(topic_of_blob(kmeans.assignments).values()) == [0, 1, 2, 3]
    assert kmeans.report["outlier_share_before_reassignment"] == 0.0


def test_outlier_similarity_one_leaves_every_unclustered_unit_an_outlier(fitted):
    strict = fit(outlier_similarity=1.0)
    outside = np.setdiff1d(np.arange(len(TEXTS)), SAMPLE)
    assert (strict.assignments[outside] == -1).all()
    assert (fitted.assignments[outside] >= 0).sum() > 0  # the default threshold does assign them
    sample_outliers = strict.assignments[SAMPLE] == -1
    assert sample_outliers.mean() == pytest.approx(strict.report["outlier_share_before_reassignment"], abs=1e-4)
    assert strict.report["outlier_share"] == round((len(outside) + int(sample_outliers.sum())) / len(TEXTS), 4)


def test_too_few_units_give_no_topics_and_say_so():
    few = fit(TEXTS[:12], VECTORS[:12], np.arange(12), DOCUMENTS[:12])
    assert few.count == 0 and few.keywords == [] and few.quotes == []
    np.testing.assert_array_equal(few.assignments, np.full(12, -1))
    assert few.centroids.shape == (0, DIM)
    assert few.report["topics"] == 0 and few.report["outlier_share"] == 1.0
    assert "too few" in few.report["note"]


def test_many_copies_of_few_vectors_are_too_few_distinct_units():
    copies = np.arange(120) % 4  # 120 units, 4 distinct answers ("ok", "thanks", ...)
    texts = [f"answer{c}" for c in copies]
    few = fit(texts, VECTORS[copies], np.arange(120), texts)
    assert few.count == 0 and (few.assignments == -1).all() and "too few" in few.report["note"]


def test_a_topic_in_one_language_has_one_keyword_entry_equal_to_its_keywords(fitted):
    for t in range(fitted.count):
        size = int((fitted.assignments == t).sum())
        assert [(s.language, s.units, s.share) for s in fitted.languages[t]] == [("en", size, 1.0)]
        assert [(k.language, k.share, k.keywords) for k in fitted.keywords_by_language[t]] == [("en", 1.0, fitted.keywords[t])]
    assert fitted.report["topics_in_several_languages"] == 0


def mixed():
    """Blob 1 (the largest topic) with two units in five written in Italian words: same vectors, other documents."""
    italian = [j for j in np.flatnonzero(BLOB == 1) if j % 5 in (0, 1)]
    texts = [f"Pacco ritardo corriere {j}" if j in italian else t for j, t in enumerate(TEXTS)]
    languages = ["it" if j in italian else "en" for j in range(len(TEXTS))]
    return texts, [t.lower() for t in texts], languages, italian


def test_a_topic_in_two_languages_gets_keywords_and_quotes_per_language_dominant_first():
    texts, documents, languages, italian = mixed()
    result = fit(texts=texts, documents=documents, languages=languages)
    t = topic_of_blob(result.assignments)[1]
    members = np.flatnonzero(result.assignments == t)
    it_units = sum(languages[i] == "it" for i in members)
    assert [s.language for s in result.languages[t]] == ["en", "it"]
    assert result.languages[t][1].units == it_units and result.languages[t][1].share == pytest.approx(it_units / len(members))
    english, other = result.keywords_by_language[t]
    assert (english.language, other.language) == ("en", "it")
    assert english.share == pytest.approx(1 - it_units / len(members)) and other.share == pytest.approx(it_units / len(members))
    assert result.keywords[t] == english.keywords
    english_words = {w for k in english.keywords for w in k.split()}
    italian_words = {w for k in other.keywords for w in k.split()}
    assert {"blob1", "word1"} <= english_words and not {"pacco", "ritardo", "corriere"} & english_words
    assert {"pacco", "ritardo", "corriere"} <= italian_words and not {"blob1", "word1"} & italian_words
    assert "pacco" not in result.labels[t].lower()  # the label is the dominant language's
    assert any(q.startswith("Pacco ") for q in result.quotes[t]) and any(q.startswith("Blob1 ") for q in result.quotes[t])
    assert result.report["topics_in_several_languages"] == 1
    for o in set(range(result.count)) - {t}:  # the other topics are English only
        assert [k.language for k in result.keywords_by_language[o]] == ["en"]


def test_languages_must_be_one_per_unit():
    with pytest.raises(ValueError, match="one language per unit"):
        fit(languages=["en"] * (len(TEXTS) - 1))
