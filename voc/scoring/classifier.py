"""Swap-in classifiers: any transformers sequence-classification model, by local path or id, in place of
the shipped sentiment or frustration head. Its labels are mapped onto voc's through config."""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from voc.errors import ConfigError, ModelNotAvailableError, Problem
from voc.scoring.encoder import resolve_device, weights_identity
from voc.scoring.model_input import model_inputs
from voc.scoring.trunk import length_batches

__all__ = ["Classifier", "frustration_columns", "load_classifier", "sentiment_columns"]

_SENTIMENT_NAMES = {"negative": 0, "neg": 0, "neutral": 1, "neu": 1, "positive": 2, "pos": 2}
_FRUSTRATION_NAMES = {"frustrated", "frustration", "anger", "annoyance", "disappointment", "disapproval", "disgust"}


class Classifier:
    """A sequence-classification model (weights load on first use); `probabilities` gives one column per label."""

    def __init__(self, name: str, device: str, batch_size: int = 64):
        self.name = name
        self.path = Path(name).expanduser() if Path(name).expanduser().exists() else name
        self.requested_device = device
        self.batch_size = batch_size
        self.identity = weights_identity(str(name), self.path)
        self._model: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: PLC0415

        device = resolve_device(self.requested_device)
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(str(self.path), local_files_only=True)
        except OSError as exc:
            raise ModelNotAvailableError(
                f"classifier {self.name!r} cannot be loaded offline: {exc}; give the folder of a saved transformers "
                "sequence-classification model (save_pretrained), or `default` for the shipped model"
            ) from exc
        self._model = (model.half() if device.startswith("cuda") else model).to(device).eval()

    @property
    def labels(self) -> list[str]:
        """Label names in output order (read from the model config without loading weights)."""
        config = self._config
        return [str(config.id2label[i]) for i in range(config.num_labels)]

    @property
    def multi_label(self) -> bool:
        """True for independent per-label sigmoids (e.g. emotion models), False for one softmax."""
        return getattr(self._config, "problem_type", None) == "multi_label_classification"

    @cached_property
    def _config(self) -> Any:
        from transformers import AutoConfig  # noqa: PLC0415

        try:
            return AutoConfig.from_pretrained(str(self.path), local_files_only=True)
        except OSError as exc:
            if not Path(str(self.path)).exists():
                raise ModelNotAvailableError(
                    f"model {self.name!r} is neither a folder (paths are relative to voc.yaml) nor a model id in the "
                    "local Hugging Face cache (nothing is downloaded); give the folder of a saved model, or `default`"
                ) from exc
            raise ModelNotAvailableError(f"classifier {self.name!r} cannot be loaded offline: {exc}") from exc

    def probabilities(self, texts: list[str]) -> np.ndarray:
        import torch  # noqa: PLC0415

        if self._model is None:
            self._load()
        model, tokenizer = self._model, self._tokenizer
        multi_label = self.multi_label
        out = np.zeros((len(texts), model.config.num_labels), dtype=np.float32)
        texts = model_inputs(texts)
        limit = min(int(getattr(tokenizer, "model_max_length", 512) or 512), 512)
        with torch.inference_mode():
            for rows in length_batches(texts, self.batch_size):
                batch = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=limit,
                                  return_tensors="pt").to(model.device)
                logits = model(**batch).logits.float()
                out[rows] = (torch.sigmoid(logits) if multi_label else torch.softmax(logits, dim=-1)).cpu().numpy()
        return out


@lru_cache(maxsize=4)
def load_classifier(name: str, device: str = "auto", batch_size: int = 64) -> Classifier:
    return Classifier(name, device, batch_size)


def sentiment_columns(labels: list[str], mapping: dict[str, str] | None, field: str = "models.sentiment_labels") -> list[int]:
    """For each label of the model, the voc sentiment class it counts for (0 neg, 1 neu, 2 pos, -1 ignored)."""
    if mapping:
        unknown = sorted(set(mapping) - set(labels))
        if unknown:
            raise _label_error(field, f"labels {unknown} are not labels of the model, which has {labels}")
        columns = [_SENTIMENT_NAMES[mapping[label]] if label in mapping else -1 for label in labels]
    else:
        columns = [_SENTIMENT_NAMES.get(label.lower(), -1) for label in labels]
    if 0 not in columns or 2 not in columns:
        raise _label_error(field, f"cannot tell which of the model's labels {labels} are negative and positive; "
                                  "map them, e.g. {LABEL_0: negative, LABEL_1: neutral, LABEL_2: positive}")
    return columns


def frustration_columns(labels: list[str], chosen: list[str] | None, field: str = "models.frustration_labels") -> list[bool]:
    """For each label of the model, whether its probability counts towards frustration."""
    if chosen:
        unknown = sorted(set(chosen) - set(labels))
        if unknown:
            raise _label_error(field, f"labels {unknown} are not labels of the model, which has {labels}")
        return [label in chosen for label in labels]
    columns = [label.lower() in _FRUSTRATION_NAMES for label in labels]
    if not any(columns):
        raise _label_error(field, f"cannot tell which of the model's labels {labels} mean frustration; list them, "
                                  "e.g. [LABEL_1]")
    return columns


def _label_error(field: str, message: str) -> ConfigError:
    return ConfigError([Problem(file="voc.yaml", field=field, message=message,
                                fix=f"set {field} in voc.yaml")])
