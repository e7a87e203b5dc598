"""Fitting `VectorHeads` on precomputed sentence vectors: the same loss as the shipped model (class-balanced,
rows without a label for a head ignored by it), then one temperature per head fitted on validation rows."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from voc.scoring.heads import VectorHeads
from voc.scoring.train import affect_loss, class_weights, fit_temperature

__all__ = ["HeadSettings", "calibrate", "fit_heads"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeadSettings:
    hidden: int = 512
    epochs: int = 15
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.01
    dropout: float = 0.1
    seed: int = 13


class _Net(nn.Module):
    def __init__(self, dim: int, settings: HeadSettings):
        super().__init__()
        self.hidden = nn.Linear(dim, settings.hidden)
        self.dropout = nn.Dropout(settings.dropout)
        self.sentiment = nn.Linear(settings.hidden, 3)
        self.frustration = nn.Linear(settings.hidden, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.dropout(torch.relu(self.hidden(self.dropout(x))))
        return self.sentiment(h), self.frustration(h).squeeze(-1)


def fit_heads(vectors: np.ndarray, sentiment: np.ndarray, frustration: np.ndarray, settings: HeadSettings = HeadSettings(),
              ) -> tuple[VectorHeads, list[dict]]:
    """Heads trained on (rows, dim) vectors; `sentiment` holds 0/1/2 or -1, `frustration` 0/1 or -1. Uncalibrated
    (temperatures 1); returns the heads and the loss per epoch."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # batches this small run faster on one thread, and much faster on a busy machine
    try:
        return _fit(vectors, sentiment, frustration, settings)
    finally:
        torch.set_num_threads(threads)


def _fit(vectors: np.ndarray, sentiment: np.ndarray, frustration: np.ndarray, settings: HeadSettings,
         ) -> tuple[VectorHeads, list[dict]]:
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    device = torch.device("cpu")
    net = _Net(vectors.shape[1], settings)
    optimizer = torch.optim.AdamW(net.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    batches = -(-len(vectors) // settings.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / (settings.epochs * batches)))
    s_weight, f_weight = class_weights(sentiment, frustration, device)
    x = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
    history = []
    net.train()
    for epoch in range(settings.epochs):
        started, total = time.perf_counter(), 0.0
        order = rng.permutation(len(vectors))
        for start in range(0, len(order), settings.batch_size):
            rows = order[start : start + settings.batch_size]
            s_logits, f_logits = net(x[rows])
            loss = affect_loss(s_logits, f_logits, sentiment[rows], frustration[rows], s_weight, f_weight, None, 0.0, device)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(rows)
        history.append({"epoch": epoch + 1, "loss": round(total / len(order), 4),
                        "seconds": round(time.perf_counter() - started, 1)})
        log.info("epoch %s", history[-1])
    net.eval()
    weights = {name: p.detach().numpy().copy() for name, p in net.named_parameters()}
    heads = VectorHeads(weights["hidden.weight"].T.copy(), weights["hidden.bias"], weights["sentiment.weight"].T.copy(),
                        weights["sentiment.bias"], weights["frustration.weight"].T.copy(), weights["frustration.bias"])
    return heads, history


def calibrate(heads: VectorHeads, vectors: np.ndarray, sentiment: np.ndarray, frustration: np.ndarray) -> VectorHeads:
    """The heads with one temperature per head fitted on labelled (validation) rows."""
    s_logits, f_logits = heads.logits(vectors)
    temperatures = (fit_temperature(s_logits, sentiment, binary=False), fit_temperature(f_logits, frustration, binary=True))
    return VectorHeads(heads.hidden_weight, heads.hidden_bias, heads.sentiment_weight, heads.sentiment_bias,
                       heads.frustration_weight, heads.frustration_bias, temperatures, dict(heads.meta))
