"""Topics with BERTopic on the cached vectors: seeded UMAP + HDBSCAN (or k-means), merged and reassigned.

The sub-models are built from `topics` in voc.yaml and injected through BERTopic's constructor; the
documents BERTopic counts are spaCy lemma strings (stop words out), so keywords are lemmas; the encoder
behind KeyBERT-style keyword ranking is the one that made the vectors (through the vector cache).

Steps: fit on a bounded sample (UMAP on its distinct vectors with exact neighbours, voc.topics.layout) → merge
clusters whose centroids are near-duplicates → assign every unit (sample outliers and units outside the sample) to
its nearest topic when close enough → number topics by size → keywords, label and quotes per topic.

A topic whose units are in several languages (see voc.topics.languages) gets keywords per language, ranked once
more over (topic, language) classes; its `keywords` and its label are its dominant language's, and its quotes
include every language with a real share of its units.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from voc.config import TopicsConfig
from voc.groups import group_centroids
from voc.text.lemmas import Lemmatized
from voc.topics.labels import common_phrase, distinct_keywords, label_candidates, quotes_for, topic_label
from voc.topics.languages import LanguageKeywords, LanguageShare, keyword_languages, language_classes, language_shares
from voc.topics.layout import DistinctUMAP, distinct_count, use_numba_cache

__all__ = ["Embed", "TopicFit", "fit_topics"]

log = logging.getLogger(__name__)
_LABEL_DOCS = 2000  # members looked at for a label
Embed = Callable[[list[str]], np.ndarray]  # texts -> unit-normalised vectors of the workspace encoder


@dataclass(frozen=True)
class TopicFit:
    assignments: np.ndarray  # per unit: local topic 0..k-1 (largest first) or -1
    keywords: list[list[str]]  # of the dominant language
    labels: list[str]
    quotes: list[list[str]]
    centroids: np.ndarray  # (k, d) unit-normalised means of the members' topic vectors
    languages: list[list[LanguageShare]]  # per topic, largest share first
    keywords_by_language: list[list[LanguageKeywords]]  # per topic, dominant language first
    report: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.labels)


def fit_topics(
    texts: list[str], vectors: np.ndarray, topic_vectors: np.ndarray, sample: np.ndarray, lemmas: Callable[[], Lemmatized],
    config: TopicsConfig, embed: Embed, languages: list[str],
) -> TopicFit:
    """Topics of the units. `vectors` are the units' own vectors (for quotes), `topic_vectors` the vectors
    clustered (with item context), `sample` the rows fitted on, `lemmas` gives the lemmas of the sampled units'
    texts (keywords and labels come from the sample, so the other units need none); it is called once the clusters
    are found, so the lemmas may be made meanwhile (voc.text.lemma_worker). `languages`: the language code per unit."""
    if len(languages) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages: expected one language per unit")
    started = time.perf_counter()
    n = len(texts)
    distinct = distinct_count(topic_vectors[sample])
    if distinct < max(2 * config.min_topic_size, config.umap.n_neighbors + 2):
        log.warning("%d units (%d distinct) are too few to fit topics (need %d distinct); every unit is an outlier",
                    len(sample), distinct, max(2 * config.min_topic_size, config.umap.n_neighbors + 2))
        return _no_topics(n, vectors.shape[1] if vectors.ndim == 2 else 0, len(sample))
    model = _bertopic(config, embed)
    with _quiet("BERTopic"):  # its words at the end of the fit are replaced by _keywords': it may count the texts
        clusters = np.asarray(model.fit_transform([texts[i] for i in sample], embeddings=topic_vectors[sample])[0])
    fitted_s = time.perf_counter() - started
    lemmatized = lemmas()
    documents, surface = [lemmatized.document(texts[i]) for i in sample], lemmatized.surface
    clusters = _merge_near_duplicates(clusters, topic_vectors[sample], config.merge_similarity)
    assignments, outliers_before = _assign(clusters, sample, topic_vectors, config.outlier_similarity)
    assignments = _by_size(assignments)
    k = int(assignments.max()) + 1 if n else 0
    centroids = group_centroids(topic_vectors, assignments, k)
    members = [np.flatnonzero(assignments == t) for t in range(k)]
    shares = [language_shares([languages[i] for i in m]) for m in members]
    overall = _keywords(model, config, documents, assignments[sample], k)
    by_language = _keywords_by_language(model, config, documents, assignments[sample],
                                        [languages[i] for i in sample], shares, overall)
    keywords = [entries[0].keywords or overall[t] for t, entries in enumerate(by_language)]
    quotes = [quotes_for(m, vectors, texts, config.quotes, languages) for m in members]
    position = np.full(n, -1)
    position[sample] = np.arange(len(sample))
    labels = _labels(keywords, members, position, documents, texts, vectors, languages, shares, quotes, surface, embed)
    report = {
        "units": n, "fitted_on": int(len(sample)), "topics": k, "clusters_found": int(clusters.max()) + 1,
        "outlier_share_before_reassignment": round(outliers_before, 4),
        "outlier_share": round(float((assignments == -1).mean()) if n else 0.0, 4),
        "topics_in_several_languages": sum(len(entries) > 1 for entries in by_language),
        "fit_s": round(fitted_s, 2), "total_s": round(time.perf_counter() - started, 2),
    }
    return TopicFit(assignments, keywords, labels, quotes, centroids, shares, by_language, report)


def _labels(keywords: list[list[str]], members: list[np.ndarray], position: np.ndarray, documents: list[str],
            texts: list[str], vectors: np.ndarray, languages: list[str], shares: list[list[LanguageShare]],
            quotes: list[list[str]], surface: Callable[[str, list[str]], str], embed: Embed) -> list[str]:
    """A label per topic from its keywords and the lemma documents, texts and vectors of the members it is made from.
    The candidate phrases of every topic without a common phrase are encoded together, in one call."""
    main = [_label_units(m, position, languages, s[0].language) for m, s in zip(members, shares, strict=True)]
    said = [functools.cache(functools.partial(_surface_in, surface, [texts[i] for i in m])) for m in main]
    docs = [[documents[position[i]] for i in m] for m in main]
    wanted = [label_candidates(words, said[t]) for t, words in enumerate(keywords)
              if words and common_phrase(words, docs[t]) is None]
    phrases = list(dict.fromkeys(p for candidates in wanted for p in candidates))
    vector_of = dict(zip(phrases, embed(phrases), strict=True)) if phrases else {}
    return [topic_label(words, docs[t], said[t], quotes[t][0] if quotes[t] else "",
                        _nearest_to(vectors[main[t]], vector_of)) for t, words in enumerate(keywords)]


def _surface_in(surface: Callable[[str, list[str]], str], texts: list[str], term: str) -> str:
    return surface(term, texts)


def _nearest_to(rows: np.ndarray, vector_of: dict[str, np.ndarray]) -> Callable[[list[str]], int]:
    """Of some phrases (encoded in `vector_of`), the index of the one closest to the mean of `rows` (the first on a
    tie)."""
    centre = rows.mean(axis=0)
    return lambda phrases: int(np.argmax(np.stack([vector_of[p] for p in phrases]) @ centre))


def _label_units(members: np.ndarray, position: np.ndarray, languages: list[str], language: str) -> list[int]:
    """The members a label is made from: the first _LABEL_DOCS sampled ones in the topic's dominant language (every
    topic has sampled members: it was found in the sample), or in any language when none is in that one."""
    sampled = [i for i in members.tolist() if position[i] >= 0]
    return ([i for i in sampled if languages[i] == language] or sampled)[:_LABEL_DOCS]


def _bertopic(config: TopicsConfig, embed: Embed):  # noqa: ANN202
    use_numba_cache()
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    class CachedEncoder(BaseEmbedder):
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:  # noqa: ARG002
            return embed(list(documents))

    return BERTopic(
        embedding_model=CachedEncoder(),
        umap_model=DistinctUMAP(n_neighbors=config.umap.n_neighbors, n_components=config.umap.n_components,
                                min_dist=config.umap.min_dist, metric=config.umap.metric, random_state=config.seed),
        hdbscan_model=_clusterer(config),
        vectorizer_model=CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+"),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=None,  # ranked once, on the final assignment (_keywords)
        top_n_words=config.keywords,
        calculate_probabilities=False,
    )


def _clusterer(config: TopicsConfig):  # noqa: ANN202
    c = config.clustering
    if c.algorithm == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=c.n_clusters, n_init=3, random_state=config.seed)
    from hdbscan import HDBSCAN

    return HDBSCAN(min_cluster_size=config.min_topic_size, min_samples=c.min_samples,
                   cluster_selection_method=c.selection, metric="euclidean", prediction_data=False)


def _merge_near_duplicates(clusters: np.ndarray, rows: np.ndarray, similarity: float | None) -> np.ndarray:
    """Merge clusters whose centroids have cosine ≥ `similarity` (average linkage); -1 stays -1."""
    k = int(clusters.max()) + 1
    if similarity is None or k < 2:
        return clusters
    from sklearn.cluster import AgglomerativeClustering

    merged = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=1 - similarity).fit(group_centroids(rows, clusters, k)).labels_
    return np.where(clusters < 0, -1, merged[np.maximum(clusters, 0)])


def _assign(clusters: np.ndarray, sample: np.ndarray, rows: np.ndarray, min_similarity: float) -> tuple[np.ndarray, float]:
    """Every unit's topic: its cluster in the sample, else its nearest centroid when close enough, else -1."""
    k = int(clusters.max()) + 1
    assignments = np.full(len(rows), -1, dtype=np.int64)
    assignments[sample] = clusters
    outliers_before = float((clusters < 0).mean())
    if k == 0:
        return assignments, outliers_before
    centroids = group_centroids(rows[sample], clusters, k)
    todo = np.flatnonzero(assignments < 0)
    for start in range(0, len(todo), 8192):  # bounded memory for big runs
        block = todo[start : start + 8192]
        similarity = rows[block] @ centroids.T
        nearest = similarity.argmax(axis=1)
        assignments[block] = np.where(similarity[np.arange(len(block)), nearest] >= min_similarity, nearest, -1)
    return assignments, outliers_before


