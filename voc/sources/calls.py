"""Call transcripts: WebVTT, SRT, plain `Speaker: text` and diarized JSON, one file per call.

Turns of the same speaker are merged; each speaker is classified as agent or customer from the source's
`agent_speakers` / `customer_speakers` patterns (or `first_speaker_is_agent`). Speaker names never leave
this module: messages carry the role and an ordinal ("customer", "agent 2").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatch

from voc.config import SourceConfig
from voc.sources.files import RawFile, decode
from voc.sources.items import RawItem, RawMessage
from voc.sources.records import Record, as_text, clip, value_of

__all__ = ["TRANSCRIPT_FORMATS", "Segment", "call_item", "parse_transcript"]

TRANSCRIPT_FORMATS = ("vtt", "srt", "txt", "json")
_TIMING = re.compile(r"^\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
_STAMP = r"(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s+)?"
_LABEL = re.compile(rf"^\s*{_STAMP}([A-Za-z][\w .'()-]{{0,40}}?)\s*(?::|\s-|\s–)\s+(.*)$")
_BRACKET_LABEL = re.compile(rf"^\s*{_STAMP}\[([^\]]{{1,40}})\]\s*(.*)$")
_HEADING_LABEL = re.compile(r"^\s*([A-Za-z][\w .'()-]{0,40}?)\s+\d{1,2}:\d{2}(?::\d{2})?\s*$")  # Otter: "Sam  0:03"
_ANONYMOUS = re.compile(r"(?i)^(speaker[ _-]?\w{1,3}|spk[ _-]?\d+|[a-z]|\d+|s\d+)$")


@dataclass(frozen=True)
class Segment:
    speaker: str | None
    text: str
    start: float | None = None


class TranscriptError(ValueError):
    """A transcript file whose structure cannot be read."""


def parse_transcript(text: str, fmt: str) -> list[Segment]:
    if fmt == "json":
        return _json_segments(text)
    if fmt in ("vtt", "srt"):
        return _cue_segments(text)
    return _line_segments(text.split("\n"))


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    return sum(float(p) * 60**i for i, p in enumerate(reversed(parts)))


def _cue_segments(text: str) -> list[Segment]:
    segments: list[Segment] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        timing = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # WEBVTT header, NOTE, STYLE, REGION blocks
        start = _seconds(lines[timing].split("-->")[0].strip())
        for line in lines[timing + 1 :]:
            voice = _VOICE.search(line)
            body = _TAG.sub("", line).strip()
            if voice:
                segments.append(Segment(voice.group(1).strip(), body, start))
            else:
                segments.extend(_line_segments([body], start))
    return segments


def _line_segments(lines: list[str], start: float | None = None) -> list[Segment]:
    segments: list[Segment] = []
    heading: str | None = None  # a speaker named on a line of its own, for the lines below it
    for line in lines:
        line = re.sub(r"^\s*[-–]\s+", "", line)  # "- [Agent] text" dialogue dashes
        if not line.strip():
            continue
        if match := _HEADING_LABEL.match(line):
            heading = match.group(1).strip()
            continue
        match = _LABEL.match(line) or _BRACKET_LABEL.match(line)
        if match:
            segments.append(Segment(match.group(1).strip(), match.group(2).strip(), start))
        else:
            segments.append(Segment(heading, line.strip(), start))
    return segments


def _json_segments(text: str) -> list[Segment]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    entries = value.get("segments") if isinstance(value, dict) else value
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "text" in e for e in entries):
        raise TranscriptError("expected a list of {speaker, start, end, text} segments (or an object with `segments`)")
    return [
        Segment(as_text(e.get("speaker")), (as_text(e.get("text")) or "").strip(), _float(e.get("start")))
        for e in entries
    ]


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def json_metadata(text: str) -> dict:
    """Top-level fields of a JSON transcript written as an object (call id, customer, start time...)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return {k: v for k, v in value.items() if k != "segments"} if isinstance(value, dict) else {}


def _roles(source: SourceConfig, segments: list[Segment]) -> dict[str | None, str]:
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker is not None))
    roles: dict[str | None, str] = {}
    for position, label in enumerate(labels):
        name = label.lower()
        if source.first_speaker_is_agent:
            roles[label] = "agent" if position == 0 else "customer"
        elif any(fnmatch(name, p.lower()) for p in source.agent_speakers):
            roles[label] = "agent"
        elif source.customer_speakers is not None:
            roles[label] = "customer" if any(fnmatch(name, p.lower()) for p in source.customer_speakers) else "agent"
        else:
            roles[label] = "customer"
    return roles


def _turns(source: SourceConfig, segments: list[Segment]) -> list[RawMessage]:
    """Consecutive segments of one speaker become one turn; unlabelled lines continue the previous speaker."""
    roles = _roles(source, segments)
    ordinals: dict[str | None, str] = {}
    counts = {"agent": 0, "customer": 0}
    turns: list[RawMessage] = []
    previous: str | None = None
    for segment in segments:
        label = segment.speaker if segment.speaker is not None else previous
        if label is None:
            label = "(unlabelled)"
            roles.setdefault(label, "agent" if source.customer_speakers is not None else "customer")
        role = roles[label]
        if label not in ordinals:
            counts[role] += 1
            ordinals[label] = role if counts[role] == 1 else f"{role} {counts[role]}"
        if turns and label == previous:
            last = turns[-1]
            turns[-1] = RawMessage(role=role, speaker=last.speaker, text=f"{last.text} {segment.text}".strip(), offset_s=last.offset_s)
        else:
            turns.append(RawMessage(role=role, speaker=ordinals[label], text=segment.text, offset_s=segment.start))
        previous = label
    return turns


def _speaker_problem(source: SourceConfig, segments: list[Segment], turns: list[RawMessage]) -> tuple[str, str] | None:
    """A call whose customer cannot be told from its agent is not used: scoring an agent as the customer
    would be silently wrong."""
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker is not None))
    decided = source.first_speaker_is_agent or source.customer_speakers is not None
    if len(labels) > 1 and not decided and all(r.role == "customer" for r in turns):
        anonymous = all(_ANONYMOUS.match(label) for label in labels)
        return ("unknown_speakers", f"{len(labels)} speakers and none matches agent_speakers"
                + (" (anonymous diarization labels)" if anonymous else "")
                + "; set agent_speakers, customer_speakers or first_speaker_is_agent on the source")
    if turns and not any(t.role == "customer" and t.text for t in turns):
        return ("empty_text", "no customer turns: every speaker matched agent_speakers; set customer_speakers on the source")
    return None


def call_item(source: SourceConfig, raw: RawFile, fmt: str, meta: Record | None, mapping: dict) -> RawItem:
    """One call file (with its index row, if any) as a RawItem; structural problems become the item's problem."""
    text, _ = decode(raw, source.encoding)
    try:
        segments = parse_transcript(text, fmt)
        problem = None
    except TranscriptError as exc:
        segments, problem = [], ("bad_json", f"{raw.shown}: {exc}")
    values = meta.values if meta is not None else (json_metadata(text) if fmt == "json" else {})
    turns = _turns(source, segments)
    problem = problem or _speaker_problem(source, segments, turns)
    return RawItem(
        locator=raw.shown,
        raw=clip(text),
        messages=turns,
        native_id=value_of(values, mapping["id"]) or raw.shown,
        customer_id=value_of(values, mapping["customer_id"]),
        channel=value_of(values, mapping["channel"]),
        created_at=value_of(values, mapping["created_at"]),
        score=value_of(values, mapping["score"]),
        problem=problem,
    )
