"""newsreader: a terminal news reader that understands what the news is about.

The package is split so that data flows one way::

    sources -> models -> store -> ui
          \\-> entities ------/

Everything except :mod:`newsreader.ui` is headless and never imports Textual.
"""

__version__ = "0.1.0"
