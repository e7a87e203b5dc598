"""The models of `models:` in voc.yaml, resolved and run together.

`Scorer.run` gives encoder vectors and scores (p(negative), p(neutral), p(positive), p(frustrated)) of
texts. With the shipped model (or one adapted by `voc train`) on the default encoder, both come from one
pass: the lower encoder layers run once and feed the encoder's top layers and the model's own. A
swapped-in transformers classifier runs on its own.

Given the language of each text, texts in a language outside `models.affect_languages` are scored by
`models.multilingual_affect` (by default the shipped heads on the multilingual encoder's vectors, which share
the encoder pass when that encoder is `models.encoder`). `score_route` says which texts go there; the score
identity covers the routing, so changing it re-scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from voc.config import ModelsConfig
from voc.errors import ModelNotAvailableError
from voc.scoring.classifier import Classifier, frustration_columns, load_classifier, sentiment_columns
from voc.scoring.encoder import MULTILINGUAL, Encoder, SentenceEncoder, load_encoder, weights_identity

__all__ = ["MULTILINGUAL_ROUTE", "SCORE_COLUMNS", "Scorer", "measured_languages", "resolve_model"]

SCORE_COLUMNS = ("p_negative", "p_neutral", "p_positive", "frustration")
MULTILINGUAL_ROUTE = "multilingual"  # score_route of texts scored by models.multilingual_affect
_UNKNOWN_LANGUAGES = frozenset({"", "und"})  # no language, ISO 639 "undetermined": scored as affect_languages


@dataclass(frozen=True)
class AffectSource:
    """A model folder written by `voc train` (the shipped one, or an adaptation)."""

    folder: Path

    @cached_property
    def identity(self) -> str:
        return weights_identity(f"affect:{self.folder.name}", self.folder)


@dataclass(frozen=True)
class HeadsSource:
    """A folder of heads on the vectors of an encoder, written by `voc train --multilingual`."""

    folder: Path

    @cached_property
    def identity(self) -> str:
        return weights_identity(f"heads:{self.folder.name}", self.folder)


Source = AffectSource | HeadsSource | Classifier


def resolve_model(name: str, root: Path | None, device: str, batch_size: int) -> Source:
    """`default`, a folder written by `voc train` (relative to the workspace or absolute), or a classifier."""
    from voc.scoring.model_folder import shipped_folder  # noqa: PLC0415

    if name == "default":
        return AffectSource(shipped_folder())
    folder = _trained_folder(name, root)
    if folder is not None:
        return _folder_source(folder)
    path = Path(name).expanduser()
    return load_classifier(str(path) if path.exists() else name, device, batch_size)


def resolve_multilingual(name: str, root: Path | None) -> AffectSource | HeadsSource | None:
    """`models.multilingual_affect`: None for `none`, else the shipped cross-lingual model or a folder written by
    `voc train`."""
    from voc.scoring.model_folder import MULTILINGUAL_FOLDER, shipped_folder  # noqa: PLC0415

    if name == "none":
        return None
    folder = shipped_folder(MULTILINGUAL_FOLDER) if name == "default" else _trained_folder(name, root)
    if folder is None:
        raise ModelNotAvailableError(
            f"models.multilingual_affect {name!r} is not a folder written by `voc train` (paths are relative to voc.yaml); "
            "give `default` (the shipped cross-lingual model), such a folder, or `none`"
        )
    return _folder_source(folder)


def _trained_folder(name: str, root: Path | None) -> Path | None:
    from voc.scoring.model_folder import is_affect_folder  # noqa: PLC0415

    path = Path(name).expanduser()
    if not path.is_absolute() and root is not None and (root / path).exists():
        path = root / path
    return path.resolve() if path.exists() and is_affect_folder(path) else None


def _folder_source(folder: Path) -> AffectSource | HeadsSource:
    from voc.scoring.heads import ARCHITECTURE  # noqa: PLC0415
    from voc.scoring.model_folder import read_config  # noqa: PLC0415

    return HeadsSource(folder) if read_config(folder).get("architecture") == ARCHITECTURE else AffectSource(folder)


class Scorer:
    """Vectors and scores with the configured models; weights load on first use."""

    def __init__(self, models: ModelsConfig, root: Path | None = None):
        self.models = models
        self.encoder: SentenceEncoder = load_encoder(models.encoder, models.device)
        self.sentiment = resolve_model(models.sentiment, root, models.device, models.batch_size)
        self.frustration = resolve_model(models.frustration, root, models.device, models.batch_size)
        self.vector_identity = self.encoder.identity
        sentiment_id, frustration_id = self.sentiment.identity, self.frustration.identity
        if isinstance(self.sentiment, Classifier):
            self._sentiment_columns = sentiment_columns(self.sentiment.labels, models.sentiment_labels)
            sentiment_id += f"[{','.join(map(str, self._sentiment_columns))}]"  # the mapping changes the scores
        if isinstance(self.frustration, Classifier):
            self._frustration_columns = frustration_columns(self.frustration.labels, models.frustration_labels)
            frustration_id += f"[{''.join('1' if c else '0' for c in self._frustration_columns)}]"
        self.score_identity = f"sentiment={sentiment_id};frustration={frustration_id}"
        self.affect_languages = frozenset(models.affect_languages)
        self.multilingual = resolve_multilingual(models.multilingual_affect, root)
        if self.multilingual is not None:  # which texts go where changes the scores
            self.score_identity += f";{'+'.join(sorted(self.affect_languages))};else={self.multilingual.identity}"

    def describe(self) -> dict:
        return {"encoder": self.vector_identity, "sentiment": self.sentiment.identity,
                "frustration": self.frustration.identity, "device": self.encoder.device,
                "multilingual_affect": self.multilingual.identity if self.multilingual else None,
                "affect_languages": sorted(self.affect_languages)}

    def score_route(self, language: str | None) -> str:
        """"" when a text in `language` is scored by models.sentiment and models.frustration (a language of
        models.affect_languages, or none known), else MULTILINGUAL_ROUTE. Regional variants count as their
        language (en-GB as en)."""
        if self.multilingual is None or language is None:
            return ""
        code = language.strip().lower().replace("_", "-").split("-")[0]
        return "" if code in self.affect_languages or code in _UNKNOWN_LANGUAGES else MULTILINGUAL_ROUTE

    def run(self, texts: list[str], vectors: bool, scores: bool, languages: list[str | None] | None = None,
            ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(vectors (n, dim) if asked, scores (n, 4) if asked). With `languages` (one per text), texts routed
        elsewhere by `score_route` are scored by models.multilingual_affect."""
        routed = np.array([bool(self.score_route(x)) for x in languages], dtype=bool) if scores and languages else None
        if routed is None or not routed.any():
            return self._run(texts, self.sentiment, self.frustration, vectors, scores)
        out_vectors, out_scores = None, np.zeros((len(texts), 4), dtype=np.float32)
        for rows, (sentiment, frustration) in ((np.flatnonzero(~routed), (self.sentiment, self.frustration)),
                                               (np.flatnonzero(routed), (self.multilingual, self.multilingual))):
            if not len(rows):
                continue
            part_vectors, part_scores = self._run([texts[i] for i in rows], sentiment, frustration, vectors, True)
            out_scores[rows] = part_scores
            if vectors:
                if out_vectors is None:
                    out_vectors = np.zeros((len(texts), part_vectors.shape[1]), dtype=np.float32)
                out_vectors[rows] = part_vectors
        return out_vectors, out_scores

    def _run(self, texts: list[str], sentiment: Source, frustration: Source, vectors: bool, scores: bool,
             ) -> tuple[np.ndarray | None, np.ndarray | None]:
        out_vectors, out_scores = None, (np.zeros((len(texts), 4), dtype=np.float32) if scores else None)
        done: dict[Source, np.ndarray] = {}
        if scores:
            for source in dict.fromkeys((sentiment, frustration)):
                done[source], shared_vectors = self._probabilities(source, texts, vectors and out_vectors is None)
                out_vectors = shared_vectors if shared_vectors is not None else out_vectors
            out_scores[:, :3] = self._sentiment_of(sentiment, done[sentiment])
            out_scores[:, 3] = self._frustration_of(frustration, done[frustration])
        if vectors and out_vectors is None:
            trunk = None if scores else self._shared_trunk(sentiment, frustration)
            out_vectors = (_encode(self.encoder, texts, self.models.batch_size) if trunk is None
                           else _trunk_vectors(trunk, texts, self.models.batch_size))
        return out_vectors, out_scores

    def _shared_trunk(self, *sources: Source):  # noqa: ANN202
        """The trunk of models.encoder when one of `sources` scores on it, else None (nothing is loaded to find out).
        Vectors alone then come from the pass that gives those sources' texts their vectors when they are scored: the
        same vectors, bit for bit, for texts batched alike (a topic fit follows even differences in the seventh decimal,
        such as sentence-transformers' `encode` has)."""
        from voc.scoring.model_folder import read_config  # noqa: PLC0415

        if not any(isinstance(s, AffectSource) and read_config(s.folder).get("base_encoder") == self.encoder.identity
                   for s in sources):
            return None
        try:
            return _trunk(self.encoder)
        except ModelNotAvailableError:  # not a BERT-style model, or no fast tokeniser
            return None

    def _probabilities(self, source: Source, texts: list[str], share: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """The source's probabilities of the texts, and models.encoder's vectors when asked to `share` and they
        came out of the same pass (else None)."""
        if isinstance(source, AffectSource):
            from voc.scoring.affect import load_affect, predict  # noqa: PLC0415  (torch loads with the first model)

            trunk = self._trunk_for(source)
            share = share and trunk.encoder is self.encoder
            probabilities, shared = predict(trunk, load_affect(source.folder, trunk), texts, self.models.batch_size,
                                            vectors=share)
            return probabilities, shared
        if isinstance(source, HeadsSource):
            from voc.scoring.heads import load_heads  # noqa: PLC0415

            encoder = self._encoder_for(source)
            base_vectors = _encode(encoder, texts, self.models.batch_size)
            return load_heads(source.folder).probabilities(base_vectors), base_vectors if share and encoder is self.encoder else None
        return source.probabilities(texts), None

    def _encoder_for(self, source: HeadsSource) -> SentenceEncoder:
        from voc.scoring.model_folder import read_config  # noqa: PLC0415

        base = read_config(source.folder).get("base_encoder")
        for encoder in (self.encoder, load_encoder(MULTILINGUAL, self.models.device)):
            if encoder.identity == base:
                return encoder
        raise ModelNotAvailableError(
            f"{source.folder} was trained on the vectors of encoder {base!r}, which is neither models.encoder nor the "
            "packaged multilingual encoder; retrain it with `voc train --multilingual`"
        )

    def _trunk_for(self, source: AffectSource):  # noqa: ANN202
        from voc.scoring.model_folder import read_config  # noqa: PLC0415

        base = read_config(source.folder).get("base_encoder")
        for encoder in (self.encoder, load_encoder("default", self.models.device)):
            if encoder.identity == base:
                return _trunk(encoder)
        raise ModelNotAvailableError(
            f"{source.folder} was trained on encoder {base!r}, which is neither models.encoder nor the packaged "
            "default; retrain it with `voc train` or install its base encoder"
        )

    def _sentiment_of(self, source: Source, probabilities: np.ndarray) -> np.ndarray:
        if not isinstance(source, Classifier):
            return probabilities[:, :3]
        out = np.zeros((len(probabilities), 3), dtype=np.float32)
        for label, column in enumerate(self._sentiment_columns):
            if column >= 0:
                out[:, column] += probabilities[:, label]
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.full_like(out, 1 / 3), where=total > 0)

    def _frustration_of(self, source: Source, probabilities: np.ndarray) -> np.ndarray:
        if not isinstance(source, Classifier):
            return probabilities[:, 3]
        chosen = probabilities[:, np.array(self._frustration_columns)]
        if self.frustration.multi_label:  # independent sigmoids: probability that any of them holds
            return 1.0 - np.prod(1.0 - chosen, axis=1)
        return np.clip(chosen.sum(axis=1), 0.0, 1.0)


