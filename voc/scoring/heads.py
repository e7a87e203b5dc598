"""Sentiment and frustration heads on sentence vectors: the cross-lingual model.

The multilingual encoder puts a sentence and its translation close together, so heads trained on the
vectors of English labelled examples score the other languages of that space too. The model is one hidden
layer over the frozen vectors and two heads, calibrated by one temperature per head; it runs in numpy, on
vectors the scoring step has already computed for topics when the multilingual encoder is `models.encoder`.

A folder holds `model.safetensors` (fp32, small), `voc_affect.json` (`architecture: vector_heads`, base
encoder, temperatures, metrics, `languages_measured`) and `README.md`, the model card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from voc.errors import ModelNotAvailableError
from voc.scoring.model_folder import CONFIG_FILE, WEIGHTS_FILE, read_config

__all__ = ["ARCHITECTURE", "VectorHeads", "load_heads"]

ARCHITECTURE = "vector_heads"
_WEIGHTS = ("hidden_weight", "hidden_bias", "sentiment_weight", "sentiment_bias", "frustration_weight",
            "frustration_bias")


@dataclass(frozen=True, eq=False)
class VectorHeads:
    """vectors (n, dim) → ReLU(vectors · hidden_weight + hidden_bias) → sentiment (3) and frustration (1) logits."""

    hidden_weight: np.ndarray  # (dim, hidden)
    hidden_bias: np.ndarray  # (hidden,)
    sentiment_weight: np.ndarray  # (hidden, 3)
    sentiment_bias: np.ndarray  # (3,)
    frustration_weight: np.ndarray  # (hidden, 1)
    frustration_bias: np.ndarray  # (1,)
    temperatures: tuple[float, float] = (1.0, 1.0)
    meta: dict = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.hidden_weight.shape[0])

    def logits(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Uncalibrated (sentiment (n, 3), frustration (n,)) logits."""
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected (rows, {self.dim}) vectors of {self.meta.get('base_encoder')}, got {vectors.shape}")
        hidden = np.maximum(vectors.astype(np.float32, copy=False) @ self.hidden_weight + self.hidden_bias, 0.0)
        return hidden @ self.sentiment_weight + self.sentiment_bias, (hidden @ self.frustration_weight + self.frustration_bias)[:, 0]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Calibrated (n, 4): p(negative), p(neutral), p(positive), p(frustrated)."""
        sentiment, frustration = self.logits(vectors)
        sentiment = sentiment / self.temperatures[0]
        sentiment = np.exp(sentiment - sentiment.max(axis=1, keepdims=True))
        out = np.empty((len(vectors), 4), dtype=np.float32)
        out[:, :3] = sentiment / sentiment.sum(axis=1, keepdims=True)
        out[:, 3] = 1.0 / (1.0 + np.exp(-frustration / self.temperatures[1]))
        return out

    def save(self, folder: Path, card: str) -> Path:
        from safetensors.numpy import save_file  # noqa: PLC0415

        folder.mkdir(parents=True, exist_ok=True)
        save_file({name: np.ascontiguousarray(getattr(self, name), dtype=np.float32) for name in _WEIGHTS},
                  str(folder / WEIGHTS_FILE))
        config = {"architecture": ARCHITECTURE, "dim": self.dim, "hidden": int(self.hidden_weight.shape[1]),
                  "sentiment_labels": ["negative", "neutral", "positive"],
                  "temperatures": [round(float(t), 4) for t in self.temperatures], **self.meta}
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2, default=str) + "\n", encoding="utf-8")
        (folder / "README.md").write_text(card, encoding="utf-8")
        return folder


def load_heads(folder: Path) -> VectorHeads:
    """The heads in `folder`; cached per process and loaded again when the weights change."""
    weights = (folder / WEIGHTS_FILE).stat()
    return _load_heads(folder, (weights.st_mtime_ns, weights.st_size))


@lru_cache(maxsize=4)
def _load_heads(folder: Path, _stamp: tuple[int, int]) -> VectorHeads:
    from safetensors.numpy import load_file  # noqa: PLC0415

    config = read_config(folder)
    if config.get("architecture") != ARCHITECTURE:
        raise ModelNotAvailableError(f"{folder} holds a {config.get('architecture', 'fine-tuned encoder')!r} model, "
                                     f"not sentiment/frustration heads on vectors ({ARCHITECTURE})")
    state = load_file(str(folder / WEIGHTS_FILE))
    missing = [name for name in _WEIGHTS if name not in state]
    if missing:
        raise ModelNotAvailableError(f"{folder / WEIGHTS_FILE} lacks {missing}; retrain it with `voc train --multilingual`")
    meta = {k: v for k, v in config.items() if k not in ("architecture", "dim", "hidden", "sentiment_labels", "temperatures")}
    temperatures = tuple(float(t) for t in config.get("temperatures", (1.0, 1.0)))
    return VectorHeads(**{name: state[name].astype(np.float32) for name in _WEIGHTS}, temperatures=temperatures, meta=meta)
