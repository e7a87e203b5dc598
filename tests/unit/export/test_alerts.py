"""The spike message (structure, Slack escaping, the cap) and the webhook POST against a local HTTP server."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polars as pl
import pytest

from voc.errors import VocError
from voc.config import load_workspace
from voc.export.alerts import MAX_ALERTS, send_webhook, slack_payload
from voc.pipeline import notify
from voc.schema import ALERTS

END = datetime(2026, 3, 1, 12, tzinfo=UTC)
SECRET = "/services/T000/B000/s3cr3t"


def alerts(count: int, label: str = "Late delivery", note: str | None = None) -> pl.DataFrame:
    rows = {
        "topic_id": list(range(1, count + 1)), "label": [label] * count,
        "stage_id": ["deliver"] * count, "metric": ["volume"] * count, "period_start": [END - timedelta(days=7)] * count,
        "period_end": [END] * count, "observed": [20.0] * count, "baseline": [5.0] * count, "change": [3.0] * count,
        "z": [6.708] * count, "p_value": [3.2e-07] * count, "note": [note] * count,
    }
    return ALERTS.conform(pl.DataFrame(rows, schema=ALERTS.schema))


def sections(payload: dict) -> list[str]:
    return [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]


def test_payload_has_a_fallback_a_header_the_context_and_one_section_per_alert():
    sentiment = ALERTS.conform(alerts(1).with_columns(
        metric=pl.lit("sentiment").cast(ALERTS.schema["metric"]), topic_id=pl.lit(2, pl.Int64), stage_id=pl.lit(None, pl.String),
        observed=pl.lit(-0.2), baseline=pl.lit(0.3), change=pl.lit(-0.5), z=pl.lit(10.0), p_value=pl.lit(None, pl.Float64)))
    payload = slack_payload(pl.concat([alerts(1, note="split from topic 3 this run"), sentiment]), "r1", "Retail",
                            "runs/r1/report.html")
    assert payload["text"] == "voc: 2 topic spikes on Retail (run r1)"
    assert [b["type"] for b in payload["blocks"]] == ["header", "context", "section", "section"]
    assert payload["blocks"][0]["text"] == {"type": "plain_text", "text": "voc: 2 topic spikes"}
    assert "runs/r1/report.html" in payload["blocks"][1]["elements"][0]["text"]
    assert sections(payload) == [
        "*Late delivery* (topic 1, stage deliver)\nVolume: 20 units vs 5.0 per period (+300%), z = 6.7, p = 3.2e-07"
        "\n_split from topic 3 this run_",
        "*Late delivery* (topic 2)\nSentiment: -0.20 vs +0.30 (-0.50), z = 10.0",
    ]
    json.dumps(payload)  # plain JSON all the way down


def test_payload_without_report_leaves_it_out():
    assert "Report" not in slack_payload(alerts(1), "r1", "Retail", None)["blocks"][1]["elements"][0]["text"]


def test_customer_text_cannot_mention_or_link():
    planted = "Refunds <!channel> & <https://evil.example|click>"
    payload = slack_payload(alerts(1, label=planted, note="<@U123>"), "r1", "Map <b>", "a&b.html")
    text = json.dumps(payload)
    assert "<!channel>" not in text and "<https" not in text and "<@U123>" not in text and "<b>" not in text
    assert "Refunds &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in sections(payload)[0]
    assert "&lt;@U123&gt;" in sections(payload)[0]
    assert "Map &lt;b&gt;" in payload["text"] and "a&amp;b.html" in payload["blocks"][1]["elements"][0]["text"]


def test_payload_is_capped_with_a_count_of_the_rest():
    payload = slack_payload(alerts(MAX_ALERTS + 5), "r1", "Retail", None)
    texts = sections(payload)
    assert len(texts) == MAX_ALERTS + 1
    assert texts[-1] == "_and 5 more_"
    assert payload["text"].startswith(f"voc: {MAX_ALERTS + 5} topic spikes")
    assert "_more_" not in " ".join(sections(slack_payload(alerts(MAX_ALERTS), "r1", "Retail", None)))


class Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.path, self.headers["Content-Type"], body))
        if self.path.endswith("/slow"):
            time.sleep(1.0)
        status = 500 if self.path.endswith("/fail") else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"invalid_blocks" if status == 500 else b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_send_webhook_posts_the_payload_as_json(hook):
    payload = slack_payload(alerts(2), "r1", "Retail", None)
    send_webhook(hook + SECRET, payload)
    [(path, content_type, body)] = Hook.received
    assert path == SECRET and content_type.startswith("application/json")
    assert json.loads(body) == payload


def test_an_http_error_names_the_host_and_status_but_not_the_secret_path(hook):
    with pytest.raises(VocError) as caught:
        send_webhook(hook + SECRET + "/fail", {"text": "x"})
    message = str(caught.value)
    assert hook in message and "HTTP 500" in message and "invalid_blocks" in message
    assert "s3cr3t" not in message


def test_a_slow_webhook_times_out_with_a_clear_error(hook):
    with pytest.raises(VocError, match=r"timed out after 0\.2s") as caught:
        send_webhook(hook + SECRET + "/slow", {"text": "x"}, timeout=0.2)
    assert "s3cr3t" not in str(caught.value)


def test_a_closed_port_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VocError, match=rf"webhook http://127\.0\.0\.1:{port} could not be reached") as caught:
        send_webhook(f"http://127.0.0.1:{port}{SECRET}", {"text": "x"})
    assert "s3cr3t" not in str(caught.value)


def test_a_url_that_is_not_http_is_refused_without_echoing_it():
    with pytest.raises(VocError, match="http") as caught:
        send_webhook("ftp://hooks.example/s3cr3t", {"text": "x"})
    assert "s3cr3t" not in str(caught.value)


def _workspace(tmp_path, webhook: str | None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "voc.yaml").write_text(
        "sources:\n  - {name: s, kind: survey, path: s.csv, columns: {text: c}}\n"
        + (f"insights: {{webhook: '{webhook}'}}\n" if webhook else ""), encoding="utf-8")
    (tmp_path / "journey_map.yaml").write_text(
        "name: Retail\nstages:\n  - {id: buy, name: Buy, description: Buying.}\n", encoding="utf-8")
    published = tmp_path / "out" / "20261124T020000Z"
    published.mkdir(parents=True)
    return load_workspace(tmp_path / "voc.yaml"), published


def test_a_published_runs_spikes_go_to_the_webhook_and_a_failing_one_does_not_fail_the_run(tmp_path, hook, caplog):
    workspace, published = _workspace(tmp_path, hook + "/hooks/T000/B000")
    alerts(2).write_parquet(published / "alerts.parquet")
    assert notify(workspace, published) is True
    [(path, _, body)] = Hook.received
    assert path == "/hooks/T000/B000" and json.loads(body)["text"].startswith("voc: 2 topic spikes")
    failing, published = _workspace(tmp_path / "b", hook + "/fail")
    alerts(1).write_parquet(published / "alerts.parquet")
    assert notify(failing, published) is False
    assert "were not sent" in caplog.text and "/fail" not in caplog.text


def test_no_webhook_or_no_spike_sends_nothing(tmp_path, hook):
    workspace, published = _workspace(tmp_path, None)
    alerts(2).write_parquet(published / "alerts.parquet")
    assert notify(workspace, published) is False
    quiet, published = _workspace(tmp_path / "b", hook)
    alerts(0).write_parquet(published / "alerts.parquet")
    assert notify(quiet, published) is False and Hook.received == []
