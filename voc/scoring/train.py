"""Training the sentiment and frustration model: the shipped one from public data, or an adaptation.

The encoder's lower layers stay frozen, so their hidden states are computed once per example and kept
(fp16) for every epoch: an epoch then costs about one encoder pass, which keeps training on a laptop CPU
in minutes. Both heads train together; a row without a label for a head does not count for that head.
After training, one temperature per head is fitted on the validation rows (calibration).
"""

from __future__ import annotations

import logging
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import torch
from torch import nn

from voc.scoring.affect import AffectModel
from voc.scoring.trunk import Hidden, Trunk

__all__ = ["Frozen", "TrainSettings", "affect_loss", "class_weights", "fit", "fit_temperature", "freeze", "hardware",
           "labels_array", "outputs_of"]

log = logging.getLogger(__name__)
Tick = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TrainSettings:
    split: int = 3  # layers shared with the encoder; the model fine-tunes the ones above
    epochs: int = 3
    batch_size: int = 64
    lr_layers: float = 5e-5
    lr_heads: float = 1e-3
    weight_decay: float = 0.01
    seed: int = 13
    distill_weight: float = 1.0  # adaptation: weight of matching the original model on a head without labels


@dataclass
class Frozen:
    """Hidden states after the frozen lower layers, in length-sorted batches (rows = example positions)."""

    config: Any  # the BERT config the layer masks are built for
    rows: list[np.ndarray]
    states: list[torch.Tensor]  # fp16, (batch, tokens, dim)
    masks: list[torch.Tensor]

    def __len__(self) -> int:
        return len(self.rows)

    def hidden(self, i: int, device: torch.device) -> Hidden:
        from transformers.masking_utils import create_bidirectional_mask  # noqa: PLC0415

        states = self.states[i].to(device=device, dtype=torch.float32)
        attention = self.masks[i].to(device)
        return Hidden(states, attention, create_bidirectional_mask(config=self.config, inputs_embeds=states,
                                                                   attention_mask=attention))


def freeze(trunk: Trunk, texts: list[str], split: int, batch_size: int, tick: Tick | None = None) -> Frozen:
    """Run the lower `split` layers once over every text, in the training batches (`batch_size` texts of similar
    length, on any device)."""
    frozen = Frozen(trunk.bert.config, [], [], [])
    done = 0
    with torch.no_grad():
        for rows, hidden in trunk.lower_batches(texts, split, batch_size, budget=0):
            frozen.rows.append(rows)
            frozen.states.append(hidden.states.to("cpu", torch.float16))
            frozen.masks.append(hidden.attention_mask.to("cpu"))
            done += len(rows)
            if tick:
                tick("encode", done, len(texts))
    return frozen


def fit(
    model: AffectModel, frozen: Frozen, sentiment: np.ndarray, frustration: np.ndarray, settings: TrainSettings,
    teacher: np.ndarray | None = None, tick: Tick | None = None,
) -> list[dict]:
    """Train in place. `sentiment` holds 0/1/2 or -1 (no label), `frustration` 0/1 or -1. `teacher` (rows × 4,
    the original model's probabilities) is matched on a head where a row has no label (adaptation)."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    device = next(model.parameters()).device
    head_params = [*model.sentiment.parameters(), *model.frustration.parameters()]
    optimizer = torch.optim.AdamW(
        [{"params": model.layers.parameters(), "lr": settings.lr_layers},
         {"params": head_params, "lr": settings.lr_heads}], weight_decay=settings.weight_decay)
    steps = settings.epochs * len(frozen)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup)))
    sentiment_weight, frustration_weight = class_weights(sentiment, frustration, device)
    history = []
    model.train()
    for epoch in range(settings.epochs):
        started, total, seen = time.perf_counter(), 0.0, 0
        for n, i in enumerate(rng.permutation(len(frozen))):
            rows = frozen.rows[i]
            s_logits, f_logits = model.logits(frozen.hidden(i, device))
            # train what is served: calibrated outputs (temperature 1 while the shipped model trains; an adapted
            # model keeps its base's temperatures and is fitted through them, to labels and to the teacher)
            s_logits, f_logits = s_logits / model.temperature[0], f_logits / model.temperature[1]
            loss = affect_loss(s_logits, f_logits, sentiment[rows], frustration[rows], sentiment_weight, frustration_weight,
                         None if teacher is None else teacher[rows], settings.distill_weight, device)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += loss.item() * len(rows)
            seen += len(rows)
            if tick:
                tick(f"epoch {epoch + 1}/{settings.epochs}", n + 1, len(frozen))
        history.append({"epoch": epoch + 1, "loss": round(total / max(seen, 1), 4),
                        "seconds": round(time.perf_counter() - started, 1)})
        log.info("epoch %s", history[-1])
    model.eval()
    return history


def class_weights(sentiment: np.ndarray, frustration: np.ndarray, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(weights of the sentiment classes, weight of frustrated rows): balanced classes in the loss."""
    sentiment_weight = torch.tensor(_balanced_weights(sentiment, 3), dtype=torch.float32, device=device)
    positives = max(1, int((frustration == 1).sum()))
    return sentiment_weight, torch.tensor(max(1.0, int((frustration == 0).sum()) / positives), device=device)


