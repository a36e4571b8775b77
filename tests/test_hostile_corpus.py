"""Every file of the shared hostile corpus, through ``newsreader parse`` and through the app.

``../shared/corpus/hostile`` (listed with its expected behaviour in
``../shared/corpus/SOURCES.md``) plus the 50 MB feed its generator makes, in
all three shapes. Each file is parsed by the real command line in its own
process, whose peak memory must stay under 300 MB; the output must be a clear
one-line message or clean JSON. Then one app loads them all and every
article is shown and the whole screen checked. Skipped when the corpus is
absent. A hang fails through the subprocess timeout; times are reported by
``-s`` for the record, not asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from test_hostile_files import check_parse_output, walk_every_article
from test_ui_app import make_app

SHARED = Path(__file__).resolve().parents[2] / "shared"
HOSTILE = SHARED / "corpus" / "hostile"
GENERATOR = HOSTILE / "gen_huge_feed.py"
MAX_RSS_KB = 300 * 1024
HANG = 60  # seconds before a parse counts as hung

pytestmark = pytest.mark.corpus

# File -> the start of the one-line error it must give; files not listed must give articles.
ERRORS = {
    "empty-file.xml": "not a feed",
    "whitespace-only.xml": "not a feed",
    "binary-png-bytes-named-xml.xml": "not a feed",
    "html-page-saved-as-feed.xml": "not a feed (an HTML page)",
    "opml-nested-10000-outlines.opml": "not a feed (an OPML subscription list)",
    "opml-xxe-and-file-urls.opml": "not a feed (an OPML subscription list)",
    "jsonfeed-deeply-nested.json": "invalid JSON (nested too deeply)",
    "article-empty.txt": "empty article",
    "article-only-boilerplate.txt": "empty article",
}

# The CLI's main() in a process that writes its own peak RSS (KB) where asked.
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a
# child forked from a big pytest process would report the parent's peak.
WRAPPER = """
import os, resource, sys
from newsreader.cli import main

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

try:
    code = main(sys.argv[1:])
finally:
    with open(os.environ["HOSTILE_RSS_FILE"], "w") as out:
        out.write(str(peak_kb()))
sys.exit(code)
"""


def corpus_files() -> list[Path]:
    if not HOSTILE.is_dir():
        return []
    return sorted(p for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py")


def parse_one(path: Path, tmp: Path) -> dict[str, Any]:
    rss_file = tmp / f"{path.name}.rss"
    env = {**os.environ, "HOSTILE_RSS_FILE": str(rss_file)}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--db", str(tmp / "unused.db"), "parse", "--json",
         str(path)],
        capture_output=True, text=True, timeout=HANG, env=env,
    )
    return {
        "name": path.name,
        "result": result,
        "seconds": time.perf_counter() - start,
        "rss_kb": int(rss_file.read_text()),
    }


def check_outcome(outcome: dict[str, Any]) -> str:
    name = outcome["name"]
    result: subprocess.CompletedProcess[str] = outcome["result"]
    rows = check_parse_output(result)
    assert outcome["rss_kb"] < MAX_RSS_KB, f"{name}: {outcome['rss_kb'] // 1024} MB"
    failures = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    expected = ERRORS.get(name)
    if name.startswith("huge-"):
        expected = "file too large"
    if expected:
        assert result.returncode == 1 and rows == [], name
        assert len(failures) == 1 and expected in failures[0], (name, failures)
        return failures[0].split(": ", 2)[-1]
    assert result.returncode == 0 and rows, (name, result.stderr)
    return f"{len(rows)} articles"


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    files = corpus_files()
    if not files:
        pytest.skip(f"hostile corpus not found at {HOSTILE}")
    return files


def test_every_hostile_file_through_newsreader_parse(corpus: list[Path], tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda p: parse_one(p, tmp_path), corpus))
    assert {o["name"] for o in outcomes} >= set(ERRORS)
    for outcome in outcomes:
        what = check_outcome(outcome)
        print(f"{outcome['name']:45} {outcome['seconds']:5.2f} s "
              f"{outcome['rss_kb'] // 1024:4d} MB  {what}")


@pytest.mark.parametrize("shape", ["many-items", "one-item", "long-line"])
def test_the_generated_50_mb_feed(corpus: list[Path], tmp_path: Path, shape: str) -> None:
    path = tmp_path / f"huge-{shape}.xml"
    subprocess.run([sys.executable, str(GENERATOR), str(path), "--shape", shape],
                   check=True, capture_output=True, timeout=HANG)
    assert path.stat().st_size > 40_000_000
    outcome = parse_one(path, tmp_path)
    path.unlink()
    what = check_outcome(outcome)
    print(f"{path.name:45} {outcome['seconds']:5.2f} s {outcome['rss_kb'] // 1024:4d} MB  {what}")


async def test_every_hostile_file_in_the_app(corpus: list[Path], db_path: Path,
                                             fake_extractor: Any) -> None:
    app = make_app(db_path, [str(p) for p in corpus], fake_extractor)
    notes: list[str] = []
    app.notify = lambda message, *a, **k: notes.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        shown = await walk_every_article(app, pilot)
    assert shown >= 80
    assert not any("Traceback" in note or "unexpected error" in note for note in notes)
    print(f"app: {shown} articles shown, {len(notes)} notices")
