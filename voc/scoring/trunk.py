"""The encoder run layer by layer, so that its lower layers can be shared.

all-MiniLM-L6-v2 is a 6-layer BERT. The vectors for topics and stages come from all six layers (mean
pooled, L2-normalised, exactly as sentence-transformers computes them); the sentiment and frustration
heads read the hidden states after the lower layers and run their own fine-tuned copies of the top
layers. One tokenisation and one pass through the lower layers serve both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from voc.errors import ModelNotAvailableError
from voc.scoring.encoder import Encoder

__all__ = ["Hidden", "Trunk", "length_batches", "mean_pool", "run_layers"]


@dataclass
class Hidden:
    """Hidden states of one batch after some layers: (batch, tokens, dim), with the masks to go on."""

    states: Any  # torch.Tensor
    attention_mask: Any  # (batch, tokens) 0/1
    layer_mask: Any  # what BERT layers take: None (no padding) or a (batch, 1, tokens, tokens) bool mask


class Trunk:
    """Tokeniser, embeddings and layers of a BERT-style sentence-transformers encoder."""

    def __init__(self, encoder: Encoder):
        transformer = encoder.model[0] if isinstance(encoder, Encoder) else None  # not the numpy multilingual one
        bert = getattr(transformer, "auto_model", None)
        if bert is None or not hasattr(bert, "embeddings") or not hasattr(getattr(bert, "encoder", None), "layer"):
            raise ModelNotAvailableError(
                f"encoder {encoder.name!r} is not a BERT-style model; the shipped sentiment and frustration models "
                "need the default encoder (models.encoder: default) or their own base model installed"
            )
        self.encoder = encoder
        self.bert = bert
        self.tokenizer = transformer.tokenizer
        self.max_tokens = int(transformer.max_seq_length)
        self.layers = bert.encoder.layer
        self.depth = len(self.layers)
        self.dim = int(bert.config.hidden_size)

    @property
    def device(self) -> Any:
        return next(self.bert.parameters()).device

    def tokenize(self, texts: list[str]) -> dict[str, Any]:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt")
        return {k: v.to(self.device) for k, v in batch.items()}

    def lower(self, texts: list[str], split: int) -> Hidden:
        """Hidden states after the first `split` layers."""
        from transformers.masking_utils import create_bidirectional_mask  # noqa: PLC0415

        batch = self.tokenize(texts)
        states = self.bert.embeddings(input_ids=batch["input_ids"], token_type_ids=batch.get("token_type_ids"))
        layer_mask = create_bidirectional_mask(
            config=self.bert.config, inputs_embeds=states, attention_mask=batch["attention_mask"]
        )
        hidden = Hidden(states, batch["attention_mask"], layer_mask)
        return run_layers(self.layers[:split], hidden)

    def vectors(self, hidden: Hidden, split: int) -> Any:
        """The encoder's sentence vectors from hidden states after `split` layers (the frozen top layers)."""
        import torch  # noqa: PLC0415

        top = run_layers(self.layers[split:], hidden)
        return torch.nn.functional.normalize(mean_pool(top), dim=-1)


def run_layers(layers: Any, hidden: Hidden) -> Hidden:
    states = hidden.states
    for layer in layers:
        states = layer(states, hidden.layer_mask)
    return Hidden(states, hidden.attention_mask, hidden.layer_mask)


def mean_pool(hidden: Hidden) -> Any:
    mask = hidden.attention_mask.unsqueeze(-1).to(hidden.states.dtype)
    return (hidden.states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def length_batches(texts: list[str], batch_size: int) -> Iterator[np.ndarray]:
    """Row indices in batches of similar length (longest first): little padding, steady memory."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
