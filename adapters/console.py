"""Console adapter: renders briefings with rich, for the demo, `newsbrief run` without chat
tokens, and the local chat REPL."""

from __future__ import annotations

import itertools

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from bot.domain import Briefing, BriefingItem, Bullet, QuoteKind


def bullet_text(bullet: Bullet) -> Text:
    """One who-said-what line: speaker in bold, then the quotes verbatim."""
    line = Text("• ")
    line.append(bullet.speaker, style="bold")
    if bullet.speaker_role:
        line.append(f" ({bullet.speaker_role})", style="dim")
    line.append(": ")
    parts = [f"“{q.text}”" if q.kind is not QuoteKind.INDIRECT else q.text for q in bullet.quotes]
    line.append(" … ".join(parts))
    return line


def item_panel(number: int, item: BriefingItem) -> Panel:
    """A story: linked title, sources, gist and its who-said-what."""
    title = Text(f"{number}. ", style="bold cyan")
    title.append(item.title, style=f"bold link {item.url}")
    body: list[Text] = [Text(item.gist, style="italic")] if item.gist else []
    body.extend(bullet_text(b) for b in item.bullets)
    if not item.bullets:
        body.append(Text("No attributed quotes in this story.", style="dim"))
    sources = " · ".join(item.sources)
    return Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=Text(f"{sources} — {item.url}", style="dim"),
        subtitle_align="left",
        border_style="cyan",
    )


class ConsoleAdapter:
    """Prints briefings to a terminal; message ids are local counters."""

    name = "console"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()
        self._ids = itertools.count(1)
        self._posted: dict[tuple[str, str], str] = {}

    async def post_briefing(self, briefing: Briefing) -> str:
        self.render(briefing)
        message_id = f"console-{next(self._ids)}"
        self._posted[(briefing.channel, briefing.idempotency_key)] = message_id
        return message_id

    async def find_posted(self, channel: str, idempotency_key: str) -> str | None:
        return self._posted.get((channel, idempotency_key))

    def render(self, briefing: Briefing) -> None:
        stamp = briefing.generated_at.strftime("%a %d %b %Y, %H:%M %Z").strip()
        self.console.print(Rule(f"[bold]{escape(briefing.title)}[/] · {escape(stamp)}"))
        if not briefing.items:
            self.console.print("Nothing new since the last briefing.", style="dim")
        for number, item in enumerate(briefing.items, start=1):
            self.console.print(item_panel(number, item))
        for note in briefing.notes:
            self.console.print(Text(note, style="dim"))
