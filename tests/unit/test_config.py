import textwrap

import pytest

from voc.config import load_workspace
from voc.errors import ConfigError

MAP = """
name: Test map
stages:
  - {id: join, name: Join, description: Signing up., touchpoints: [web]}
  - {id: use, name: Use, description: Using it.}
touchpoints:
  - {id: web, name: Website, channels: [web_survey]}
"""

CONFIG = """
journey_map: map.yaml
sources:
  - name: nps
    kind: survey
    path: s.csv
    columns: {text: comment, score: nps}
    score_type: nps
    channel: web_survey
"""


def _write(tmp_path, config=CONFIG, journey=MAP):
    (tmp_path / "voc.yaml").write_text(textwrap.dedent(config))
    (tmp_path / "map.yaml").write_text(textwrap.dedent(journey))
    return tmp_path / "voc.yaml"


def _problems(path):
    with pytest.raises(ConfigError) as info:
        load_workspace(path)
    return info.value.problems


def test_valid_workspace_loads_with_defaults(tmp_path):
    ws = load_workspace(_write(tmp_path))
    assert ws.root == tmp_path
    assert ws.journey_map.stage_ids() == ["join", "use"]
    assert ws.config.sources[0].score_bounds() == (0.0, 10.0)
    assert ws.config.text.redact == ["email", "phone", "card", "iban", "person", "tax_code", "vat_number"]
    assert ws.config.text.detect_language and ws.config.text.languages[:2] == ["en", "it"]
    assert ws.output_dir == tmp_path / "out"
    assert ws.warnings == ()


def test_every_problem_is_listed_with_file_line_and_field(tmp_path):
    config = CONFIG.replace("kind: survey", "kind: survy").replace("channel: web_survey", "chanel: web_survey") + "outputs: x\n"
    problems = _problems(_write(tmp_path, config))
    found = {(p.field, p.line) for p in problems}
    assert ("sources.0.kind", 5) in found
    assert ("sources.0.chanel", 9) in found
    assert ("outputs", 10) in found
    assert all(p.file.endswith("voc.yaml") and p.fix for p in problems)


def test_unknown_keys_are_rejected_in_the_map_too(tmp_path):
    problems = _problems(_write(tmp_path, journey=MAP.replace("name: Join,", "name: Join, colour: red,")))
    assert [p.field for p in problems] == ["stages.0.colour"]
    assert problems[0].file.endswith("map.yaml")


def test_map_references_and_unique_ids_are_checked(tmp_path):
    bad = MAP.replace("touchpoints: [web]", "touchpoints: [shop]").replace("id: use", "id: join")
    message = " ".join(p.message for p in _problems(_write(tmp_path, journey=bad)))
    assert "repeated" in message


def test_source_stage_must_exist_and_off_map_channel_is_a_warning(tmp_path):
    problems = _problems(_write(tmp_path, CONFIG.replace("channel: web_survey", "channel: web_survey\n    stage: nowhere")))
    assert [p.field for p in problems] == ["sources.0.stage"]
    ws = load_workspace(_write(tmp_path, CONFIG.replace("channel: web_survey", "channel: kiosk")))
    assert [(w.severity, w.field) for w in ws.warnings] == [("warning", "sources.0.channel")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("columns: {text: comment, score: nps}", "needs columns.text"),
        ("score_type: nps", "score_range"),
        ("path: s.csv", "unknown time zone"),
    ],
)
def test_kind_specific_requirements(tmp_path, change, message):
    replacement = {
        "columns: {text: comment, score: nps}": "columns: {score: nps}",
        "score_type: nps": "score_type: rating",
        "path: s.csv": "path: s.csv\n    timezone: Mars/Olympus",
    }[change]
    problems = _problems(_write(tmp_path, CONFIG.replace(change, replacement)))
    assert any(message in p.message for p in problems)


def test_duplicate_source_names_and_missing_files(tmp_path):
    doubled = CONFIG + CONFIG.split("sources:\n")[1]
    assert any("used twice" in p.message for p in _problems(_write(tmp_path, doubled)))
    assert _problems(tmp_path / "absent.yaml")[0].message == "file not found"


def test_yaml_syntax_error_names_the_line(tmp_path):
    problems = _problems(_write(tmp_path, CONFIG + "  - name: [unclosed\n"))
    assert problems[0].line is not None and "YAML" in problems[0].message


def test_map_problems_are_listed_together_with_config_problems(tmp_path):
    config = CONFIG.replace("kind: survey", "kind: survy")
    journey = MAP.replace("name: Join,", "name: Join, colour: red,")
    files = {p.file.rsplit("/", 1)[-1] for p in _problems(_write(tmp_path, config, journey))}
    assert files == {"voc.yaml", "map.yaml"}


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("{languages: [en, xx]}", "text.languages", "cannot detect ['xx']"),
        ("{languages: [it]}", "text.languages", "at least two different languages"),
        ("{min_language_confidence: 1.5}", "text.min_language_confidence", "less than or equal to 1"),
        ("{redact: [email, fiscal_code]}", "text.redact.1", "tax_code"),
    ],
)
def test_language_settings_are_checked(tmp_path, text, field, message):
    problems = _problems(_write(tmp_path, CONFIG + f"text: {text}\n"))
    assert [p.field for p in problems] == [field]
    assert message in problems[0].message


def test_a_source_language_needs_a_spacy_tokenizer(tmp_path):
    problems = _problems(_write(tmp_path, CONFIG.replace("channel: web_survey", "channel: web_survey\n    language: qq")))
    assert [p.field for p in problems] == ["sources.0.language"]
    assert "spaCy has no tokenizer for language 'qq'" in problems[0].message
    ws = load_workspace(_write(tmp_path, CONFIG.replace("channel: web_survey", "channel: web_survey\n    language: it")))
    assert ws.config.sources[0].language == "it"
