"""Stage assignment: each unit's journey stage from all the evidence there is, and how sure that is.

Evidence, combined as a product of distributions over the map's stages (weights from `journey` in voc.yaml):
1. a source's fixed `stage` decides outright (confidence 1);
2. the unit's own vector: softmax over its best cosine to each stage's texts (name, the clauses of its
   description, cues, customer actions, goals, KPI names), at `temperature`. Once the evidence below has been combined,
   each stage gets a prototype: the mean vector of the units placed there with confidence ≥ 0.8 (and of the
   units a source fixes there); a unit's cosine to it is blended into its cosine to the stage at
   `prototype_weight`, and the evidence is combined again (pseudo-relevance feedback: the customers' own
   wording of a stage, learnt from the clear cases). With `hubness` (off by default), each text's cosine is
   first lowered by `hubness` × its mean cosine to its 50 nearest units (in a workspace of 100 units or more):
   a text close to much of the workspace (a "hub") otherwise wins units that only share the domain with it
   (cross-domain similarity local scaling);
3. its item: the mean of the other units' distributions of the same item (a ticket is mostly about one stage);
4. its topic: the mean distribution of the topic's units (a topic lives in few stages), and the topic's tone: how
   close the mean sentiment of its units is to the mean sentiment of each stage's cues (a stage whose customers
   are heard complaining draws the topics that complain; stages of the same tone stay tied);
5. its channel: stages whose touchpoints list the channel (weak: a phone line serves many stages).
Units whose best stage has probability < `min_confidence` are
'unassigned' rather than forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from voc.config import JourneyConfig, JourneyMap
from voc.groups import group_centroids, group_means, others_mean
from voc.schema import UNASSIGNED

__all__ = ["StageEvidence", "assign_stages", "channel_prior", "description_clauses", "stage_texts", "stage_tone", "tone_texts"]

_FLOOR = 1e-4  # no single piece of evidence can rule a stage out entirely
_HUB_NEIGHBOURS = 50  # units whose cosine to a text measures how much of a hub the text is
_HUB_CROWD = 2 * _HUB_NEIGHBOURS  # fewer units than this are too few to tell a hub (no correction)
_PROTOTYPE_CONFIDENCE = 0.8  # units placed at least this surely make their stage's prototype
_BLOCK = 8192  # units per block of cosines (bounded memory for big runs)
_CLAUSE_END = re.compile(r"[.;:,!?]\s+|[.;:,!?]$")


@dataclass(frozen=True)
class StageEvidence:
    vectors: np.ndarray  # (n, d) unit vectors, unit-normalised
    items: np.ndarray  # (n,) item index
    topics: np.ndarray  # (n,) topic id, -1 for outliers
    channels: list[str]
    fixed: list[str | None]  # the source's fixed stage, if any
    sentiment: np.ndarray | None = None  # (n,) -1..1, NaN where unknown; None: no tone evidence


def stage_texts(journey_map: JourneyMap) -> tuple[list[str], np.ndarray]:
    """The texts that describe each stage, and the stage index of each text: its name, the clauses of its
    description, its cues, customer actions, goals and the names of its KPIs.

    A KPI names what goes wrong or right at the stage in the team's own terms ("Declined payment rate", "Days to
    refund"); on BANKING77 with two hand-written maps the KPI names added 0.4 and 2.9 points of stage accuracy."""
    texts, owner = [], []
    for s, stage in enumerate(journey_map.stages):
        described = [stage.name, *description_clauses(stage.description), *stage.cues, *stage.customer_actions,
                     *stage.goals, *(kpi.name for kpi in stage.kpis)]
        texts += described
        owner += [s] * len(described)
    return texts, np.asarray(owner)


def description_clauses(description: str) -> list[str]:
    """A description cut at its punctuation into clauses of two words or more (the whole when none is).

    A description lists what customers do at the stage ("paying in shops, taking out cash at ATMs, sending
    money abroad"); encoded whole, it is the average of all that and close to every unit of the domain. Each
    clause on its own is matched by the units that speak of it. On BANKING77 with two hand-written maps this
    lifted stage accuracy by 3.7 and 2.5 points."""
    clauses = [c.strip() for c in _CLAUSE_END.split(description)]
    kept = [c for c in clauses if len(c.split()) >= 2]
    return kept or [description.strip()]