def measured_languages(scorer: Scorer) -> frozenset[str]:
    """Languages whose scores come from models measured in that language (the `languages_measured` of their
    cards), given the routing: a language of models.affect_languages counts when models.sentiment and
    models.frustration were both measured in it; any other language when models.multilingual_affect was.
    A swapped-in classifier has no card: nothing it scores counts as measured."""
    main = _measured(scorer.sentiment) & _measured(scorer.frustration)
    if scorer.multilingual is None:
        return main
    return frozenset((main & scorer.affect_languages) | (_measured(scorer.multilingual) - scorer.affect_languages))


def _measured(source: Source) -> frozenset[str]:
    from voc.scoring.model_folder import languages_measured  # noqa: PLC0415

    return frozenset() if isinstance(source, Classifier) else languages_measured(source.folder)


def _encode(encoder: SentenceEncoder, texts: list[str], batch_size: int) -> np.ndarray:
    """The encoder's vectors. On a GPU through the layer-by-layer pass when the encoder allows it: the same vectors,
    several times faster than sentence-transformers' `encode`, which starves the GPU with batches of 64 texts
    (bench/score.py). Elsewhere the encoder's own `encode`, whose vectors the caches already hold."""
    if not isinstance(encoder, Encoder) or not str(encoder.model.device).startswith("cuda"):
        return encoder.encode(texts)
    try:
        trunk = _trunk(encoder)
    except ModelNotAvailableError:  # not a BERT-style model, or no fast tokeniser
        return encoder.encode(texts)
    return _trunk_vectors(trunk, texts, batch_size)


def _trunk_vectors(trunk, texts: list[str], batch_size: int) -> np.ndarray:  # noqa: ANN001
    from voc.scoring.affect import predict  # noqa: PLC0415

    return predict(trunk, None, texts, batch_size, vectors=True)[1]


@lru_cache(maxsize=4)
def _trunk(encoder: SentenceEncoder):  # noqa: ANN202
    from voc.scoring.trunk import Trunk  # noqa: PLC0415

    return Trunk(encoder)
