"""Running `newsbrief chat --json` in-process with a script on stdin."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from typing import Any

import pytest

from bot.cli import main


def run_chat(args: list[str], script: str, *, before: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """`newsbrief [before...] chat --json [args...]` with ``script`` on stdin; its JSON replies."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setattr(sys, "stdin", io.StringIO(script))
        assert main([*before, "chat", "--json", *args]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
