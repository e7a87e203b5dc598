"""The README's path on the bundled sample: `voc init --sample`, `voc validate`, `voc run`, as a user runs them."""

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from voc.config import load_workspace
from voc.journey.fragmentation import fragmentation, stage_fragmentation
from voc.scoring.scorer import Scorer
from voc.text.redact import iban_ok, luhn_ok

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PLANTED = json.loads((SAMPLE / "planted.json").read_text())
ITALIAN = PLANTED["italian"]
ITALIAN_SOURCES = sorted(ITALIAN["sources"].values())


@pytest.fixture(scope="module")
def published(sample_run):
    return sample_run["run"]


@pytest.fixture(scope="module")
def stored(published) -> str:
    """Every unit's text and every message of every item (the customer's and the agent's), as stored."""
    texts = pl.concat([
        pl.read_parquet(published / "units.parquet").select("text"),
        pl.read_parquet(published / "feedback.parquet").select(pl.col("messages").list.eval(pl.element().struct.field("text"))).explode("messages").rename({"messages": "text"}),
    ])["text"].drop_nulls().to_list()
    return "\n".join(texts)


def test_every_source_is_read_and_conserved(published):
    manifest = json.loads((published / "run.json").read_text())
    assert set(manifest["sources"]) == {"nps_survey", "post_chat_csat", "install_ces", "support_tickets", "chat_transcripts", "calls",
                                        *ITALIAN_SOURCES}
    for name, counts in manifest["sources"].items():
        assert counts["used"] > 0, name
        assert counts["read"] == counts["used"] + counts["quarantined"], name
    units = pl.read_parquet(published / "units.parquet")
    assert units.height > 3000
    assert units["created_at"].null_count() == 0
    assert units.select(pl.col("customer_id").n_unique()).item() > 500


def test_planted_bad_items_are_quarantined_with_their_reason(published):
    planted = json.loads((SAMPLE / "planted.json").read_text())
    quarantine = pl.read_parquet(published / "quarantine.parquet")
    found = {(Path(loc.split(":")[0]).name, reason) for loc, reason in quarantine.select("locator", pl.col("reason").cast(pl.String)).iter_rows()}
    for bad in planted["bad_items"]:
        assert (Path(bad["file"]).name, bad["reason"]) in found, bad


def test_no_pii_reaches_units_or_feedback(stored):
    blob = stored
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", blob)
    for run in re.findall(r"\d(?:[ -]?\d){12,18}", blob):
        assert not luhn_ok(re.sub(r"\D", "", run)), run
    for candidate in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", blob):
        assert not iban_ok(candidate), candidate
    assert not re.search(r"\b07\d{3} ?\d{6}\b|\+44 ?\d{2} ?\d{4} ?\d{4}", blob)
    assert not re.search(r"(?i)my name is [A-Z][a-z]+", blob)
    names = json.loads((SAMPLE / "planted.json").read_text())["person_names"]
    leaked = re.findall(r"(?i)\b(" + "|".join(names) + r")\b", blob)
    assert leaked == []


def test_agent_words_never_become_units(published):
    feedback = pl.read_parquet(published / "feedback.parquet")
    agent = (
        feedback.select("feedback_id", "messages").explode("messages").unnest("messages")
        .filter(pl.col("role") == "agent")["text"].to_list()
    )
    assert len(agent) > 100
    unit_texts = set(pl.read_parquet(published / "units.parquet")["text"])
    agent_sentences = {s.strip() for t in agent for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 40}
    leaked = agent_sentences & unit_texts
    assert len(leaked) <= len(agent_sentences) * 0.01, sorted(leaked)[:5]


def test_every_unit_and_item_is_scored_and_scores_follow_the_survey_score(published):
    units = pl.read_parquet(published / "units.parquet")
    assert units.select(pl.col("sentiment", "sentiment_label", "frustration").null_count()).sum_horizontal().item() == 0
    assert units["sentiment"].is_between(-1, 1).all() and units["frustration"].is_between(0, 1).all()
    nps = pl.read_parquet(published / "feedback.parquet").filter(pl.col("score_type") == "nps", pl.col("sentiment").is_not_null())
    assert nps.select(pl.corr("score", "sentiment", method="spearman")).item() > 0.4
    detractors = nps.filter(pl.col("score") <= 6)["frustration"].mean()
    promoters = nps.filter(pl.col("score") >= 9)["frustration"].mean()
    assert detractors > promoters + 0.1


