"""The headless-core rule, checked: the core never imports Textual; paths find the samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsreader import paths

CORE = ["newsreader.models", "newsreader.sources", "newsreader.store", "newsreader.entities",
        "newsreader.content"]


def test_core_packages_do_not_import_textual():
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    leaked = json.loads(out.stdout)
    assert [m for m in leaked if m.startswith("textual")] == []


def test_paths_module_is_headless_too():
    code = "import sys, newsreader.paths; print(any(m.startswith('textual') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_default_sources_prefers_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.SAMPLES_ENV, str(tmp_path))
    assert paths.default_sources() == [str(tmp_path)]


def test_default_sources_falls_back_to_the_repo_samples(monkeypatch):
    monkeypatch.delenv(paths.SAMPLES_ENV, raising=False)
    repo_samples = Path(__file__).resolve().parents[1] / "sample_feeds"
    assert paths.default_sources() == [str(repo_samples)]
