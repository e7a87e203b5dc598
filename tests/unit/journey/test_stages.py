"""Stage assignment on hand-made vectors: three stages with orthogonal texts, and units placed between them."""

import numpy as np
import pytest

from voc.config import JourneyConfig, JourneyMap
from voc.journey.stages import (StageEvidence, assign_stages, channel_prior, description_clauses, stage_texts, stage_tone,
                                tone_texts)
from voc.schema import UNASSIGNED

MAP = JourneyMap.model_validate({
    "name": "retail",
    "touchpoints": [
        {"id": "ads", "name": "Social ads", "channels": ["social"]},
        {"id": "site", "name": "Website", "channels": ["web"]},
        {"id": "store", "name": "Store", "channels": ["pos"]},
        {"id": "hotline", "name": "Hotline", "channels": ["phone"]},
        {"id": "kiosk", "name": "Kiosk", "channels": ["kiosk"]},  # on no stage
    ],
    "stages": [
        {"id": "discover", "name": "Discover", "description": "Finding the product.", "cues": ["saw an ad"],
         "customer_actions": ["browse"], "goals": ["find a product"], "touchpoints": ["ads", "site"]},
        {"id": "purchase", "name": "Purchase", "description": "Buying it.", "touchpoints": ["site", "store"],
         "kpis": [{"id": "conversion", "name": "Checkout conversion"}]},
        {"id": "support", "name": "Support", "description": "Getting help.", "cues": ["broken"], "touchpoints": ["hotline"]},
    ],
})
TEXT_VECTORS = np.eye(4, dtype=np.float32)[:3]  # one text per stage, along axes 0, 1, 2; axis 3 is no stage
TEXT_STAGE = np.array([0, 1, 2])
DISCOVER, PURCHASE, SUPPORT = [1, 0.1, 0, 0.1], [0, 1, 0.1, 0], [0.1, 0, 1, 0]


