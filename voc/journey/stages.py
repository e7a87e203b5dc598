"""Stage assignment: each unit's journey stage from all the evidence there is, and how sure that is.

Evidence, combined as a product of distributions over the map's stages (weights from `journey` in voc.yaml):
1. a source's fixed `stage` decides outright (confidence 1);
2. the unit's own vector: softmax over its best cosine to each stage's texts (name, description, cues,
   customer actions, goals), at `temperature`;
3. its item: the mean of the other units' distributions of the same item (a ticket is mostly about one stage);
4. its topic: the mean distribution of the topic's units (a topic lives in few stages);
5. its channel: stages whose touchpoints list the channel (weak: a phone line serves many stages).
Units whose best stage has probability < `min_confidence` are
'unassigned' rather than forced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voc.config import JourneyConfig, JourneyMap
from voc.groups import group_means, others_mean
from voc.schema import UNASSIGNED

__all__ = ["StageEvidence", "assign_stages", "channel_prior", "stage_texts"]

_FLOOR = 1e-4  # no single piece of evidence can rule a stage out entirely


@dataclass(frozen=True)
class StageEvidence:
    vectors: np.ndarray  # (n, d) unit vectors, unit-normalised
    items: np.ndarray  # (n,) item index
    topics: np.ndarray  # (n,) topic id, -1 for outliers
    channels: list[str]
    fixed: list[str | None]  # the source's fixed stage, if any


def stage_texts(journey_map: JourneyMap) -> tuple[list[str], np.ndarray]:
    """The texts that describe each stage, and the stage index of each text."""
    texts, owner = [], []
    for s, stage in enumerate(journey_map.stages):
        described = [stage.name, stage.description, *stage.cues, *stage.customer_actions, *stage.goals]
        texts += described
        owner += [s] * len(described)
    return texts, np.asarray(owner)


def channel_prior(channels: list[str], journey_map: JourneyMap) -> np.ndarray:
    """(n, stages): uniform over the stages whose touchpoints list the channel; uniform over all when none does."""
    k = len(journey_map.stages)
    by_channel: dict[str, np.ndarray] = {}
    for channel in set(channels):
        touchpoints = {t.id for t in journey_map.touchpoints if channel in t.channels}
        row = np.array([bool(touchpoints & set(s.touchpoints)) for s in journey_map.stages], dtype=np.float64)
        by_channel[channel] = row / row.sum() if row.any() else np.full(k, 1.0 / k)
    return np.stack([by_channel[c] for c in channels]) if channels else np.zeros((0, k))


def assign_stages(
    evidence: StageEvidence, text_vectors: np.ndarray, text_stage: np.ndarray, journey_map: JourneyMap,
    config: JourneyConfig,
) -> tuple[list[str], np.ndarray, dict]:
    """(stage_id per unit, confidence per unit, a report of how the evidence was used)."""
    k = len(journey_map.stages)
    prior = channel_prior(evidence.channels, journey_map)
    unit = _similarity(evidence.vectors, text_vectors, text_stage, k, config.temperature)
    posterior = _combine(unit, evidence, prior, config)
    fixed = np.array([f is not None for f in evidence.fixed], dtype=bool)
    confidence = posterior.max(axis=1)
    best = posterior.argmax(axis=1)
    ids = [journey_map.stages[b].id if c >= config.min_confidence else UNASSIGNED for b, c in zip(best, confidence, strict=True)]
    for i in np.flatnonzero(fixed):
        ids[i] = evidence.fixed[i]
        confidence[i] = 1.0
    report = {"units": len(ids), "fixed_by_source": int(fixed.sum()),
              "unassigned": int(sum(i == UNASSIGNED for i in ids)),
              "mean_confidence": round(float(confidence.mean()), 4) if len(ids) else None}
    return ids, confidence.astype(np.float64), report


def _similarity(vectors: np.ndarray, texts: np.ndarray, owner: np.ndarray, k: int, temperature: float) -> np.ndarray:
    """Softmax over stages of the best cosine between each unit and the stage's texts."""
    best = np.full((len(vectors), k), -1.0, dtype=np.float64)
    for start in range(0, len(vectors), 8192):
        cosine = vectors[start : start + 8192] @ texts.T
        for s in range(k):
            columns = owner == s
            if columns.any():
                best[start : start + 8192, s] = cosine[:, columns].max(axis=1)
    logits = (best - best.max(axis=1, keepdims=True)) / temperature
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)


def _combine(unit: np.ndarray, evidence: StageEvidence, prior: np.ndarray, config: JourneyConfig) -> np.ndarray:
    """Weighted product of the unit's, its item's, its topic's and its channel's distributions."""
    k = unit.shape[1]
    item = others_mean(unit, evidence.items)
    item[~item.any(axis=1)] = 1.0 / k  # alone in its item: no evidence either way
    topic = group_means(unit, evidence.topics)
    topic[evidence.topics < 0] = 1.0 / k  # an outlier has no topic to agree with
    log = (np.log(unit + _FLOOR) + config.item_weight * np.log(item + _FLOOR)
           + config.topic_weight * np.log(topic + _FLOOR) + config.channel_weight * np.log(prior + _FLOOR))
    log -= log.max(axis=1, keepdims=True)
    posterior = np.exp(log)
    return posterior / posterior.sum(axis=1, keepdims=True)
