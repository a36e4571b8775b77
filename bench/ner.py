"""Benchmark the statistical NER engine: CoNLL-2003 dev F1, words/s, load time.

Why a wrapper around shared/eval/ner/score.py: the scorer is the team's one
definition of F1 and words/s; this adds the model's load time and size, and
skips cleanly when the shared data is not beside the repository.

    .venv/bin/python bench/ner.py            # full dev set
    .venv/bin/python bench/ner.py --limit 20 # first 20 documents
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval/ner/score.py"
DEV = SHARED / "eval/ner/conll2003-dev.txt"


def main(argv: list[str]) -> int:
    if not SCORER.is_file() or not DEV.is_file():
        print(f"skipped: {SCORER} or {DEV} not found (shared data is not beside the repo)")
        return 0
    sys.path.insert(0, str(REPO / "src"))
    from newsreader.entities import model

    t0 = time.perf_counter()
    model.get_extractor()
    load_ms = (time.perf_counter() - t0) * 1000
    size_mb = model.MODEL_PATH.stat().st_size / 1e6
    print(f"model {model.MODEL_PATH.name}: {size_mb:.2f} MB, load {load_ms:.0f} ms")
    cmd = [sys.executable, str(SCORER), str(DEV), "--path", str(REPO / "src"),
           "--extractor", "newsreader.entities.model:score_extract", *argv]
    return subprocess.call(cmd, cwd=REPO)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
