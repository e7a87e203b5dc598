"""The encoder run layer by layer, so that its lower layers can be shared.

all-MiniLM-L6-v2 is a 6-layer BERT. The vectors for topics and stages come from all six layers (mean
pooled, L2-normalised, exactly as sentence-transformers computes them); the sentiment and frustration
heads read the hidden states after the lower layers and run their own fine-tuned copies of the top
layers. One tokenisation and one pass through the lower layers serve both.

Texts are tokenised once, all together (the fast tokeniser works in parallel), then run longest first in
batches of similar length: little padding. On a CPU a batch is `batch_size` texts of similar character
length, as it always was (the results stay bit for bit the same). On a GPU a batch holds up to
`GPU_BATCH_TOKENS` tokens (thousands of short texts), so the device is not starved by Python work between
small batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np

from voc.errors import ModelNotAvailableError
from voc.scoring.encoder import Encoder
from voc.scoring.model_input import model_inputs

__all__ = ["GPU_BATCH_TOKENS", "Hidden", "Trunk", "length_batches", "mean_pool", "run_layers", "token_batches"]

GPU_BATCH_TOKENS = 1 << 16  # padded tokens per batch on a GPU (at least `batch_size` texts)


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
        if not getattr(transformer.tokenizer, "is_fast", False):
            raise ModelNotAvailableError(f"encoder {encoder.name!r} has no fast (Rust) tokeniser, which voc's models need")
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

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Word-piece ids of each text's model input, cut at the encoder's window, unpadded: the ids the
        transformers tokeniser gives, from its Rust tokeniser directly (about a fifth faster: no offsets, no
        per-text Python dicts)."""
        return [encoding.ids for encoding in self._rust_tokenizer.encode_batch_fast(model_inputs(texts))]

    @cached_property
    def _rust_tokenizer(self) -> Any:
        """A copy of the tokeniser's Rust backend that truncates at the window and never pads (the shared backend's
        settings change with every call of the transformers tokeniser)."""
        from tokenizers import Tokenizer  # noqa: PLC0415

        tokenizer = Tokenizer.from_str(self.tokenizer.backend_tokenizer.to_str())
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.no_padding()
        return tokenizer

    def lower_batches(self, texts: list[str], split: int, batch_size: int, budget: int | None = None,
                      ) -> Iterator[tuple[np.ndarray, Hidden]]:
        """(rows, hidden states after the first `split` layers) per batch of texts of similar length: with a token
        `budget` (by default GPU_BATCH_TOKENS on a GPU), as many texts as fit in it, by token length (see
        `token_batches`); with budget 0 (by default on a CPU, and always in training), `batch_size` texts by
        character length (`length_batches`), as voc always batched them on a CPU, so that results stay bit for bit
        what they were (a topic fit follows even tiny differences in the vectors)."""
        ids = self.token_ids(texts)
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        if budget is None:
            budget = GPU_BATCH_TOKENS if self.device.type == "cuda" else 0
        batches = token_batches(lengths, batch_size, budget) if budget else length_batches(texts, batch_size)
        for rows in batches:
            yield rows, self._lower([ids[i] for i in rows], lengths[rows], split)

    def _lower(self, ids: list[list[int]], lengths: np.ndarray, split: int) -> Hidden:
        import torch  # noqa: PLC0415
        from transformers.masking_utils import create_bidirectional_mask  # noqa: PLC0415

        present = np.arange(int(lengths.max())) < lengths[:, None]  # (texts, width): the unpadded positions
        input_ids = np.full(present.shape, self.tokenizer.pad_token_id or 0, dtype=np.int64)
        input_ids[present] = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        input_ids, attention = (torch.from_numpy(a).to(self.device) for a in (input_ids, present.astype(np.int64)))
        states = self.bert.embeddings(input_ids=input_ids)
        layer_mask = create_bidirectional_mask(config=self.bert.config, inputs_embeds=states, attention_mask=attention)
        return run_layers(self.layers[:split], Hidden(states, attention, layer_mask))

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


def token_batches(lengths: np.ndarray, batch_size: int, budget: int) -> Iterator[np.ndarray]:
    """Row indices in batches of similar token length, longest first: as many rows as fit in a `budget` of tokens
    (padded to the batch's longest), and never fewer than `batch_size`."""
    order = np.argsort(-lengths, kind="stable")
    start = 0
    while start < len(order):
        rows = max(batch_size, budget // max(1, int(lengths[order[start]])))
        yield order[start : start + rows]
        start += rows


def length_batches(texts: list[str], batch_size: int) -> Iterator[np.ndarray]:
    """Row indices in batches of similar length (longest first): little padding, steady memory."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
