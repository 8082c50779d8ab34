"""Console adapter: renders briefings with rich, for the demo, `newsbrief run` without chat
tokens, and the local chat REPL."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from bot.domain import Briefing, BriefingItem, Bullet, QuoteKind

if TYPE_CHECKING:
    from datetime import datetime

    from bot.conversation.replies import Reply
    from bot.domain import Citation
    from bot.ports import PostLog


def bullet_text(bullet: Bullet) -> Text:
    """One who-said-what line: speaker in bold, then the quotes verbatim (control codes gone)."""
    line = Text("• ")
    line.append(plain(bullet.speaker), style="bold")
    if bullet.speaker_role:
        line.append(f" ({plain(bullet.speaker_role)})", style="dim")
    line.append(": ")
    parts = [
        f"“{plain(q.text)}”" if q.kind is not QuoteKind.INDIRECT else plain(q.text)
        for q in bullet.quotes
    ]
    line.append(" … ".join(parts))
    return line


def item_panel(number: int, item: BriefingItem) -> Panel:
    """A story: linked title, sources, gist and its who-said-what (feed text made `plain`)."""
    url = plain(item.url)
    title = Text(f"{number}. ", style="bold cyan")
    title.append(plain(item.title), style=Style(bold=True, link=url))
    body: list[Text] = [Text(plain(item.gist), style="italic")] if item.gist else []
    body.extend(bullet_text(b) for b in item.bullets)
    if not item.bullets:
        body.append(Text("No attributed quotes in this story.", style="dim"))
    sources = " · ".join(plain(source) for source in item.sources)
    return Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=Text(f"{sources} — {url}", style="dim"),
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

    async def post_briefing(self, briefing: Briefing, log: PostLog | None = None) -> str:
        self.render(briefing)
        message_id = f"console-{next(self._ids)}"
        self._posted[(briefing.channel, briefing.idempotency_key)] = message_id
        return message_id

    async def find_posted(
        self, channel: str, idempotency_key: str, *, since: datetime | None = None
    ) -> str | None:
        return self._posted.get((channel, idempotency_key))

    def render(self, briefing: Briefing) -> None:
        stamp = briefing.generated_at.strftime("%a %d %b %Y, %H:%M %Z").strip()
        title = escape(plain(briefing.title))
        self.console.print(Rule(f"[bold]{title}[/] · {escape(plain(stamp))}"))
        if not briefing.items:
            self.console.print("Nothing new since the last briefing.", style="dim")
        for number, item in enumerate(briefing.items, start=1):
            self.console.print(item_panel(number, item))
        for note in briefing.notes:
            self.console.print(Text(plain(note), style="dim"))


# Terminal control characters (ANSI escapes, carriage returns) in untrusted story
# text could rewrite the screen; only newlines and tabs survive.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Untrusted text made safe for a terminal (rich markup is never parsed from it)."""
    return _CONTROL.sub("", text)


def citation_text(citation: Citation) -> Text:
    """One cited quote: speaker in bold, role dim, the words verbatim, then the story."""
    line = Text("• ")
    line.append(plain(citation.speaker), style="bold")
    if citation.speaker_role:
        line.append(f" ({plain(citation.speaker_role)})", style="dim")
    line.append(": ")
    words = plain(citation.text)
    line.append(f"“{words}”" if citation.kind is not QuoteKind.INDIRECT else words)
    line.append("\n  ")
    # A Style object, not a style string: a URL is untrusted and must not be parsed as styles.
    link = Style(italic=True, link=plain(citation.story_url))
    line.append(plain(citation.story_title), style=link)
    line.append(f" — {plain(citation.story_url)}", style="dim")
    if citation.published_at is not None:
        line.append(f" · {citation.published_at:%d %b %Y}", style="dim")
    return line


def render_reply(console: Console, reply: Reply) -> None:
    """Print a conversations `Reply`: its text, citations, table and briefing."""
    style = "dim" if reply.ephemeral else ""
    if reply.text:
        console.print(Text(plain(reply.text), style=style))
    for citation in reply.citations:
        console.print(citation_text(citation))
    if reply.columns:
        table = Table(header_style="bold", show_lines=False)
        for column in reply.columns:
            table.add_column(plain(column), overflow="fold")
        for row in reply.rows:
            table.add_row(*(Text(plain(cell)) for cell in row))
        console.print(table)
    if reply.briefing is not None:
        ConsoleAdapter(console).render(reply.briefing)
