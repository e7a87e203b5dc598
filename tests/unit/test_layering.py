"""The library stays plain Python: no Prefect inside voc/, and importing voc loads no heavy library."""

import ast
import subprocess
import sys
from pathlib import Path

VOC = Path(__file__).resolve().parents[2] / "voc"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_of_voc_imports_prefect():
    offenders = [str(p.relative_to(VOC)) for p in VOC.rglob("*.py") if "prefect" in _imported_modules(p)]
    assert offenders == []


def test_importing_voc_loads_no_model_library():
    code = "import sys, voc; print(','.join(m for m in ('prefect', 'torch', 'spacy', 'transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_running_the_pipeline_modules_does_not_pull_prefect():
    code = "import sys, voc.pipeline, voc.cli; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
