"""A briefing as the text an incoming webhook shows: Markdown, every feed string escaped.

Story titles, speakers and quotes are untrusted text from feeds. Markdown
punctuation is backslash-escaped (a feed cannot make ``[a link](elsewhere)`` or
bold text), and ``@`` and ``<`` get a zero-width space after them, so ``@channel``,
``@all``, ``@here`` (Mattermost, Rocket.Chat) and ``<users/all>`` (Google Chat)
never notify anyone. Only the links we write ourselves are links.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain import Briefing, BriefingItem, QuoteKind

ZERO_WIDTH_SPACE = "\u200b"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_PINGS = re.compile(r"([@<])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: str) -> str:
    """Feed text made inert: control characters dropped, Markdown escaped, pings broken."""
    text = _CONTROL.sub("", text)
    text = _MARKDOWN.sub(r"\\\1", text)
    return _PINGS.sub(lambda m: m[1] + ZERO_WIDTH_SPACE, text)


def _link_target(url: str) -> str:
    """A URL as a Markdown link target: only http(s), and nothing that ends the link early."""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace(">", "%3E")


def item_markdown(number: int, item: BriefingItem) -> str:
    target = _link_target(item.url)
    title = escape(item.title)
    lines = [f"**{number}. [{title}]({target})**" if target else f"**{number}. {title}**"]
    if item.sources:
        lines.append("_" + escape(" · ".join(item.sources)) + "_")
    if item.gist:
        lines.append(escape(item.gist))
    for bullet in item.bullets:
        who = escape(bullet.speaker)
        if bullet.speaker_role:
            who += f" ({escape(bullet.speaker_role)})"
        said = " … ".join(
            f"“{escape(q.text)}”" if q.kind is not QuoteKind.INDIRECT else escape(q.text)
            for q in bullet.quotes
        )
        lines.append(f"- **{who}**: {said}")
    if not item.bullets:
        lines.append("_No attributed quotes in this story._")
    return "\n".join(lines)


def briefing_markdown(briefing: Briefing) -> str:
    """The whole briefing as one Markdown message."""
    parts = [f"### {escape(briefing.title)}"]
    parts.extend(escape(note) for note in briefing.notes)
    parts.extend(item_markdown(n, item) for n, item in enumerate(briefing.items, start=1))
    if not briefing.items and not briefing.notes:
        parts.append("Nothing new in this channel's feeds.")
    return "\n\n".join(parts)


def briefing_json(briefing: Briefing) -> dict[str, Any]:
    """The briefing as data, with the Markdown as ``text`` (what the chat platforms show).

    Strings other than ``text`` are the feed's, unescaped: a receiver that renders
    them must escape them itself.
    """
    return {
        "text": briefing_markdown(briefing),
        "briefing": {
            "channel": briefing.channel,
            "title": briefing.title,
            "idempotency_key": briefing.idempotency_key,
            "generated_at": briefing.generated_at.isoformat(),
            "notes": list(briefing.notes),
            "items": [
                {
                    "title": item.title,
                    "url": item.url,
                    "sources": list(item.sources),
                    "gist": item.gist,
                    "bullets": [
                        {
                            "speaker": b.speaker,
                            "speaker_role": b.speaker_role,
                            "quotes": [{"text": q.text, "kind": q.kind.value} for q in b.quotes],
                        }
                        for b in item.bullets
                    ],
                }
                for item in briefing.items
            ],
        },
    }
