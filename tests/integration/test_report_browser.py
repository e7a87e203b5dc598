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
        "language": ["en"] * n, "message_index": [0] * n, "unit_index": [0] * n,
        "text": [PLANTED if (t, i) == (0, 0) else f"{LABELS[t]} said {i}" for t, i in rows], "capped": [False] * n,
        "score": [None] * n, "score_type": [None] * n, "sentiment": [0.6 - 0.1 * t for t, _ in rows],
        "sentiment_label": ["neutral"] * n, "frustration": [0.05 * t for t, _ in rows], "topic_id": [t for t, _ in rows],
        "stage_id": [STAGES[t % 4][0] for t, _ in rows], "stage_confidence": [0.9] * n,
    }, schema=UNITS.schema)
    sizes = units.group_by("topic_id").len().sort("topic_id")["len"].cast(pl.Int64).to_list()
    ids = list(range(len(LABELS)))
    topics = pl.DataFrame({
        "topic_id": ids, "label": LABELS, "keywords": [[w.lower() for w in label.split()] for label in LABELS], "size": sizes,
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
                            "pain_points": [{"title": LABELS[k], "volume": 5}], "motivations": []}}
              for k, (s, name) in enumerate(STAGES)]
    (folder / "journey_map.enriched.json").write_text(json.dumps({"name": "Test map", "stages": stages}), encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({"run_id": "r1", "counts": {"feedback": n, "units": n}}), encoding="utf-8")
    return write_report(folder)


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
