"""What the models read of a text: the text without its social-media handles.

A handle (`@united`, `@jane_doe`) says whom a message is addressed to or mentions. It carries no sentiment
and no topic, and the models never met one in training (reviews, Reddit comments, banking queries). On the
airline tweets, removing handles raises the shipped model's macro-F1 from 0.606 to 0.627; texts without a
handle are unchanged. A text that is nothing but handles is read as it is.

Every model input goes through `model_input` (the shared encoder pass, the sentence-transformers and
multilingual encoders, swapped-in classifiers), and the caches key a text by its model input, so a cached
result is always the result of what the model read.
"""

from __future__ import annotations

import re

__all__ = ["model_input", "model_inputs"]

_HANDLE = re.compile(r"\s*(?<![\w@.])@\w{1,30}")  # not the @ of an e-mail address


def model_input(text: str) -> str:
    if "@" not in text:
        return text
    return _HANDLE.sub("", text).strip() or text


def model_inputs(texts: list[str]) -> list[str]:
    return [model_input(t) for t in texts]
