"""The models of `models:` in voc.yaml, resolved and run together.

`Scorer.run` gives encoder vectors and scores (p(negative), p(neutral), p(positive), p(frustrated)) of
texts. With the shipped model (or one adapted by `voc train`) on the default encoder, both come from one
pass: the lower encoder layers run once and feed the encoder's top layers and the model's own. A
swapped-in transformers classifier runs on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from voc.config import ModelsConfig
from voc.errors import ModelNotAvailableError
from voc.scoring.classifier import Classifier, frustration_columns, load_classifier, sentiment_columns
from voc.scoring.encoder import Encoder, load_encoder, weights_identity

__all__ = ["SCORE_COLUMNS", "Scorer", "resolve_model"]

SCORE_COLUMNS = ("p_negative", "p_neutral", "p_positive", "frustration")


@dataclass(frozen=True)
class AffectSource:
    """A model folder written by `voc train` (the shipped one, or an adaptation)."""

    folder: Path

    @cached_property
    def identity(self) -> str:
        return weights_identity(f"affect:{self.folder.name}", self.folder)


Source = AffectSource | Classifier


def resolve_model(name: str, root: Path | None, device: str, batch_size: int) -> Source:
    """`default`, a folder written by `voc train` (relative to the workspace or absolute), or a classifier."""
    from voc.scoring.model_folder import is_affect_folder, shipped_folder  # noqa: PLC0415

    if name == "default":
        return AffectSource(shipped_folder())
    path = Path(name).expanduser()
    if not path.is_absolute() and root is not None and (root / path).exists():
        path = root / path
    if path.exists() and is_affect_folder(path):
        return AffectSource(path.resolve())
    return load_classifier(str(path) if path.exists() else name, device, batch_size)


class Scorer:
    """Vectors and scores with the configured models; weights load on first use."""

    def __init__(self, models: ModelsConfig, root: Path | None = None):
        self.models = models
        self.encoder: Encoder = load_encoder(models.encoder, models.device)
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

    def describe(self) -> dict:
        return {"encoder": self.vector_identity, "sentiment": self.sentiment.identity,
                "frustration": self.frustration.identity, "device": self.encoder.device}

    def run(self, texts: list[str], vectors: bool, scores: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(vectors (n, dim) if asked, scores (n, 4) if asked)."""
        from voc.scoring.affect import load_affect, predict  # noqa: PLC0415  (torch loads with the first model)

        out_vectors, out_scores = None, (np.zeros((len(texts), 4), dtype=np.float32) if scores else None)
        done: dict[Source, np.ndarray] = {}
        if scores:
            for source in dict.fromkeys((self.sentiment, self.frustration)):
                if isinstance(source, AffectSource):
                    trunk = self._trunk_for(source)
                    share = vectors and out_vectors is None and trunk.encoder is self.encoder
                    done[source], shared_vectors = predict(trunk, load_affect(source.folder, trunk), texts,
                                                           self.models.batch_size, vectors=share)
                    out_vectors = shared_vectors if share else out_vectors
                else:
                    done[source] = source.probabilities(texts)
            out_scores[:, :3] = self._sentiment_of(done[self.sentiment])
            out_scores[:, 3] = self._frustration_of(done[self.frustration])
        if vectors and out_vectors is None:
            out_vectors = self.encoder.encode(texts)
        return out_vectors, out_scores

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

    def _sentiment_of(self, probabilities: np.ndarray) -> np.ndarray:
        if isinstance(self.sentiment, AffectSource):
            return probabilities[:, :3]
        out = np.zeros((len(probabilities), 3), dtype=np.float32)
        for label, column in enumerate(self._sentiment_columns):
            if column >= 0:
                out[:, column] += probabilities[:, label]
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.full_like(out, 1 / 3), where=total > 0)

    def _frustration_of(self, probabilities: np.ndarray) -> np.ndarray:
        if isinstance(self.frustration, AffectSource):
            return probabilities[:, 3]
        chosen = probabilities[:, np.array(self._frustration_columns)]
        if self.frustration.multi_label:  # independent sigmoids: probability that any of them holds
            return 1.0 - np.prod(1.0 - chosen, axis=1)
        return np.clip(chosen.sum(axis=1), 0.0, 1.0)


@lru_cache(maxsize=4)
def _trunk(encoder: Encoder):  # noqa: ANN202
    from voc.scoring.trunk import Trunk  # noqa: PLC0415

    return Trunk(encoder)