def test_a_one_message_item_is_scored_whole_and_a_thread_gets_its_units_mean(published):
    units = pl.read_parquet(published / "units.parquet")
    feedback = pl.read_parquet(published / "feedback.parquet").select("feedback_id", "sentiment", "frustration")
    per_item = (units.sort("message_index", "unit_index").group_by("feedback_id", maintain_order=True)
                .agg(pl.col("text").str.join(" ").alias("joined"), pl.col("message_index").n_unique().alias("messages"),
                     pl.len().alias("units"), pl.col("sentiment").mean().alias("unit_mean"),
                     (pl.col("language") == "en").all().alias("english"))
                .join(feedback, on="feedback_id"))
    answers = per_item.filter(pl.col("messages") == 1, pl.col("units") >= 2, pl.col("joined").str.len_chars() <= 1000,
                              "english").head(20)
    threads = per_item.filter(pl.col("messages") >= 2)
    assert answers.height == 20 and threads.height > 100
    scorer = Scorer(load_workspace(SAMPLE / "voc.yaml").config.models, SAMPLE)
    _, whole = scorer.run(answers["joined"].to_list(), vectors=False, scores=True)
    np.testing.assert_allclose(answers["sentiment"].to_numpy(), whole[:, 2] - whole[:, 0], atol=1e-4)
    np.testing.assert_allclose(answers["frustration"].to_numpy(), whole[:, 3], atol=1e-4)
    assert (answers["sentiment"] - answers["unit_mean"]).abs().max() > 0.01  # not what averaging the sentences gives
    np.testing.assert_allclose(threads["sentiment"].to_numpy(), threads["unit_mean"].to_numpy(), atol=1e-5)


def test_topics_have_readable_labels_keywords_quotes_and_few_outliers(published):
    topics = pl.read_parquet(published / "topics.parquet")
    units = pl.read_parquet(published / "units.parquet")
    manifest = json.loads((published / "run.json").read_text())
    assert 20 <= topics.height <= 200
    assert manifest["topics"]["outlier_share"] <= 0.10
    assert units.filter(pl.col("topic_id") >= 0)["topic_id"].unique().sort().to_list() == topics["topic_id"].sort().to_list()
    assert not topics["label"].str.contains(r"^\d+_").any()
    assert (topics["keywords"].list.len() >= 5).mean() >= 0.9
    assert (topics["quotes"].list.len() == 3).all()
    assert topics["size"].sum() == units.filter(pl.col("topic_id") >= 0).height


def _insights_matching(published, theme):
    """Typed (stage, topic) insights in the theme's stage, of its kind, whose units mostly use the theme's keywords."""
    insights = pl.read_parquet(published / "stage_insights.parquet")
    units = pl.read_parquet(published / "units.parquet")
    pattern = "|".join(re.escape(k.lower()) for k in theme["keywords"])
    rows = insights.filter((pl.col("stage_id") == theme["stage_id"]) & (pl.col("insight_type").cast(pl.String) == theme["kind"]))
    hits = []
    for row in rows.iter_rows(named=True):
        texts = units.filter((pl.col("topic_id") == row["topic_id"]) & (pl.col("stage_id") == theme["stage_id"]))["text"]
        if texts.str.to_lowercase().str.contains(pattern).mean() >= 0.5:
            hits.append(row["title"])
    return hits


def test_planted_pain_points_and_motivations_are_found_in_their_stage(published):
    themes = json.loads((SAMPLE / "planted.json").read_text())["themes"]
    found = {t["name"]: _insights_matching(published, t) for t in themes}
    missed = sorted(name for name, hits in found.items() if not hits)
    assert len(missed) <= 8, missed  # measured: 23 of 26 themes found (see README, Topics and stages)
    pains = [t for t in themes if t["kind"] == "pain_point"]
    assert sum(bool(found[t["name"]]) for t in pains) >= 0.75 * len(pains)