def tone_texts(journey_map: JourneyMap) -> tuple[list[str], np.ndarray]:
    """The texts that give each stage its tone, and the stage index of each: its cues, in the customers' own
    words; all its texts for a stage without cues."""
    texts, owner = [], []
    for s, stage in enumerate(journey_map.stages):
        heard = stage.cues or [stage.name, *description_clauses(stage.description), *stage.customer_actions, *stage.goals]
        texts += heard
        owner += [s] * len(heard)
    return texts, np.asarray(owner)


def stage_tone(sentiment: np.ndarray, owner: np.ndarray, stages: int) -> np.ndarray:
    """(stages,): the mean sentiment of each stage's tone texts (`sentiment` and `owner` as from tone_texts)."""
    return np.array([sentiment[owner == s].mean() for s in range(stages)], dtype=np.float64)


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
    config: JourneyConfig, tone: np.ndarray | None = None,
) -> tuple[list[str], np.ndarray, dict]:
    """(stage_id per unit, confidence per unit, a report of how the evidence was used). `tone` (one sentiment
    per stage, from stage_tone) and `evidence.sentiment` together give the tone evidence; without either there
    is none."""
    k = len(journey_map.stages)
    prior = channel_prior(evidence.channels, journey_map)
    best = _best_cosine(evidence.vectors, text_vectors, text_stage, k, config.hubness)
    topic_tone = None
    if tone is not None and evidence.sentiment is not None and config.tone_weight > 0:
        topic_tone = _tone_likelihood(_topic_sentiment(evidence.sentiment, evidence.topics), tone, config.tone_width)
    posterior = _combine(_softmax(best, config.temperature), evidence, prior, config, topic_tone)
    fixed = np.array([f is not None for f in evidence.fixed], dtype=bool)
    index = {stage.id: s for s, stage in enumerate(journey_map.stages)}
    fixed_stage = np.array([index.get(f, -1) if f is not None else -1 for f in evidence.fixed], dtype=np.int64)
    prototypes = 0
    if config.prototype_weight > 0 and len(best):
        placed = np.where(fixed, fixed_stage, np.where(posterior.max(axis=1) >= _PROTOTYPE_CONFIDENCE, posterior.argmax(axis=1), -1))
        near, prototypes = _prototype_cosine(evidence.vectors, placed, best)
        best = (1 - config.prototype_weight) * best + config.prototype_weight * near
        posterior = _combine(_softmax(best, config.temperature), evidence, prior, config, topic_tone)
    confidence = posterior.max(axis=1)
    best = posterior.argmax(axis=1)
    ids = [journey_map.stages[b].id if c >= config.min_confidence else UNASSIGNED for b, c in zip(best, confidence, strict=True)]
    for i in np.flatnonzero(fixed):
        ids[i] = evidence.fixed[i]
        confidence[i] = 1.0
    report = {"units": len(ids), "fixed_by_source": int(fixed.sum()),
              "unassigned": int(sum(i == UNASSIGNED for i in ids)), "stage_prototypes": prototypes,
              "mean_confidence": round(float(confidence.mean()), 4) if len(ids) else None}
    return ids, confidence.astype(np.float64), report


def _best_cosine(vectors: np.ndarray, texts: np.ndarray, owner: np.ndarray, k: int, hubness: float) -> np.ndarray:
    """(n, stages): each unit's best cosine to a stage's texts, each text's cosine lowered by `hubness` × its mean
    cosine to its _HUB_NEIGHBOURS nearest units (from _HUB_CROWD units up: among a handful, a text's nearest units
    are the very units being placed)."""
    measured = hubness > 0 and len(vectors) >= _HUB_CROWD
    penalty = hubness * _hub_scores(vectors, texts) if measured else np.zeros(len(texts))
    best = np.full((len(vectors), k), -1.0, dtype=np.float64)
    for start in range(0, len(vectors), _BLOCK):
        cosine = vectors[start : start + _BLOCK] @ texts.T - penalty
        for s in range(k):
            columns = owner == s
            if columns.any():
                best[start : start + _BLOCK, s] = cosine[:, columns].max(axis=1)
    return best


