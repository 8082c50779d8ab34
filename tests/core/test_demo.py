"""`newsbrief demo`: the README's first command, offline, end to end."""

from __future__ import annotations

import asyncio

from rich.console import Console

from bot.run import demo_main


def test_the_demo_prints_who_said_what_for_the_seed_article() -> None:
    console = Console(record=True, width=120, force_terminal=False)
    status = asyncio.run(demo_main(console))
    out = console.export_text()
    assert status == 0
    assert "Kremlin throws cold water on Trump's peace push" in out
    seed_panel = out.split("Kremlin throws cold water")[-1]
    assert seed_panel.count("•") >= 3
    named = ("Sergey Lavrov", "Volodymyr Zelenskyy", "Ivo Daalder", "Jonathan Green")
    assert "Sergey Lavrov" in seed_panel  # the story's key speaker leads its bullets
    assert sum(name in seed_panel for name in named) >= 3
    assert out.count("•") >= 8  # bullets from every bundled story