def test_stage_assignment_and_enriched_map(published):
    units = pl.read_parquet(published / "units.parquet")
    assert units["stage_id"].null_count() == 0 and units["stage_confidence"].is_between(0, 1).all()
    assert units.filter(pl.col("source") == "install_ces")["stage_id"].unique().to_list() == ["install"]
    # Over the sources the map was written for. With the default (English) encoder the Italian slice's units find
    # their stage by weak cross-language similarity and most stay unassigned (about 70%, an eighth of all units).
    assert (_english(units)["stage_id"] == "unassigned").mean() < 0.15
    enriched = json.loads((published / "journey_map.enriched.json").read_text())
    stages = {s["id"]: s for s in enriched["stages"]}
    assert list(stages) == ["discover", "buy", "install", "use", "billing", "support", "renew"]
    for stage in stages.values():
        observed = stage["observed"]
        assert observed["units"] > 0 and observed["pain_points"], stage["id"]
        assert {"nps", "csat", "touchpoints", "motivations"} <= set(observed)
    assert stages["billing"]["observed"]["nps"]["respondents"] > 0
    assert "social_dm" in {c["channel"] for c in enriched["off_map_channels"]}  # the planted off-map touchpoint
    table = pl.read_csv(published / "stage_insights.csv")
    assert table.height == pl.read_parquet(published / "stage_insights.parquet").height > 0


def _english(units: pl.DataFrame) -> pl.DataFrame:
    """Units of the English sources (all but Brightline Italia's)."""
    return units.filter(~pl.col("source").is_in(ITALIAN_SOURCES))


def _scenario(name):
    return next(s for s in json.loads((SAMPLE / "planted.json").read_text())["scenarios"] if s["id"] == name)


def test_the_planted_spike_of_the_last_week_is_the_first_alert(published):
    alerts = pl.read_parquet(published / "alerts.parquet").filter(pl.col("metric") == "volume")
    topics = pl.read_parquet(published / "topics.parquet")
    first = topics.filter(pl.col("topic_id") == alerts["topic_id"][0])
    assert "northgate" in " ".join(first["keywords"][0]).lower() + first["label"][0].lower()
    assert alerts["z"][0] >= 3 and alerts["observed"][0] > 2 * alerts["baseline"][0]


def test_the_topic_with_strong_nps_impact_is_among_the_first_to_fix(published):
    insights = pl.read_parquet(published / "stage_insights.parquet")
    units = pl.read_parquet(published / "units.parquet")
    wifi = units.filter(pl.col("text").str.contains(r"(?i)wifi|wi-fi") & pl.col("text").str.contains(r"(?i)evening|night"))
    topic = wifi.group_by("topic_id").len().sort("len", descending=True)["topic_id"][0]
    row = insights.filter((pl.col("topic_id") == topic) & (pl.col("stage_id") == "use")).row(0, named=True)
    assert row["impact_metric"] == "nps" and row["impact"] < -10 and row["impact_high"] < 0
    assert row["priority"] <= 3


def test_the_cross_channel_issue_makes_billing_the_most_fragmented_stage(published):
    # The planted customers are English-speaking, and so is their stage index: with the default encoder the Italian
    # slice's units land in stages by weak cross-language similarity ("prezzo" near billing's "price"), which adds
    # about 200 one-channel Italian customers to billing and dilutes the map's index (13% -> 9%, support 11%).
    days = load_workspace(published.parent.parent / "voc.yaml").config.insights.fragmentation_days
    units = _english(pl.read_parquet(published / "units.parquet"))
    stages = stage_fragmentation(units, fragmentation(units, days), days)
    index = dict(zip(stages["stage_id"], stages["fragmentation_index"], strict=True))
    assert max(index, key=index.get) == "billing"
    planted = set(_scenario("cross_channel_fragmented_issue")["customers"])
    paths = pl.read_parquet(published / "customer_paths.parquet").filter(pl.col("customer_id").is_in(list(planted)))
    billing = paths.filter(pl.col("stage_id") == "billing").group_by("customer_id").agg(pl.col("channel").n_unique())
    assert billing.filter(pl.col("channel") >= 2).height >= 0.75 * len(planted)


