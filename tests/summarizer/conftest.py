"""Make ``summarizer`` the project package, not this test directory.

pytest puts ``tests/`` on ``sys.path`` (for the shared conftest), where this
directory, having no ``__init__.py``, would be picked up as a namespace package
named ``summarizer`` ahead of the editable install. Putting the repository root
first, and dropping a namespace stand-in if one was already imported, keeps
``import summarizer`` pointing at the real code.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)
_loaded = sys.modules.get("summarizer")
if _loaded is not None and getattr(_loaded, "__file__", None) is None:
    for name in [m for m in sys.modules if m == "summarizer" or m.startswith("summarizer.")]:
        del sys.modules[name]

import summarizer  # noqa: E402,F401
