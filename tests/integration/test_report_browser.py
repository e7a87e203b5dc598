"""report.html in a real browser (headless Debian Chromium): it draws, logs no errors, filters and expands topics,
and shows planted markup as text.

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian packages chromium and chromium-driver) and selenium.
Without them the test is skipped on a developer's machine and fails under CI, which installs them.
"""

import io
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from voc.export.report import write_report
from voc.schema import QUARANTINE, STAGE_INSIGHTS, TOPIC_LINEAGE, TOPICS, UNITS

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PLANTED = "<script>alert(1)</script><b>x</b>"
STAGES = [("look", "Look around"), ("buy", "Buy"), ("use", "Use"), ("help", "Get help")]
LABELS = ["Router reboots", "Slow speed", "Bill shock", "Kind staff", "Easy setup", "Late engineer", "Price rise",
          "App login", "Refund wait", "Good value", "Hold music", "Contract end"]
KINDS = ["pain_point", "pain_point", "pain_point", "motivation", "motivation", "pain_point", "pain_point", "neutral",
         "pain_point", "motivation", "neutral", "neutral"]
SOURCES = ["nps", "tickets", "calls"]


def _needs(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; CI installs it (apt-get install chromium chromium-driver; pip install -e '.[test]')")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _needs("selenium")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists() and shutil.which(str(CHROMIUM))):
        _needs("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A run of 12 topics over 4 stages, 3 sources and 6 weeks; the first topic's first quote is planted markup."""
    folder = tmp_path_factory.mktemp("run")
    start = datetime(2026, 9, 7, 10, tzinfo=UTC)
    rows = [(t, i) for t in range(len(LABELS)) for i in range(3 + 2 * t)]
    n = len(rows)
    units = pl.DataFrame({
        "unit_id": [f"u{t}-{i}" for t, i in rows], "feedback_id": [f"f{t}-{i}" for t, i in rows],
        "native_id": [f"n{t}-{i}" for t, i in rows], "source": [SOURCES[(t + i) % 3] for t, i in rows], "kind": ["survey"] * n,
        "channel": ["web"] * n, "customer_id": [None] * n,
        "created_at": [start + timedelta(days=(5 * i + t) % 42) for t, i in rows],
        "language": ["en"] * n, "language_confidence": [None] * n, "message_index": [0] * n, "unit_index": [0] * n,
        "text": [PLANTED if (t, i) == (0, 0) else f"{LABELS[t]} said {i}" for t, i in rows], "capped": [False] * n,
        "score": [None] * n, "score_type": [None] * n, "sentiment": [0.6 - 0.1 * t for t, _ in rows],
        "sentiment_label": ["neutral"] * n, "frustration": [0.05 * t for t, _ in rows], "topic_id": [t for t, _ in rows],
        "stage_id": [STAGES[t % 4][0] for t, _ in rows], "stage_confidence": [0.9] * n,
    }, schema=UNITS.schema)
    sizes = units.group_by("topic_id").len().sort("topic_id")["len"].cast(pl.Int64).to_list()
    ids = list(range(len(LABELS)))
    topics = pl.DataFrame({
        "topic_id": ids, "label": LABELS, "keywords": [[w.lower() for w in label.split()] for label in LABELS],
        "keywords_by_language": [[{"language": "en", "share": 1.0, "keywords": [w.lower() for w in label.split()]}]
                                 for label in LABELS],
        "languages": [[{"language": "en", "units": s, "share": 1.0}] for s in sizes], "size": sizes,
        "share": [s / n for s in sizes], "kind": KINDS, "sentiment_mean": [0.6 - 0.1 * t for t in ids],
        "frustration_rate": [0.05 * t for t in ids],
        "quotes": [[PLANTED, "it keeps dropping"] if t == 0 else [f"{LABELS[t]} said 0"] for t in ids],
        "stage_id": [STAGES[t % 4][0] for t in ids], "first_seen_run": ["r1"] * len(ids), "lineage_event": ["born"] * len(ids),
        "lineage_topic_id": [None] * len(ids), "lineage_similarity": [None] * len(ids),
    }, schema=TOPICS.schema)
    units.write_parquet(folder / "units.parquet")
    topics.write_parquet(folder / "topics.parquet")
    for table in (STAGE_INSIGHTS, TOPIC_LINEAGE, QUARANTINE):
        table.empty().write_parquet(folder / f"{table.name}.parquet")
    stages = [{"id": s, "name": name, "owners": ["Team"], "kpis": [],
               "observed": {"units": 10, "share": 0.25, "sentiment_mean": 0.4 - 0.3 * k, "frustration_rate": 0.1,
                            "pain_points": [{"title": LABELS[k], "volume": 5}], "motivations": [],
                            "fragmentation": {"customers": 20, "fragmented_customers": k, "fragmentation_index": k / 20,
                                              "top_fragmented_topic": k if k else None}}}
              for k, (s, name) in enumerate(STAGES)]
    (folder / "journey_map.enriched.json").write_text(json.dumps({"name": "Test map", "stages": stages, **_insights()}),
                                                      encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({"run_id": "r1", "counts": {"feedback": n, "units": n}}), encoding="utf-8")
    return write_report(folder)


def _insights() -> dict:
    """The enriched map's flow, candidate stages, ranking and spikes: every pair of stages moves, planted text in a spike's
    label and a candidate stage's quote."""
    ids = [s for s, _ in STAGES]
    links = [{"source": a, "target": b, "value": 1 + 3 * i + j, "move": "repeat" if a == b else "forward" if j == i + 1
              else "skip" if j > i else "backward"} for i, a in enumerate(ids) for j, b in enumerate(ids)]
    flow = {"designed_order": ids, "customers": 40, "customers_with_moves": 30, "moves": 120,
            "share": {"forward": 0.3, "skip": 0.2, "backward": 0.3, "repeat": 0.2},
            "common_paths": [{"stages": ["look", "buy"], "customers": 5}], "links": links}
    fix = [{"priority": p, "stage_id": ids[p % 4], "topic_id": p, "title": LABELS[p], "volume": 9, "impact_metric": "nps",
            "impact": -5.0 * p, "impact_low": -6.0 * p, "impact_high": -4.0 * p, "frustration_rate": 0.2,
            "fragmented_share": 0.1, "opportunity": 1 / p, "owners": ["Team"], "kpis": ["Churn"]} for p in (1, 2, 3)]
    alert = {"topic_id": 0, "label": PLANTED, "stage_id": "look", "metric": "volume", "period_start": "2026-10-12 00:00:00+00:00",
             "period_end": "2026-10-19 00:00:00+00:00", "observed": 9.0, "baseline": 2.0, "change": 3.5, "z": 4.0,
             "p_value": 0.001, "note": None}
    candidate = {"topic_id": 8, "label": "App login", "kind": "neutral", "units": 20, "unassigned_share": 0.6,
                 "stages": [{"stage_id": "use", "units": 8}], "channels": ["web"], "quotes": [PLANTED]}
    return {"observed_flow": flow, "fix_first": fix, "alerts": [alert], "candidate_stages": [candidate]}


def _visible_topics(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.find_element(By.CSS_SELECTOR, "button.toggle").text for row in driver.find_elements(By.CSS_SELECTOR, "tr.topic")]


def test_report_draws_without_console_errors(browser, report, tmp_path):
    from PIL import Image

    browser.get(report.as_uri())
    assert len(_visible_topics(browser)) == len(LABELS)
    browser.execute_async_script("var done = arguments[0]; requestAnimationFrame(function () { requestAnimationFrame(done); });")
    png = browser.get_screenshot_as_png()
    (tmp_path / "report.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200, "the page looks blank"
    assert max(count for count, _ in colours) < 0.8 * image.width * image.height
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []


def test_search_and_filters_change_the_visible_topics(browser, report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(report.as_uri())
    search = browser.find_element(By.ID, "topic-search")
    search.send_keys("refund")
    assert _visible_topics(browser) == ["Refund wait"]
    assert browser.find_element(By.ID, "topic-count").text == "1 of 12 topics"
    search.clear()
    search.send_keys("dropping")  # a word only in a quote
    assert _visible_topics(browser) == ["Router reboots"]
    search.clear()
    Select(browser.find_element(By.ID, "filter-kind")).select_by_value("motivation")
    assert sorted(_visible_topics(browser)) == ["Easy setup", "Good value", "Kind staff"]
    Select(browser.find_element(By.ID, "filter-stage")).select_by_value("look")
    assert _visible_topics(browser) == ["Easy setup"]
    Select(browser.find_element(By.ID, "filter-kind")).select_by_value("")
    Select(browser.find_element(By.ID, "filter-stage")).select_by_value("")
    Select(browser.find_element(By.ID, "sort")).select_by_value("sentiment")
    assert _visible_topics(browser)[0] == "Contract end"  # the most negative


def test_expanded_topic_shows_planted_markup_as_text(browser, report):
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr.topic") if "Router reboots" in r.text)
    row.click()
    detail = browser.find_element(By.CSS_SELECTOR, "tr.detail")
    quotes = [q.text for q in detail.find_elements(By.TAG_NAME, "blockquote")]
    assert quotes[0] == PLANTED
    assert detail.find_elements(By.CSS_SELECTOR, "blockquote b, blockquote script") == []
    assert len(detail.find_elements(By.CSS_SELECTOR, "svg.spark rect")) == 6  # one bar per week
    assert browser.execute_script("return document.querySelectorAll('script').length") == 2


def test_new_sections_show_planted_markup_as_text_and_draw_the_flow(browser, report):
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    spike = browser.find_element(By.CSS_SELECTOR, "#alerts-table tbody tr td strong")
    quote = browser.find_element(By.CSS_SELECTOR, "#missing-stages blockquote")
    assert spike.text == PLANTED and quote.text == PLANTED
    assert browser.find_elements(By.CSS_SELECTOR, "#spikes b, #missing-stages b") == []
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.flow path.link")) == len(STAGES) * (len(STAGES) - 1)
    chart = browser.find_element(By.CSS_SELECTOR, "svg.flow").rect
    assert chart["width"] > 600 and chart["height"] > 200
    rows = browser.find_elements(By.CSS_SELECTOR, "#fix-first-table tbody tr")
    ranks = [row.find_element(By.TAG_NAME, "td").text for row in rows]
    assert ranks == ["1", "2", "3"]