def assign(rows, items=None, topics=None, channels=None, fixed=None, sentiment=None, tone=None, **settings):
    vectors = np.array(rows, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    n = len(rows)
    evidence = StageEvidence(vectors, np.arange(n) if items is None else np.array(items),
                             np.full(n, -1) if topics is None else np.array(topics),
                             channels or ["fax"] * n, fixed or [None] * n,
                             None if sentiment is None else np.array(sentiment, dtype=np.float64))
    return assign_stages(evidence, TEXT_VECTORS, TEXT_STAGE, MAP, JourneyConfig(**settings),
                         None if tone is None else np.array(tone))


def test_stage_texts_are_name_description_clauses_cues_actions_goals_and_kpi_names_in_map_order():
    texts, owner = stage_texts(MAP)
    assert texts == ["Discover", "Finding the product", "saw an ad", "browse", "find a product",
                     "Purchase", "Buying it", "Checkout conversion", "Support", "Getting help", "broken"]
    np.testing.assert_array_equal(owner, [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2])


def test_a_description_is_cut_at_its_punctuation_into_clauses_of_two_words_or_more():
    assert description_clauses("The customer pays in shops, takes out cash at ATMs; and sends money abroad. Then: done!") \
        == ["The customer pays in shops", "takes out cash at ATMs", "and sends money abroad"]
    assert description_clauses("Fees of 1.5% apply, e.g. on cash") == ["Fees of 1.5% apply", "on cash"]
    assert description_clauses("Onboarding.") == ["Onboarding."]  # no clause of two words: the whole stays


def test_tone_comes_from_a_stages_cues_or_from_all_its_texts_when_it_has_none():
    texts, owner = tone_texts(MAP)
    assert texts == ["saw an ad", "Purchase", "Buying it", "broken"]
    np.testing.assert_array_equal(owner, [0, 1, 1, 2])
    np.testing.assert_allclose(stage_tone(np.array([0.2, 0.5, 0.1, -0.9]), owner, 3), [0.2, 0.3, -0.9])


def test_a_topics_tone_tips_its_units_between_stages_towards_the_stage_of_its_sentiment():
    between = [0, 1, 1, 0]  # as close to purchase as to support
    tone = [0.0, 0.1, -0.8]  # support's cues complain
    rows, topics = [between] * 6, [1, 1, 1, 2, 2, 2]
    ids, confidence, _ = assign(rows, topics=topics, sentiment=[-0.9, -0.7, np.nan, 0.3, 0.1, 0.2], tone=tone,
                                tone_weight=0.5)
    assert ids == ["support"] * 3 + ["purchase"] * 3  # the unit of unknown sentiment follows its topic
    assert (confidence > 0.5).all()
    unknown, _, _ = assign(rows[:2], topics=[1, 1], sentiment=[np.nan, np.nan], tone=tone, tone_weight=0.5,
                           min_confidence=0.6)
    off, _, _ = assign(rows[:2], topics=[1, 1], sentiment=[-0.9, -0.9], tone=tone, tone_weight=0, min_confidence=0.6)
    outlier, _, _ = assign(rows[:1], sentiment=[-0.9], tone=tone, tone_weight=0.5, min_confidence=0.6)
    assert unknown == off == [UNASSIGNED] * 2 and outlier == [UNASSIGNED]  # no tone to go by: still a tie
    assert assign(rows[:2], topics=[1, 1], sentiment=[-0.9, -0.9], tone=tone, min_confidence=0.6)[0] == off  # off by default


def test_a_narrow_tone_far_from_every_stage_still_gives_a_distribution():
    ids, confidence, _ = assign([PURCHASE] * 2, topics=[4, 4], sentiment=[1.0, 1.0], tone=[-1.0, -0.9, -1.0],
                                tone_weight=1.0, tone_width=0.01)
    assert ids == ["purchase"] * 2 and np.isfinite(confidence).all()


def test_a_topics_tone_does_not_outweigh_a_clear_match():
    ids, _, _ = assign([PURCHASE] * 3, topics=[4, 4, 4], sentiment=[-1.0] * 3, tone=[0.0, 0.5, -1.0], tone_weight=0.5)
    assert ids == ["purchase"] * 3


def test_channel_prior_is_uniform_over_the_stages_whose_touchpoints_list_the_channel():
    prior = channel_prior(["web", "pos", "phone", "social", "web"], MAP)
    np.testing.assert_allclose(prior, [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0.5, 0.5, 0]])


def test_channel_prior_is_uniform_over_all_stages_for_an_unknown_or_unplaced_channel():
    np.testing.assert_allclose(channel_prior(["fax", "kiosk"], MAP), np.full((2, 3), 1 / 3))
    assert channel_prior([], MAP).shape == (0, 3)


def test_a_unit_close_to_a_stage_text_gets_that_stage_with_high_confidence():
    ids, confidence, report = assign([DISCOVER, PURCHASE, SUPPORT])
    assert ids == ["discover", "purchase", "support"]
    assert (confidence > 0.9).all()
    assert report == {"units": 3, "fixed_by_source": 0, "unassigned": 0, "stage_prototypes": 3,
                      "mean_confidence": round(float(confidence.mean()), 4)}


def test_a_text_close_to_many_units_wins_less_a_unit_between_it_and_a_narrower_text():
    crowd = [[1, 0, 0, 0.01 * i] for i in range(120)]  # many units right by discover's text: it is a hub
    unit = [0.6, 0.55, 0, 0.58]  # a little closer to discover's text than to purchase's
    ids, _, report = assign([*crowd, unit], prototype_weight=0, hubness=0.5)
    assert ids[-1] == "purchase" and set(ids[:-1]) == {"discover"} and report["stage_prototypes"] == 0
    assert assign([*crowd, unit], prototype_weight=0)[0][-1] == "discover"  # off by default
    few, _, _ = assign([crowd[0], unit], prototype_weight=0, hubness=0.5)  # too few units to tell a hub
    assert few[-1] == "discover"