def affect_loss(s_logits, f_logits, s_labels, f_labels, s_weight, f_weight, teacher, distill_weight, device) -> torch.Tensor:
    """Class-weighted cross-entropy of sentiment plus weighted binary cross-entropy of frustration over the rows
    labelled for each head (-1 = no label); with a teacher, unlabelled rows are held to its probabilities."""
    loss = torch.zeros((), device=device)
    s_known = torch.as_tensor(s_labels >= 0, device=device)
    if s_known.any():
        target = torch.as_tensor(s_labels, device=device, dtype=torch.long)
        loss = loss + nn.functional.cross_entropy(s_logits[s_known], target[s_known], weight=s_weight)
    f_known = torch.as_tensor(f_labels >= 0, device=device)
    if f_known.any():
        target = torch.as_tensor(f_labels, device=device, dtype=torch.float32)
        loss = loss + nn.functional.binary_cross_entropy_with_logits(f_logits[f_known], target[f_known], pos_weight=f_weight)
    if teacher is not None:
        soft = torch.as_tensor(teacher, device=device, dtype=torch.float32)
        if (~s_known).any():
            log_p = torch.log_softmax(s_logits[~s_known], dim=-1)
            loss = loss + distill_weight * nn.functional.kl_div(log_p, soft[~s_known, :3], reduction="batchmean")
        if (~f_known).any():
            loss = loss + distill_weight * nn.functional.binary_cross_entropy_with_logits(f_logits[~f_known], soft[~f_known, 3])
    return loss


def _balanced_weights(labels: np.ndarray, classes: int) -> list[float]:
    """Inverse class frequency, normalised to mean 1 over the classes present."""
    counts = np.array([(labels == c).sum() for c in range(classes)], dtype=float)
    weights = np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / max(1, (counts > 0).sum()), 0.0)
    return (weights / weights[counts > 0].mean()).tolist() if counts.sum() else [1.0] * classes


def outputs_of(model: AffectModel, frozen: Frozen, rows: int, calibrated: bool) -> np.ndarray:
    """(rows, 4) in row order: calibrated probabilities (as `AffectModel.probabilities`), or else the
    uncalibrated logits (3 of sentiment, 1 of frustration)."""
    device = next(model.parameters()).device
    out = np.zeros((rows, 4), dtype=np.float32)
    model.eval()
    with torch.no_grad():
        for i, batch_rows in enumerate(frozen.rows):
            hidden = frozen.hidden(i, device)
            if calibrated:
                values = model.probabilities(hidden)
            else:
                sentiment, frustration = model.logits(hidden)
                values = torch.cat([sentiment, frustration.unsqueeze(-1)], dim=-1)
            out[batch_rows] = values.float().cpu().numpy()
    return out


def fit_temperature(logits: np.ndarray, labels: np.ndarray, binary: bool) -> float:
    """The temperature that minimises the negative log-likelihood of the labelled rows (1.0 when none)."""
    known = labels >= 0
    if known.sum() < 20:
        return 1.0
    x = torch.tensor(logits[known], dtype=torch.float64)
    y = torch.tensor(labels[known], dtype=torch.float64 if binary else torch.long)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def nll() -> torch.Tensor:
        optimizer.zero_grad()
        scaled = x / log_t.exp()
        loss = (nn.functional.binary_cross_entropy_with_logits(scaled, y) if binary
                else nn.functional.cross_entropy(scaled, y))
        loss.backward()
        return loss.detach()

    optimizer.step(nll)
    value = float(log_t.detach().exp())
    return min(max(value, 0.05), 20.0) if math.isfinite(value) else 1.0


def labels_array(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].fill_null(-1).to_numpy().astype(np.int64)


def hardware(trunk: Trunk) -> str:
    """Where a model was trained, for its card."""
    device = trunk.device
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {platform.machine()}, {torch.get_num_threads()} threads"