def test_the_stage_the_map_lacks_is_the_first_candidate_and_the_off_map_touchpoint_is_named(published):
    enriched = json.loads((published / "journey_map.enriched.json").read_text())
    units = pl.read_parquet(published / "units.parquet")
    # With the default (English) encoder Brightline Italia's units make one topic of their own, which no stage holds
    # and which is listed as a candidate too; the stage the map lacks is the first candidate of the English topics.
    italian = dict(units.group_by("topic_id").agg(pl.col("source").is_in(ITALIAN_SOURCES).mean()).iter_rows())
    first = next(c for c in enriched["candidate_stages"] if italian[c["topic_id"]] < 0.5)
    units = units.filter(pl.col("topic_id") == first["topic_id"])
    assert units["text"].str.contains(r"(?i)mov(e|ed|ing)|new address|old address").mean() >= 0.5
    install = next(s for s in enriched["stages"] if s["id"] == "install")["observed"]["touchpoints"]
    assert "social_dm" in {t["channel"] for t in install["off_map"]}


def test_observed_flow_and_transitions_add_up(published):
    moves = pl.read_parquet(published / "transitions.parquet")
    assert moves.group_by("from_stage").agg(pl.col("share").sum())["share"].is_between(0.999, 1.001).all()
    flow = json.loads((published / "journey_map.enriched.json").read_text())["observed_flow"]
    assert sum(flow["share"].values()) == pytest.approx(1.0, abs=1e-3) and flow["moves"] == moves["moves"].sum()
    assert flow["common_paths"] and flow["links"]


# ---------------------------------------------------------------------------------------------- Brightline Italia