def test_a_stages_prototype_learned_from_its_clear_units_draws_a_unit_worded_like_them():
    clear = [[0, 1, 0, 0.5]] * 5  # purchase, in words that also lie along axis 3
    unit = [0.5, 0.45, 0, 0.7]  # by the map's texts alone a little closer to discover
    ids, confidence, report = assign([*clear, unit])
    assert ids == ["purchase"] * 6 and report["stage_prototypes"] == 1
    assert assign([*clear, unit], prototype_weight=0)[0][-1] != "purchase"


def test_units_a_source_fixes_at_a_stage_make_its_prototype():
    fixed = [[0, 0.2, 1, 0.6]] * 4  # a support survey: its answers lie along axis 3 too
    unit = [0.5, 0, 0.45, 0.7]
    ids, _, report = assign([*fixed, unit], fixed=["support"] * 4 + [None])
    assert ids[-1] == "support" and report["stage_prototypes"] == 1
    assert assign([*fixed, unit], fixed=["support"] * 4 + [None], prototype_weight=0)[0][-1] == "discover"


def test_a_fixed_stage_from_the_source_wins_with_confidence_one():
    ids, confidence, report = assign([DISCOVER, [1, 1, 1, 0]], fixed=["support", "purchase"])
    assert ids == ["support", "purchase"]  # against a unit close to discover, and one between all three
    assert confidence.tolist() == [1.0, 1.0]
    assert report["fixed_by_source"] == 2 and report["unassigned"] == 0


def test_an_ambiguous_unit_follows_its_topics_majority():
    between = [0, 1, 1, 0]  # as close to purchase as to support
    rows = [PURCHASE, PURCHASE, PURCHASE, between, SUPPORT, SUPPORT, SUPPORT, between]
    ids, confidence, _ = assign(rows, topics=[57, 57, 57, 57, 3, 3, 3, 3])
    assert (ids[3], ids[7]) == ("purchase", "support")
    assert confidence[3] > 0.9 and confidence[7] > 0.9


def test_an_ambiguous_unit_follows_the_other_units_of_its_item():
    between = [0, 1, 1, 0]
    ids, _, _ = assign([between, SUPPORT, between, PURCHASE], items=[0, 0, 1, 1])
    assert (ids[0], ids[2]) == ("support", "purchase")


def test_a_unit_between_stages_is_unassigned_below_min_confidence():
    ids, confidence, report = assign([[1, 1, 1, 0], [1, 1, 0, 0], DISCOVER], min_confidence=0.6, prototype_weight=0)
    assert ids == [UNASSIGNED, UNASSIGNED, "discover"]
    assert confidence[:2] == pytest.approx([1 / 3, 0.5], abs=0.01)
    assert report["unassigned"] == 2
    assert assign([[1, 1, 1, 0]], min_confidence=0.3)[0] != [UNASSIGNED]


def test_channel_evidence_tips_a_tie():
    between = [1, 1, 0, 0]  # as close to discover as to purchase
    ids, confidence, _ = assign([between, between, between], channels=["pos", "social", "web"], min_confidence=0.6)
    assert ids == ["purchase", "discover", UNASSIGNED]  # web is on both stages: still a tie
    assert confidence[0] > 0.9 and confidence[1] > 0.9


def test_no_units_give_an_empty_assignment():
    evidence = StageEvidence(np.zeros((0, 4), dtype=np.float32), np.zeros(0, dtype=np.int64),
                             np.zeros(0, dtype=np.int64), [], [])
    ids, confidence, report = assign_stages(evidence, TEXT_VECTORS, TEXT_STAGE, MAP, JourneyConfig())
    assert ids == [] and confidence.shape == (0,)
    assert report == {"units": 0, "fixed_by_source": 0, "unassigned": 0, "stage_prototypes": 0, "mean_confidence": None}


def test_a_unit_without_context_keeps_the_confidence_of_its_own_evidence():
    cosines = np.array([0.5, 0.48, 0.45])
    own = np.exp(cosines / 0.1) / np.exp(cosines / 0.1).sum()  # ≈ [0.41, 0.34, 0.25]
    ids, confidence, _ = assign([[*cosines, np.sqrt(1 - (cosines**2).sum())]])
    assert confidence[0] == pytest.approx(own.max(), abs=0.01)
    assert ids == [UNASSIGNED]