def _by_size(assignments: np.ndarray) -> np.ndarray:
    """Renumber topics 0..k-1 by size, largest first (ties: lower old id first); -1 stays."""
    ids, counts = np.unique(assignments[assignments >= 0], return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(int(assignments.max()) + 2 if len(ids) else 1, -1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return np.where(assignments < 0, -1, mapping[np.maximum(assignments, 0)])


def _keywords(model, config: TopicsConfig, docs: list[str], topics: np.ndarray, k: int) -> list[list[str]]:  # noqa: ANN001
    """Keywords per class 0..k-1 of `topics` (topics of the final assignment, or (topic, language) classes) from
    c-TF-IDF, re-ranked as configured."""
    if k == 0:
        return []
    with _quiet("BERTopic"):
        model.update_topics(docs, topics=topics.tolist(), top_n_words=2 * config.keywords,
                            vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model,
                            representation_model=_representation(config))
    out = []
    for t in range(k):
        words = model.get_topic(t) or []
        out.append(distinct_keywords([w for w, score in words if w and score > 0], config.keywords))
    return out


def _keywords_by_language(model, config: TopicsConfig, docs: list[str], topics: np.ndarray, languages: list[str],  # noqa: ANN001
                          shares: list[list[LanguageShare]], overall: list[list[str]]) -> list[list[LanguageKeywords]]:
    """Per topic, keywords for each of its keyword languages, dominant first. A topic in one keyword language keeps
    its keywords; when some topic has two or more, keywords are ranked again over (topic, language) classes of the
    fitted documents, and a language with no document in the fit has none."""
    wanted = [keyword_languages(s) for s in shares]
    share_of = [{s.language: s.share for s in topic_shares} for topic_shares in shares]
    if all(len(w) < 2 for w in wanted):
        return [[LanguageKeywords(w[0], share_of[t][w[0]], overall[t])] for t, w in enumerate(wanted)]
    classes, pairs = language_classes(topics, languages)
    ranked = dict(zip(pairs, _keywords(model, config, docs, classes, len(pairs)), strict=True))
    return [[LanguageKeywords(language, share_of[t][language], overall[t] if len(w) < 2 else ranked.get((t, language), []))
             for language in w] for t, w in enumerate(wanted)]


def _representation(config: TopicsConfig):  # noqa: ANN202
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if config.representation == "keybert":
        return KeyBERTInspired(top_n_words=2 * config.keywords, nr_candidate_words=40, random_state=config.seed)
    if config.representation == "mmr":
        return MaximalMarginalRelevance(diversity=0.3, top_n_words=2 * config.keywords)
    return None


def _no_topics(n: int, dim: int, fitted_on: int) -> TopicFit:
    report = {"units": n, "fitted_on": fitted_on, "topics": 0, "clusters_found": 0,
              "outlier_share_before_reassignment": 1.0 if n else 0.0, "outlier_share": 1.0 if n else 0.0,
              "fit_s": 0.0, "total_s": 0.0, "note": "too few units to fit topics"}
    return TopicFit(np.full(n, -1, dtype=np.int64), [], [], [], np.zeros((0, dim), dtype=np.float32), [], [], report)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """BERTopic logs its own progress and advice at INFO/WARNING; keep it out of voc's output."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