def test_the_italian_slice_is_read_in_italian_with_its_dates_in_rome_time(published):
    manifest = json.loads((published / "run.json").read_text())
    for key, name in ITALIAN["sources"].items():
        assert manifest["sources"][name]["used"] == ITALIAN["items"][key], name
    feedback = pl.read_parquet(published / "feedback.parquet").filter(pl.col("source").is_in(ITALIAN_SOURCES))
    units = pl.read_parquet(published / "units.parquet").filter(pl.col("source").is_in(ITALIAN_SOURCES))
    assert units.height > feedback.height == sum(ITALIAN["items"].values())
    # Not all: the English sentences of the mixed tickets are English units, and a short text can read as another language.
    assert (units["language"] == "it").mean() >= 0.9 and (feedback["language"] == "it").mean() >= 0.95
    with (SAMPLE / "sources" / "italia" / "nps_italia.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["voto"].isdigit() and re.fullmatch(r"[\d/]{10} [\d:]{5}", r["data_invio"])]
    rome = ZoneInfo("Europe/Rome")
    expected = {r["id_risposta"]: datetime.strptime(r["data_invio"], "%d/%m/%Y %H:%M").replace(tzinfo=rome).astimezone(UTC) for r in rows}
    read = dict(feedback.filter(pl.col("source") == ITALIAN["sources"]["nps"]).select("native_id", "created_at").iter_rows())
    assert len(expected) >= 200 and {k: read.get(k) for k in expected} == expected


def _bare_mobile(phone: str) -> bool:
    return re.fullmatch(r"3\d{9}", phone) is not None


@pytest.mark.parametrize("kind", [
    "email", "card", "iban", "codice_fiscale", "partita_iva", "name", "phone",
    pytest.param("bare_mobile", marks=pytest.mark.xfail(strict=False, reason=(
        "a mobile number written as ten bare digits after an Italian phrase ('Il numero migliore per contattarmi è "
        "3927717427') is not taken for a phone yet (voc/text/redact.py)"))),
])
def test_planted_italian_personal_data_is_redacted(stored, kind):
    values = [v["value"] for v in ITALIAN["pii_values"] if v["kind"] == ("phone" if kind == "bare_mobile" else kind)]
    if kind in ("phone", "bare_mobile"):
        values = [v for v in values if _bare_mobile(v) == (kind == "bare_mobile")]
    assert values, f"the sample plants no Italian {kind}"
    blob = stored.lower()
    assert [v for v in values if v.lower() in blob] == []


@pytest.mark.xfail(strict=False, reason=(
    "the name a customer gives when an Italian agent asks for it ('mi dice nome e cognome dell'intestatario?' -> "
    "'tommaso martini, sono io') is kept: the answer rule of voc/text/redact.py knows English questions only"))
def test_no_name_of_the_italian_slice_is_left(stored):
    leaked = re.findall(r"(?i)\b(" + "|".join(ITALIAN["person_names"]) + r")\b", stored)
    assert leaked == []


def _mixed_ticket_units(published) -> tuple[list[dict], pl.DataFrame]:
    scenario = next(s for s in ITALIAN["scenarios"] if s["id"] == "mixed_language_tickets")
    units = pl.read_parquet(published / "units.parquet").filter(pl.col("source") == scenario["source"], pl.col("message_index") == 0)
    return scenario["tickets"], units


def _units_of_sentence(units: pl.DataFrame, ticket: dict, sentence: str) -> list[str]:
    """The languages of the units of the ticket's first message that hold the sentence."""
    mine = units.filter(pl.col("native_id") == str(ticket["ticket_id"]), pl.col("text").str.contains(sentence, literal=True))
    return mine["language"].to_list()


def test_the_english_sentences_of_mixed_italian_tickets_are_english_units(published):
    tickets, units = _mixed_ticket_units(published)
    assert len(tickets) >= 5
    for ticket in tickets:
        for sentence in ticket["en"]:
            assert _units_of_sentence(units, ticket, sentence) == ["en"], (ticket["ticket_id"], sentence)


@pytest.mark.xfail(strict=False, reason=(
    "between two English sentences a short Italian one can be detected as English ('Il wifi cade tutte le sere verso "
    "le 21:30.'), and the English NER of an English-led message takes a capitalised Italian word ('Dopo') for a name"))
def test_the_italian_sentences_of_mixed_tickets_are_italian_units(published):
    tickets, units = _mixed_ticket_units(published)
    for ticket in tickets:
        for sentence in ticket["it"]:
            assert _units_of_sentence(units, ticket, sentence) == ["it"], (ticket["ticket_id"], sentence)


@pytest.mark.parametrize(("scenario", "italian", "english"), [
    ("same_pain_point_in_two_languages", r"(?i)wi-?fi.*\bser[ae]\b", r"(?i)wi-?fi.*\b(evening|night)"),
    ("same_billing_pain_point_in_two_languages", r"(?i)due volte|doppio addebito", r"(?i)charged twice|taken twice|double charged"),
])
def test_the_same_complaint_in_italian_and_english_is_one_topic_with_the_multilingual_encoder(published, scenario, italian, english):
    if load_workspace(published.parent.parent / "voc.yaml").config.models.encoder != "multilingual":
        pytest.skip("the sample runs the default English encoder, which keeps Italian units in a topic of their own; "
                    "set models.encoder: multilingual")
    assert any(s["id"] == scenario for s in ITALIAN["scenarios"])
    units = pl.read_parquet(published / "units.parquet")
    it = units.filter(pl.col("source").is_in(ITALIAN_SOURCES), pl.col("text").str.contains(italian))
    en = _english(units).filter(pl.col("text").str.contains(english))
    top = [u.group_by("topic_id").len().sort(["len", "topic_id"], descending=[True, False])["topic_id"][0] for u in (it, en)]
    assert it.height >= 20 and top[0] == top[1], top


def test_a_run_with_many_units_outside_the_english_encoder_says_so(published):
    warnings = json.loads((published / "run.json").read_text())["warnings"]
    assert any("not in English (it:" in w and "models.encoder: multilingual" in w for w in warnings), warnings
