"""The sentiment and frustration model: fine-tuned copies of the encoder's top layers and two heads.

It reads the hidden states the shared lower layers of its base encoder produce (see trunk.py), so the
whole scoring step (vectors + both scores) costs one encoder pass plus `depth - split` extra layers.
A model folder holds `model.safetensors` (fp16), `voc_affect.json` (base encoder, split, temperatures,
metrics) and `README.md`, the model card.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from voc.errors import ModelNotAvailableError
from voc.scoring.model_folder import CONFIG_FILE, WEIGHTS_FILE, read_config
from voc.scoring.trunk import Hidden, Trunk, mean_pool, run_layers

__all__ = ["SENTIMENT_LABELS", "AffectModel", "load_affect", "predict"]

SENTIMENT_LABELS = ("negative", "neutral", "positive")


class AffectModel(nn.Module):
    """Top layers (`split`..depth) of the base encoder, fine-tuned, then mean pooling and two linear heads.

    `temperature` holds the calibration of each head (sentiment, frustration): logits are divided by it."""

    def __init__(self, layers: nn.ModuleList, dim: int, split: int, meta: dict | None = None):
        super().__init__()
        self.split = split
        self.layers = layers
        self.dropout = nn.Dropout(0.1)
        self.sentiment = nn.Linear(dim, len(SENTIMENT_LABELS))
        self.frustration = nn.Linear(dim, 1)
        self.register_buffer("temperature", torch.ones(2))
        self.meta: dict = dict(meta or {})

    @classmethod
    def from_trunk(cls, trunk: Trunk, split: int, meta: dict | None = None) -> AffectModel:
        """A fresh model whose layers start as copies of the trunk's top layers."""
        if not 0 < split < trunk.depth:
            raise ValueError(f"split must be between 1 and {trunk.depth - 1}, got {split}")
        layers = copy.deepcopy(trunk.layers[split:])
        model = cls(layers, trunk.dim, split, {"base_encoder": trunk.encoder.identity, "split": split, **(meta or {})})
        return model.to(trunk.device)

    def logits(self, hidden: Hidden) -> tuple[torch.Tensor, torch.Tensor]:
        """Uncalibrated (sentiment (batch, 3), frustration (batch,)) logits."""
        pooled = self.dropout(mean_pool(run_layers(self.layers, hidden)))
        return self.sentiment(pooled), self.frustration(pooled).squeeze(-1)

    def probabilities(self, hidden: Hidden) -> torch.Tensor:
        """Calibrated (batch, 4): p(negative), p(neutral), p(positive), p(frustrated)."""
        sentiment, frustration = self.logits(hidden)
        return torch.cat(
            [torch.softmax(sentiment / self.temperature[0], dim=-1),
             torch.sigmoid(frustration / self.temperature[1]).unsqueeze(-1)], dim=-1
        )

    def save(self, folder: Path, card: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        weights = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in self.state_dict().items()}
        save_file(weights, str(folder / WEIGHTS_FILE))
        return self.write_card(folder, card)

    def write_card(self, folder: Path, card: str) -> Path:
        """The folder's config (`self.meta`) and card, next to its weights, which stay as they are."""
        config = {"split": self.split, "dim": self.sentiment.in_features, "sentiment_labels": list(SENTIMENT_LABELS),
                  **self.meta}
        (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2, default=str) + "\n", encoding="utf-8")
        (folder / "README.md").write_text(card, encoding="utf-8")
        return folder


def load_affect(folder: Path, trunk: Trunk) -> AffectModel:
    """The model in `folder`, on the trunk's device and dtype; it must have been trained on the trunk's encoder.
    Cached per process, and loaded again when the folder's weights change (a model retrained in place)."""
    weights = (folder / WEIGHTS_FILE).stat()
    return _load_affect(folder, trunk, (weights.st_mtime_ns, weights.st_size))


@lru_cache(maxsize=4)
def _load_affect(folder: Path, trunk: Trunk, _stamp: tuple[int, int]) -> AffectModel:
    config = read_config(folder)
    if config.get("base_encoder") != trunk.encoder.identity:
        raise ModelNotAvailableError(
            f"{folder} was trained on encoder {config.get('base_encoder')!r}, but the trunk is "
            f"{trunk.encoder.identity!r}; use the model's own base encoder or retrain it with `voc train`"
        )
    model = AffectModel(copy.deepcopy(trunk.layers[config["split"]:]), config["dim"], config["split"], config)
    state = load_file(str(folder / WEIGHTS_FILE))
    model.load_state_dict({k: v.float() for k, v in state.items()})
    dtype = next(trunk.bert.parameters()).dtype
    return model.to(device=trunk.device, dtype=dtype).eval()


def predict(
    trunk: Trunk, model: AffectModel | None, texts: list[str], batch_size: int = 64, vectors: bool = False,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """One pass over the texts: (probabilities (n, 4) when a model is given, encoder vectors (n, dim) when asked).

    The lower layers run once per batch and feed both the encoder's frozen top layers and the model."""
    split = model.split if model is not None else trunk.depth
    probabilities = np.zeros((len(texts), 4), dtype=np.float32) if model is not None else None
    out_vectors = np.zeros((len(texts), trunk.dim), dtype=np.float32) if vectors else None
    if not texts:
        return probabilities, out_vectors
    with torch.inference_mode():
        for rows, hidden in trunk.lower_batches(texts, split, batch_size):
            if model is not None:
                states = hidden.states.to(model.sentiment.weight.dtype)  # a model trained in fp32 on an fp16 trunk
                probabilities[rows] = model.probabilities(Hidden(states, hidden.attention_mask, hidden.layer_mask)).float().cpu().numpy()
            if vectors:
                out_vectors[rows] = trunk.vectors(hidden, split).float().cpu().numpy()
    return probabilities, out_vectors