def _hub_scores(vectors: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """(texts,): each text's mean cosine to its nearest units (all of them when there are fewer)."""
    m = min(_HUB_NEIGHBOURS, len(vectors))
    nearest = np.full((0, len(texts)), -1.0)
    for start in range(0, len(vectors), _BLOCK):
        block = np.concatenate([nearest, vectors[start : start + _BLOCK] @ texts.T])
        nearest = -np.partition(-block, m - 1, axis=0)[:m] if len(block) > m else block
    return nearest.mean(axis=0).astype(np.float64)


def _prototype_cosine(vectors: np.ndarray, placed: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, int]:
    """((n, stages) each unit's cosine to each stage's prototype, the number of stages with one): a prototype is
    the normalised mean vector of the units `placed` at the stage (-1: none); a stage without one keeps `best`."""
    prototypes = group_centroids(vectors, placed, best.shape[1])
    has = prototypes.any(axis=1)
    near = best.copy()
    for start in range(0, len(vectors), _BLOCK):
        near[start : start + _BLOCK, has] = vectors[start : start + _BLOCK] @ prototypes[has].T
    return near, int(has.sum())


def _softmax(best: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax over stages of the best cosines, at `temperature`."""
    return _normalised(np.exp((best - best.max(axis=1, keepdims=True)) / temperature))


def _topic_sentiment(sentiment: np.ndarray, topics: np.ndarray) -> np.ndarray:
    """(n,): the mean known sentiment of each unit's topic; NaN for outliers and topics with none known."""
    known = ~np.isnan(sentiment)
    columns = np.stack([np.where(known, sentiment, 0.0), known.astype(np.float64)], axis=1)
    sums = group_means(columns, topics).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums[:, 0] / sums[:, 1]
    mean[(topics < 0) | (sums[:, 1] == 0)] = np.nan
    return mean


def _tone_likelihood(sentiment: np.ndarray, tone: np.ndarray, width: float) -> np.ndarray:
    """(n, stages): a Gaussian of width `width` around each stage's tone, at each sentiment, normalised per row;
    uniform where the sentiment is unknown."""
    distance = np.nan_to_num(np.asarray(sentiment, dtype=np.float64), nan=0.0)[:, None] - tone[None, :]
    logits = -0.5 * (distance / width) ** 2
    likelihood = _normalised(np.exp(logits - logits.max(axis=1, keepdims=True)))
    likelihood[np.isnan(sentiment)] = 1.0 / len(tone)
    return likelihood


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum(axis=1, keepdims=True)


def _combine(unit: np.ndarray, evidence: StageEvidence, prior: np.ndarray, config: JourneyConfig,
             topic_tone: np.ndarray | None) -> np.ndarray:
    """Weighted product of the unit's, its item's, its topic's (times the topic's tone, when given) and its
    channel's distributions."""
    k = unit.shape[1]
    item = others_mean(unit, evidence.items)
    item[~item.any(axis=1)] = 1.0 / k  # alone in its item: no evidence either way
    topic = group_means(unit, evidence.topics)
    member = evidence.topics >= 0
    if topic_tone is not None:
        topic[member] = _normalised(topic[member] * topic_tone[member] ** config.tone_weight)
    topic[~member] = 1.0 / k  # an outlier has no topic to agree with
    log = (np.log(unit + _FLOOR) + config.item_weight * np.log(item + _FLOOR)
           + config.topic_weight * np.log(topic + _FLOOR) + config.channel_weight * np.log(prior + _FLOOR))
    log -= log.max(axis=1, keepdims=True)
    return _normalised(np.exp(log))
