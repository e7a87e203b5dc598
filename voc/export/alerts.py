"""Spike alerts out of the workspace: a Slack-compatible incoming-webhook message, and the POST that sends it.

Webhook URLs are secrets (whoever has one can post to the channel), so messages and errors name only the
scheme, host and port, never the path.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from voc.errors import VocError

__all__ = ["MAX_ALERTS", "send_webhook", "slack_payload"]

MAX_ALERTS = 20  # sections in one message; the rest are counted in an "and N more" line


def slack_payload(alerts: pl.DataFrame, run_id: str, map_name: str, report_path: str | None) -> dict[str, Any]:
    """An incoming-webhook message for ALERTS rows, in their order: `text` (the notification fallback) and
    `blocks`: a header, the map and run, one section per alert (at most MAX_ALERTS) and an "and N more" line.
    Text that comes from customers or the workspace is escaped for Slack (&, <, >)."""
    count = alerts.height
    summary = f"{count} topic spike{'' if count == 1 else 's'}"
    context = f"*Map:* {_escape(map_name)} · *Run:* `{_escape(run_id)}`"
    if report_path is not None:
        context += f" · *Report:* `{_escape(report_path)}`"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"voc: {summary}"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
    ]
    blocks += [_section(_alert_text(alert)) for alert in alerts.head(MAX_ALERTS).iter_rows(named=True)]
    if count > MAX_ALERTS:
        blocks.append(_section(f"_and {count - MAX_ALERTS} more_"))
    return {"text": f"voc: {summary} on {_escape(map_name)} (run {_escape(run_id)})", "blocks": blocks}


def send_webhook(url: str, payload: dict[str, Any], timeout: float = 10) -> None:
    """POST `payload` as JSON to `url`; raise VocError naming only the URL's scheme and host when it fails."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VocError(f"insights.webhook must be an http(s) URL with a host; got one with scheme {parts.scheme!r}")
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")[:200]
        raise VocError(f"webhook {origin} answered HTTP {error.code} {error.reason}: {body!r}; the alerts were not "
                       "posted: check insights.webhook") from None
    except (urllib.error.URLError, OSError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        what = f"timed out after {timeout:g}s" if isinstance(reason, TimeoutError) else f"could not be reached ({reason})"
        raise VocError(f"webhook {origin} {what}; the alerts were not posted: check "
                       "insights.webhook and the network") from None


def _alert_text(alert: dict[str, Any]) -> str:
    stage = f", stage {_escape(alert['stage_id'])}" if alert["stage_id"] is not None else ""
    head = f"*{_escape(alert['label'])}* (topic {alert['topic_id']}{stage})"
    if alert["metric"] == "volume":
        change = "a new topic" if alert["change"] is None else f"{alert['change']:+.0%}"
        body = f"Volume: {alert['observed']:.0f} units vs {alert['baseline']:.1f} per period ({change}), z = {alert['z']:.1f}"
    else:
        body = (f"Sentiment: {alert['observed']:+.2f} vs {alert['baseline']:+.2f} "
                f"({alert['change']:+.2f}), z = {alert['z']:.1f}")
    if alert["p_value"] is not None:
        body += f", p = {alert['p_value']:.2g}"
    note = f"\n_{_escape(alert['note'])}_" if alert["note"] else ""
    return f"{head}\n{body}{note}"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _escape(text: str) -> str:
    """Slack's control characters as entities, so customer text can neither mention anyone nor make a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
