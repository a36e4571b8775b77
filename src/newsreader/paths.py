"""Where the bundled sample feeds live, found without importing anything heavy.

The app falls back to the samples when it is given no SOURCE and the store has
no subscriptions, so a first run shows real articles instead of an empty
window. The CLI uses the same lookup, which is why this sits outside ``ui``.
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLES_ENV = "NEWSREADER_SAMPLES"


def sample_dir() -> Path:
    """The sample-feeds folder: ``$NEWSREADER_SAMPLES``, the repo's, or ``./sample_feeds``.

    The repo copy is found relative to this file (``src/newsreader/paths.py``
    -> ``<repo>/sample_feeds``) so an editable install works from any working
    directory; the last fallback is relative to where the user stands.
    """
    env = os.environ.get(SAMPLES_ENV)
    if env:
        return Path(env).expanduser()
    beside_repo = Path(__file__).resolve().parents[2] / "sample_feeds"
    if beside_repo.is_dir():
        return beside_repo
    return Path("sample_feeds")


def default_sources() -> list[str]:
    """The SOURCE list used when nothing else is configured: the sample folder."""
    return [str(sample_dir())]
